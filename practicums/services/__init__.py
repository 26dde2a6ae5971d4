"""Writes for practicums, by topic: registration (seats, waitlist, moves, bulk enrollment),
attendance (codes, corrections, set completion) and scheduling (sessions, copies, feeds)."""

from .attendance import (
    AttendanceError,
    AttendanceResult,
    attendance_correct,
    attendance_mark_all_present,
    attendance_record,
    set_complete_if_done,
)
from .registration import (
    ImportResult,
    RegistrationError,
    ce_event_register,
    enrollment_import_csv,
    move_deadline,
    registration_cancel,
    registration_confirm_offer,
    registration_create,
    registration_move,
    waitlist_expire_offers,
    waitlist_promote,
)
from .scheduling import (
    calendar_feed_get_or_create,
    calendar_feed_reset,
    practicum_copy_to_next_month,
    session_touch,
)

__all__ = [
    "AttendanceError",
    "AttendanceResult",
    "ImportResult",
    "RegistrationError",
    "attendance_correct",
    "attendance_mark_all_present",
    "attendance_record",
    "calendar_feed_get_or_create",
    "calendar_feed_reset",
    "ce_event_register",
    "enrollment_import_csv",
    "move_deadline",
    "practicum_copy_to_next_month",
    "registration_cancel",
    "registration_confirm_offer",
    "registration_create",
    "registration_move",
    "session_touch",
    "set_complete_if_done",
    "waitlist_expire_offers",
    "waitlist_promote",
]
