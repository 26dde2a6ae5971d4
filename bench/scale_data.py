"""The scale benchmark's data (issue #19): four school years of a large organisation, written
straight into the tables with PostgreSQL COPY (CSV streamed in chunks), ids chosen here so that
every foreign key is known without reading anything back. One password hash for everyone, one
PDF file name behind every certificate, no signals, no emails.

`generate(dsn=..., scale=1.0)` writes, at scale 1.0: 200,000 people; 3 programs; 250,000
enrollments; 15,000 practicums (CE events among them) with 60,000 sessions of <= 30 seats and
400,000 registrations; ~1,500,000 attendance rows; 2,000,000 lesson-progress rows; 600,000
assessment attempts; 400,000 certificates with their events; 50,000 credentials with 300,000 CE
activities; 100,000 share links. `scale` multiplies every count except the programs."""

import csv
import io
import json
import math
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

DEFAULTS = {"people": 200_000, "enrollments": 250_000, "practicums": 15_000, "registrations": 400_000,
            "attendance": 1_500_000, "lesson_progress": 2_000_000, "attempts": 600_000,
            "certificates": 400_000, "credentials": 50_000, "share_links": 100_000, "due_people": 20_000}  # fmt: skip
SESSIONS_PER_PRACTICUM = 4  # 15,000 practicums -> 60,000 sessions
CE_PER_CREDENTIAL = 6  # 50,000 credentials -> 300,000 CE activities
MODULES_PER_YEAR, LESSONS_PER_MODULE, QUESTIONS, CHOICES = 8, 5, 10, 4
CAPACITY = 30
PDF_NAME = "certificates/scale/shared.pdf"
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY3479"  # as certificates.models / practicums.models
FIRST = ["Ada", "Grace", "Alan", "Maria", "Jamal", "Lucia", "Wei", "Amara", "Noah", "Priya", "Olga", "Kenji",
         "Sofia", "Mateo", "Fatima", "Liam", "Chloe", "Ibrahim", "Hana", "Diego"]  # fmt: skip
LAST = ["Lovelace", "Hopper", "Turing", "Garcia", "Okafor", "Chen", "Novak", "Silva", "Khan", "Dubois",
        "Rossi", "Tanaka", "Nguyen", "Müller", "Haddad", "Johansson", "Kowalski", "Mensah", "Ortega",
        "Papadopoulos", "Ivanova", "Moreau", "Schmidt", "Yamamoto", "Andersen"]  # fmt: skip
CITIES = [("Denver", "CO"), ("Austin", "TX"), ("Portland", "OR"), ("Columbus", "OH"), ("Raleigh", "NC")]
TZ = "America/Denver"


def sized(scale: float) -> dict[str, int]:
    sizes = {name: max(1, round(count * scale)) for name, count in DEFAULTS.items()}
    # Tiny sizes: enough practicums for every place (27 a practicum at any size, <= CAPACITY)
    sizes["practicums"] = max(sizes["practicums"], 3 * math.ceil(sizes["registrations"] / 3 / 26) + 6)
    return sizes


def code(number: int, length: int) -> str:
    """A code from CODE_ALPHABET, different for every number below 24**length."""
    chars = []
    for _ in range(length):
        number, digit = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[digit])
    return "".join(reversed(chars))


@dataclass
class Generated:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    sample_people: list[int] = field(default_factory=list)  # long histories: 2 programs, a credential
    share_tokens: dict[int, str] = field(default_factory=dict)  # sample person -> a live link's token
    calendar_tokens: dict[int, str] = field(default_factory=dict)
    certificate_codes: list[str] = field(default_factory=list)
    modules: dict[int, int] = field(default_factory=dict)  # sample person -> a module of theirs
    due_people: int = 0
    run_for: date = date.min


