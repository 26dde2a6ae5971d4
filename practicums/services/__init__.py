"""Writes for practicums, by topic: registration (seats, moves, bulk enrollment), waitlist
(offers of freed seats), attendance (codes, corrections, set completion), scheduling (sessions,
copies, feeds) and notifications (session reminders, schedule-change emails)."""

from .attendance import (
    AttendanceError,
    AttendanceResult,
    attendance_correct,
    attendance_mark_all_present,
    attendance_record,
    set_complete_if_done,
)
from .notifications import (
    ScheduleSnapshot,
    practicum_changes_notify,
    schedule_snapshot,
    session_reminders_send,
)
from .registration import (
    ImportResult,
    RegistrationError,
    enrollment_import_csv,
    move_deadline,
    registration_add_tracks,
    registration_cancel,
    registration_create,
    registration_move,
    registration_take_free_place,
)
from .scheduling import (
    calendar_feed_get_or_create,
    calendar_feed_reset,
    practicum_copy_to_next_month,
    session_touch,
)
from .waitlist import registration_confirm_offer, waitlist_expire_offers, waitlist_promote

__all__ = [
    "AttendanceError",
    "AttendanceResult",
    "ImportResult",
    "RegistrationError",
    "ScheduleSnapshot",
    "attendance_correct",
    "attendance_mark_all_present",
    "attendance_record",
    "calendar_feed_get_or_create",
    "calendar_feed_reset",
    "enrollment_import_csv",
    "move_deadline",
    "practicum_changes_notify",
    "practicum_copy_to_next_month",
    "registration_add_tracks",
    "registration_cancel",
    "registration_confirm_offer",
    "registration_create",
    "registration_move",
    "registration_take_free_place",
    "schedule_snapshot",
    "session_reminders_send",
    "session_touch",
    "set_complete_if_done",
    "waitlist_expire_offers",
    "waitlist_promote",
]
