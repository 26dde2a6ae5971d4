"""Demo practicums and live event sets for `manage.py seed_demo` (only when a program is new)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from accounts.services import user_create
from programs.models import Instructor, Program, Season

from .models import Practicum, Session, TrackGroup
from .selectors import practicum_list_offered, track_groups_for_program
from .services import registration_create

CITIES = [
    ("Denver", "CO", "Mile High Conference Center", "1701 Market St", "America/Denver"),
    ("Chicago", "IL", "Lakeside Learning Hub", "200 E Randolph St", "America/Chicago"),
    ("Seattle", "WA", "Harbor Training Rooms", "1301 2nd Ave", "America/Los_Angeles"),
]


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def seed_certification_practicums(
    program: Program, instructors: list[Instructor], today: date
) -> list[Practicum]:
    """1–2 practicums a month over the next three months, 3–4 days each, both formats."""
    practicums = []
    for month in range(3):
        anchor = (today.replace(day=1) + timedelta(days=32 * (month + 1))).replace(day=1)
        # In person mid-month (Tue–Fri, 4 days); virtual late in the month (Tue–Thu, 3 days).
        city, state, venue, address, zone = CITIES[month % len(CITIES)]
        start = _next_weekday(anchor + timedelta(days=7), 1)
        practicums.append(
            Practicum(
                program=program,
                title=f"Practicum — {city}, {start:%B %Y}",
                format=Practicum.Format.IN_PERSON,
                venue_name=venue,
                address=address,
                city=city,
                state=state,
                starts_on=start,
                ends_on=start + timedelta(days=3),
                time_zone=zone,
                capacity=24,
                appraised_hours=Decimal("28"),
            )
        )
        if month != 1:
            start = _next_weekday(anchor + timedelta(days=20), 1)
            practicums.append(
                Practicum(
                    program=program,
                    title=f"Virtual practicum — {start:%B %Y}",
                    format=Practicum.Format.VIRTUAL,
                    join_url="https://meet.credo.example/practicum",
                    starts_on=start,
                    ends_on=start + timedelta(days=2),
                    time_zone="America/New_York",
                    capacity=30,
                    appraised_hours=Decimal("21"),
                )
            )
    Practicum.objects.bulk_create(practicums)
    for practicum in practicums:
        practicum.instructors.set(
            instructors[:2] if practicum.format == Practicum.Format.IN_PERSON else instructors[1:3]
        )
    return practicums


SERIES_SETS = {
    # season: (virtual title, sessions, virtual hours), (in-person title, days, in-person hours), first day
    "Summer": (("Virtual Sessions 1–6", 6, "12"), ("Days 1–3", 3, "18"), (7, 13)),
    "Fall": (("Virtual Sessions 7 & 8", 2, "4"), ("Day 4", 1, "6"), (10, 12)),
    "Spring": (("Virtual Sessions 9 & 10", 2, "4"), ("Day 5", 1, "6"), (2, 15)),
}


def seed_series_sets(program: Program, instructors: list[Instructor]) -> list[Practicum]:
    practicums = []
    seasons = Season.objects.filter(school_year__program=program).select_related("school_year")
    for season in seasons:
        (v_title, v_count, v_hours), (d_title, d_count, d_hours), (month, day) = SERIES_SETS[season.name]
        year = season.school_year.starts_on.year + (1 if month < 7 else 0)
        first = date(year, month, day)
        group = TrackGroup.objects.create(
            program=program, season=season, name=f"{season.name} live events", order=season.order
        )
        common = {
            "program": program,
            "season": season,
            "group": group,
            "time_zone": "America/Los_Angeles",
            "kind": Practicum.Kind.LIVE_SET,
        }
        practicums.append(
            Practicum(
                **common,
                title=v_title,
                format=Practicum.Format.VIRTUAL,
                join_url="https://meet.credo.example/foundations",
                starts_on=first,
                ends_on=first + timedelta(weeks=max(v_count - 1, 0))
                if v_count > 2
                else first + timedelta(weeks=1),
                capacity=60,
                appraised_hours=Decimal(v_hours),
            )
        )
        practicums.append(
            Practicum(
                **common,
                title=d_title,
                format=Practicum.Format.IN_PERSON,
                venue_name="Riverside District Learning Center",
                address="450 River Rd",
                city="Sacramento",
                state="CA",
                starts_on=first,
                ends_on=first + timedelta(days=d_count - 1),
                capacity=40,
                appraised_hours=Decimal(d_hours),
            )
        )
    Practicum.objects.bulk_create(practicums)
    for practicum in practicums:
        practicum.instructors.set(instructors[-1:])
    return practicums


def enroll_demo_people(
    *, candidate: User, teacher: User, certification: Program, series: Program, today: date
) -> None:
    """The candidate takes the first upcoming practicum (a real one: never a CE event, decision
    0010); the teacher takes the virtual track of every season still ahead this school year."""
    first = practicum_list_offered(program=certification, today=today).first()
    if first and not candidate.enrollments.filter(program=certification).exists():
        registration_create(user=candidate, program=certification, practicum_ids=[first.pk], source="admin")
    if not teacher.enrollments.filter(program=series).exists():
        choices = [
            next((p for p in group.upcoming if p.format == Practicum.Format.VIRTUAL), None)
            for group in track_groups_for_program(program=series, today=today)
            if group.upcoming
        ]
        if all(choices) and choices:
            registration_create(
                user=teacher, program=series, practicum_ids=[p.pk for p in choices if p], source="admin"
            )


def _at(day: date, hour: int, minute: int, zone) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


SERIES_SESSION_NUMBERS = {
    "Virtual Sessions 1–6": ("Virtual Session", [1, 2, 3, 4, 5, 6]),
    "Virtual Sessions 7 & 8": ("Virtual Session", [7, 8]),
    "Virtual Sessions 9 & 10": ("Virtual Session", [9, 10]),
    "Days 1–3": ("Day", [1, 2, 3]),
    "Day 4": ("Day", [4]),
    "Day 5": ("Day", [5]),
}


def seed_sessions(practicums) -> int:
    """Sessions for demo practicums that have none: certification days 9:00–17:00; the
    series' virtual sessions weekly 15:30–17:30 and its in-person days 8:30–15:30, each in the
    practicum's own zone. Returns how many were created."""
    created = 0
    for practicum in practicums:
        if practicum.sessions.exists():
            continue
        zone = practicum.zone
        label, numbers = SERIES_SESSION_NUMBERS.get(
            practicum.title, ("Day", list(range(1, practicum.days + 1)))
        )
        weekly = practicum.format == Practicum.Format.VIRTUAL and practicum.group_id is not None
        hours = (
            ((15, 30), (17, 30))
            if weekly
            else (((8, 30), (15, 30)) if practicum.group_id else ((9, 0), (17, 0)))
        )
        for i, number in enumerate(numbers):
            day = practicum.starts_on + (timedelta(weeks=i) if weekly else timedelta(days=i))
            Session.objects.create(  # one by one: each gets its own unused attendance code
                practicum=practicum,
                title=f"{label} {number}",
                starts_at=_at(day, *hours[0], zone),
                ends_at=_at(day, *hours[1], zone),
            )
            created += 1
    return created


DEMO_INSTRUCTOR_EMAIL = "instructor@credo.example"


def seed_instructor_account(instructor: Instructor) -> User:
    """A staff account in the Instructors group for the first demo instructor (idempotent)."""
    user = User.objects.filter(email=DEMO_INSTRUCTOR_EMAIL).first()
    if user is None:
        user = user_create(
            email=DEMO_INSTRUCTOR_EMAIL,
            password=DEMO_PASSWORD,
            full_name=instructor.name,
            is_staff=True,
            email_verified=True,
        )
        user.groups.add(Group.objects.get(name="Instructors"))
    if instructor.user_id is None:
        instructor.user = user
        instructor.save(update_fields=["user"])
    return user