class Copier:
    """COPY … FROM STDIN in chunks of CSV; ids are counted from the table's current maximum."""

    CHUNK = 50_000

    def __init__(self, connection) -> None:
        self.connection = connection
        self.counts: dict[str, int] = {}

    def next_id(self, table: str) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')
            return cursor.fetchone()[0]

    def copy(self, table: str, columns: list[str], rows) -> int:
        """Every string is quoted (QUOTE_NONNUMERIC), None too (as ""): in the columns that may be
        NULL (none of them a text column: Django keeps those NOT NULL), "" is NULL (FORCE_NULL)."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND is_nullable = 'YES'",
                [table],
            )
            nullable = [f'"{name}"' for (name,) in cursor.fetchall() if name in columns]
        names = ", ".join(f'"{c}"' for c in columns)
        force = f", FORCE_NULL ({', '.join(nullable)})" if nullable else ""
        statement = f'COPY "{table}" ({names}) FROM STDIN WITH (FORMAT csv{force})'
        buffer, writer, written = io.StringIO(), None, 0
        writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        with self.connection.cursor() as cursor:
            for row in rows:
                writer.writerow(row)
                written += 1
                if written % self.CHUNK == 0:
                    buffer.seek(0)
                    cursor.copy_expert(statement, buffer)
                    buffer.seek(0)
                    buffer.truncate()
            if buffer.tell():
                buffer.seek(0)
                cursor.copy_expert(statement, buffer)
        self.counts[table] = self.counts.get(table, 0) + written
        return written


def _at(day: date, hour: int = 16) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def generate(*, dsn: str, scale: float, check_foreign_keys: bool = False) -> Generated:
    """Writes the data set into the (migrated, empty) database at `dsn`. Foreign keys are always
    consistent by construction; `check_foreign_keys` makes PostgreSQL check each one as well (the
    test does); without it the load skips the per-row trigger checks (session_replication_role)."""
    import time as clock

    import psycopg2
    from django.contrib.auth.hashers import make_password

    started = clock.perf_counter()
    n = sized(scale)
    connection = psycopg2.connect(dsn)
    out = Generated()
    with connection, connection.cursor() as cursor:
        if not check_foreign_keys:
            cursor.execute("SET session_replication_role = replica")
        db = Copier(connection)
        _write(db, n, out, password=make_password("scale-bench-password"))
        for table in db.counts:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"
            )
    connection.autocommit = True
    from django.db import connection as django_connection
    from django.db.migrations.loader import MigrationLoader

    from insight.fill import milestones_fill
    from recertification.tally import ce_hours_fill

    # What the services keep as things happen, from the history written, as the migrations do:
    # with the migrations' models, whose plain updates renew no cached page (a person's pages,
    # 250,000 of them, would each be written to the cache).
    apps = MigrationLoader(django_connection).project_state().apps
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the fill's correlated updates need the new rows' statistics
    milestones_fill(apps)
    ce_hours_fill(apps)
    with connection.cursor() as cursor:
        # A database of years is vacuumed and checkpointed, not freshly loaded: without this the
        # measurements pay for autovacuum's first pass over millions of new rows and for setting
        # every page's hint bits, the larger size far more than the tenth.
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")
    connection.close()
    out.counts = db.counts
    out.seconds = clock.perf_counter() - started
    return out


def _write(db: Copier, n: dict[str, int], out: Generated, *, password: str) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    today = now.date()
    out.run_for = today
    first_year = (today.year if today.month >= 7 else today.year - 1) - 3
    years = [(date(first_year + y, 7, 1), date(first_year + y + 1, 6, 30)) for y in range(4)]

    # People: person i has id u0 + i.
    u0, people = db.next_id("accounts_user"), n["people"]
    joined_span = (today - years[0][0]).days
    db.copy("accounts_user", ["id", "password", "is_superuser", "email", "full_name", "organization", "job_title",
            "time_zone", "is_staff", "is_active", "date_joined", "session_reminders"],
            ((u0 + i, password, False, f"person{i}@example.org",
              f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}", f"District {i % 500}",
              "Teacher", TZ, False, True, _at(years[0][0] + timedelta(days=i * joined_span // people), 9).isoformat(), True)
             for i in range(people)))  # fmt: skip
    ea0 = db.next_id("account_emailaddress")
    db.copy("account_emailaddress", ["id", "email", "verified", "primary", "user_id"],
            ((ea0 + i, f"person{i}@example.org", True, True, u0 + i) for i in range(people)))  # fmt: skip

    # Catalogue: 3 programs (a certification, two series), 4 school years, 3 seasons each.
    p0 = db.next_id("programs_program")
    programs = [p0, p0 + 1, p0 + 2]
    db.copy("programs_program", ["id", "slug", "title", "kind", "status", "summary", "description", "audience",
            "requirements", "price_text", "home_time_zone", "access_delay_business_days",
            "recommended_weeks_before_practicum", "move_cutoff_days", "waitlist_offer_hours", "validity_years",
            "ce_hours_required", "funding_letter", "order", "created_at"],
            ((pid, slug, title, kind, "published", "At scale.", "A program.", "", "", "", TZ, 2, 4, 7, 48, 2, "24.00",
              "", k, now.isoformat())
             for k, (pid, slug, title, kind) in enumerate(zip(programs, ["scale-cert", "scale-series-a", "scale-series-b"],
                                                          ["Certified Coach", "Foundations Series", "Leadership Series"],
                                                          ["certification", "series", "series"], strict=True))))  # fmt: skip
    y0 = db.next_id("programs_schoolyear")
    year_id = {(p, y): y0 + p * 4 + y for p in range(3) for y in range(4)}
    db.copy("programs_schoolyear", ["id", "name", "starts_on", "ends_on", "program_id"],
            ((year_id[p, y], f"{s.year}–{str(s.year + 1)[2:]}", str(s), str(e), programs[p])
             for p in range(3) for y, (s, e) in enumerate(years)))  # fmt: skip
    s0 = db.next_id("programs_season")
    season_id = {(p, y, k): s0 + (p * 4 + y) * 3 + k for p in range(3) for y in range(4) for k in range(3)}
    db.copy("programs_season", ["id", "name", "order", "school_year_id"],
            ((season_id[p, y, k], name, k, year_id[p, y]) for p in range(3) for y in range(4)
             for k, name in enumerate(["Summer", "Fall", "Spring"])))  # fmt: skip

    # Modules: 8 per program and year, each with 5 lessons, an aid and an assessment of 10 questions.
    a0, m0, l0 = db.next_id("modules_assessment"), db.next_id("modules_module"), db.next_id("modules_lesson")
    q0, c0 = db.next_id("modules_question"), db.next_id("modules_choice")
    modules = {(p, y, m): m0 + (p * 4 + y) * MODULES_PER_YEAR + m
               for p in range(3) for y in range(4) for m in range(MODULES_PER_YEAR)}  # fmt: skip
    n_modules = len(modules)
    exam_assessment = a0 + n_modules
    db.copy("modules_assessment", ["id", "title", "pass_mark_percent", "wait_minutes", "questions_per_attempt", "shuffle"],
            [(a0 + i, f"Assessment {i}", 80, 0, 5, True) for i in range(n_modules)]
            + [(exam_assessment, "Certification exam", 75, 0, None, True)])  # fmt: skip
    db.copy("modules_module", ["id", "order", "title", "summary", "planned_hours_min", "planned_hours_max",
            "appraised_hours", "is_on_demand", "is_published", "assessment_id", "program_id", "school_year_id", "season_id"],
            ((mid, m, f"Module {m + 1} ({y + first_year})", "", "2.0", "4.0", "2.00", True, True, a0 + mid - m0,
              programs[p], year_id[p, y], season_id[p, y, m % 3]) for (p, y, m), mid in modules.items()))  # fmt: skip
    db.copy("modules_lesson", ["id", "order", "title", "body", "video_url", "attachment", "minutes", "module_id"],
            ((l0 + (mid - m0) * LESSONS_PER_MODULE + k, k, f"Lesson {k + 1}", "Read this, then try it in class.",
              "", "", 20, mid) for mid in modules.values() for k in range(LESSONS_PER_MODULE)))  # fmt: skip
    ja0 = db.next_id("modules_jobaid")
    db.copy("modules_jobaid", ["id", "title", "description", "worksheet", "order", "module_id"],
            ((ja0 + mid - m0, "Worksheet", "", "", 0, mid) for mid in modules.values()))  # fmt: skip
    n_assessments = n_modules + 1
    db.copy("modules_question", ["id", "kind", "text", "feedback", "order", "assessment_id"],
            ((q0 + a * QUESTIONS + k, "single", f"Question {k + 1}?", "", k, a0 + a)
             for a in range(n_assessments) for k in range(QUESTIONS)))  # fmt: skip
    db.copy("modules_choice", ["id", "text", "is_correct", "order", "question_id"],
            ((c0 + q * CHOICES + k, f"Choice {k + 1}", k == 0, k, q0 + q)
             for q in range(n_assessments * QUESTIONS) for k in range(CHOICES)))  # fmt: skip
    db.copy(
        "recertification_exam",
        ["id", "invitation_days", "assessment_id", "program_id"],
        [(db.next_id("recertification_exam"), 30, exam_assessment, programs[0])],
    )

    # Practicums, spread evenly from the first school year to 90 days ahead; 4 sessions each.
    x0, se0 = db.next_id("practicums_practicum"), db.next_id("practicums_session")
    span = (today + timedelta(days=90) - years[0][0]).days
    per_program = [list(range(p, n["practicums"], 3)) for p in range(3)]  # practicum index j -> program j % 3
    starts: list[date] = [date.min] * n["practicums"]
    for p in range(3):
        for k, j in enumerate(per_program[p]):
            starts[j] = years[0][0] + timedelta(days=k * span // len(per_program[p]))

    def practicum_row(j: int) -> tuple:
        p, start = j % 3, starts[j]
        y = min(3, max(0, (start - years[0][0]).days // 365))
        season = 0 if start.month in (7, 8) else 1 if start.month >= 9 else 2
        ce = p == 0 and (j // 3) % 20 == 19
        kind = "ce_event" if ce else "practicum" if p == 0 else "live_set"
        city, state = CITIES[j % len(CITIES)] if j % 2 else ("", "")
        return (x0 + j, f"{'Webinar' if ce else 'Practicum' if p == 0 else 'Live events'} {j}", "in_person" if city else "virtual",
                "", "", city, "" if city else "https://meet.example.org/x", str(start), str(start + timedelta(days=3)), TZ,
                CAPACITY, "12.00", "scheduled", True, now.isoformat(), programs[p], season_id[p, y, season], None,
                "webinar" if ce else "", kind, state)  # fmt: skip

    db.copy("practicums_practicum", ["id", "title", "format", "venue_name", "address", "city", "join_url", "starts_on",
            "ends_on", "time_zone", "capacity", "appraised_hours", "status", "is_published", "created_at", "program_id",
            "season_id", "group_id", "ce_kind", "kind", "state"], (practicum_row(j) for j in range(n["practicums"])))  # fmt: skip
    db.copy("practicums_session", ["id", "title", "starts_at", "ends_at", "code", "status", "uid", "sequence", "practicum_id"],
            ((se0 + j * SESSIONS_PER_PRACTICUM + d, f"Day {d + 1}", _at(starts[j] + timedelta(days=d)).isoformat(),
              _at(starts[j] + timedelta(days=d), 19).isoformat(), code(se0 + j * SESSIONS_PER_PRACTICUM + d, 6),
              "scheduled", str(uuid.uuid4()), 0, x0 + j) for j in range(n["practicums"]) for d in range(SESSIONS_PER_PRACTICUM)))  # fmt: skip

    # Enrollments: everyone in program i % 3; the first ones in a second program too (long histories).
    second = n["enrollments"] - people
    by_program: list[list[int]] = [[] for _ in range(3)]  # person indexes, in enrollment order
    for i in range(people):
        by_program[i % 3].append(i)
    for i in range(max(0, second)):
        by_program[(i + 1) % 3].append(i)
    e0 = db.next_id("programs_enrollment")
    enrollments: list[tuple[int, int, int, int]] = []  # (enrollment id, person, program index, year)
    for p in range(3):
        for k, i in enumerate(by_program[p]):
            enrollments.append((e0 + len(enrollments), i, p, k * 4 // len(by_program[p])))

    def registered(e: tuple) -> datetime:
        day = years[e[3]][0] + timedelta(days=(e[1] * 37) % 150)
        return min(_at(day, 15), now - timedelta(hours=2))

    db.copy("programs_enrollment", ["id", "status", "registered_at", "access_opens_at", "source", "user_id", "program_id",
            "school_year_id", "modules_passed"], ((e[0], "active" if e[3] == 3 else "completed", registered(e).isoformat(),
            registered(e).isoformat(), "web", u0 + e[1], programs[e[2]], year_id[e[2], e[3]], 0) for e in enrollments))  # fmt: skip

    # Registrations: every enrollment has one; the first ones of each program a second, later one.
    extra = n["registrations"] - len(enrollments)
    r0, regs = (
        db.next_id("practicums_registration"),
        [],
    )  # (id, person, practicum index, status, enrollment id)
    for p in range(3):
        own = [e for e in enrollments if e[2] == p]
        queue = own + own[: round(len(own) * extra / max(1, len(enrollments)))]
        slots = per_program[p]
        fill = math.ceil(len(queue) / len(slots))
        assert fill <= CAPACITY, f"{fill} people per practicum: more practicums needed"
        for k, e in enumerate(queue):
            number = len(regs)
            status = "cancelled" if number % 40 == 0 else "waitlisted" if number % 40 == 1 else "confirmed"
            regs.append((r0 + number, e[1], slots[k // fill], status, e[0]))
    db.copy("practicums_registration", ["id", "status", "created_at", "cancelled_at", "cancel_reason", "enrollment_id",
            "practicum_id", "user_id"], ((r[0], r[3], _at(starts[r[2]] - timedelta(days=30)).isoformat(),
            _at(starts[r[2]] - timedelta(days=10)).isoformat() if r[3] == "cancelled" else None,
            "Changed plans" if r[3] == "cancelled" else "", r[4], x0 + r[2], u0 + r[1]) for r in regs))  # fmt: skip

    # Attendance at every past session of a confirmed place (up to the size asked); a completed
    # set where all four were attended.
    attended, completions = [], []  # (person, session index) / (person, practicum index)
    for r in regs:
        if r[3] != "confirmed" or _at(starts[r[2]] + timedelta(days=SESSIONS_PER_PRACTICUM)) > now:
            continue
        if len(attended) + SESSIONS_PER_PRACTICUM > n["attendance"]:
            break
        attended.extend((r[1], r[2] * SESSIONS_PER_PRACTICUM + d) for d in range(SESSIONS_PER_PRACTICUM))
        completions.append((r[1], r[2]))
    ad0 = db.next_id("practicums_attendance")
    db.copy("practicums_attendance", ["id", "recorded_at", "source", "user_id", "session_id"],
            ((ad0 + k, _at(starts[s // SESSIONS_PER_PRACTICUM] + timedelta(days=s % SESSIONS_PER_PRACTICUM)).isoformat(),
              "code", u0 + i, se0 + s) for k, (i, s) in enumerate(attended)))  # fmt: skip
    sc0 = db.next_id("practicums_setcompletion")
    db.copy("practicums_setcompletion", ["id", "completed_at", "completed_on", "practicum_id", "user_id"],
            ((sc0 + k, _at(starts[j] + timedelta(days=3), 19).isoformat(), str(starts[j] + timedelta(days=3)), x0 + j, u0 + i)
             for k, (i, j) in enumerate(completions)))  # fmt: skip

    # Lessons done, attempts, module completions: per enrollment, in the modules of its year.
    per_enrollment = n["lesson_progress"] // len(enrollments)
    lp0 = db.next_id("modules_lessonprogress")
    db.copy("modules_lessonprogress", ["id", "completed_at", "lesson_id", "user_id"],
            ((lp0 + k * per_enrollment + x, min(registered(e) + timedelta(days=x + 1), now - timedelta(hours=1)).isoformat(),
              l0 + (modules[e[2], e[3], 0] - m0) * LESSONS_PER_MODULE + x, u0 + e[1])
             for k, e in enumerate(enrollments) for x in range(per_enrollment)))  # fmt: skip
    at0, attempts, passed = db.next_id("modules_attempt"), [], []
    for k, e in enumerate(enrollments):  # 60 % failed their first try at module 1; 80 % did module 2
        plan = [(0, 1, k % 5 < 3)] + ([(1, 1, False)] if k % 5 < 4 else [])
        for m, _, failed in plan:
            if failed and len(attempts) < n["attempts"]:
                attempts.append((at0 + len(attempts), e, m, 1, False))
            if len(attempts) < n["attempts"]:
                attempts.append((at0 + len(attempts), e, m, 2 if failed else 1, True))
                passed.append(attempts[-1])

    def attempt_row(a: tuple) -> tuple:
        aid, e, m, number, ok = a
        assessment = a0 + modules[e[2], e[3], m] - m0
        qs = [q0 + (assessment - a0) * QUESTIONS + k for k in range(5)]
        order = {str(q): [c0 + (q - q0) * CHOICES + k for k in range(CHOICES)] for q in qs}
        answers = {str(q): [order[str(q)][0 if ok or k else 1]] for k, q in enumerate(qs)}
        at = min(registered(e) + timedelta(days=10 + m * 5 + number), now - timedelta(minutes=30))
        return (aid, number, "submitted", at.isoformat(), (at + timedelta(minutes=12)).isoformat(), json.dumps(qs),
                json.dumps(order), json.dumps(answers), "100.00" if ok else "60.00", ok, assessment, u0 + e[1])  # fmt: skip

    db.copy("modules_attempt", ["id", "number", "state", "started_at", "submitted_at", "question_ids", "choice_order",
            "answers", "score_percent", "passed", "assessment_id", "user_id"], (attempt_row(a) for a in attempts))  # fmt: skip
    mc0 = db.next_id("modules_modulecompletion")
    done_at = {a[0]: min(registered(a[1]) + timedelta(days=10 + a[2] * 5 + a[3], minutes=12), now - timedelta(minutes=10))
               for a in passed}  # fmt: skip
    db.copy("modules_modulecompletion", ["id", "completed_at", "completed_on", "attempt_id", "module_id", "user_id"],
            ((mc0 + k, done_at[a[0]].isoformat(), str(done_at[a[0]].date()), a[0], modules[a[1][2], a[1][3], a[2]], u0 + a[1][1])
             for k, a in enumerate(passed)))  # fmt: skip

    from bench.scale_awards import write_awards

    write_awards(db, n, out, now=now, u0=u0, programs=programs, passed=passed, done_at=done_at,
                        modules=modules, completions=completions, starts=starts, x0=x0, m0=m0, by_program=by_program)  # fmt: skip
