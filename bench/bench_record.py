"""My PL Record speed (issue #7): the record page and the shared page for a person with 60
activities, rendered by Django on PostgreSQL (in-process test client, so the figure is the
server's work without the network). Target: < 100 ms median each.
Run: `make bench` or this file with DATABASE_URL set.
"""

import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._support import ROOT, scratch_database

UTC = ZoneInfo("UTC")


def seed():
    from decimal import Decimal

    from accounts.models import User
    from certificates.services import certificate_issue, share_link_create
    from modules.models import Assessment, JobAid, Lesson, LessonProgress, Module, ModuleCompletion
    from practicums.models import Attendance, Practicum, Registration, Session, TrackGroup
    from programs.models import Enrollment, Program, SchoolYear, Season

    now = datetime.now(UTC)
    user = User.objects.create_user(email="bench@example.org", password=None, full_name="Bench Teacher")
    program = Program.objects.create(
        slug="bench", title="Foundations", kind="series", status="published", summary="", description=""
    )
    year = SchoolYear.objects.create(
        program=program, name="2026–27", starts_on=date(2026, 7, 1), ends_on=date(2027, 6, 30)
    )
    seasons = [
        Season.objects.create(school_year=year, name=n, order=i)
        for i, n in enumerate(["Summer", "Fall", "Spring"])
    ]
    enrollment = Enrollment.objects.create(
        user=user, program=program, school_year=year, registered_at=now, access_opens_at=now
    )
    activities = 0
    for s_index, season in enumerate(seasons):  # 3 sets x 6 sessions = 18 activities
        group = TrackGroup.objects.create(program=program, season=season, name=f"{season.name} live events")
        practicum = Practicum.objects.create(program=program, season=season, group=group, title=f"Virtual Sessions {s_index}", kind="live_set",
                                             format="virtual", starts_on=date(2026, 7, 1), ends_on=date(2026, 8, 30),
                                             capacity=50, appraised_hours=Decimal("12"))  # fmt: skip
        Registration.objects.create(user=user, practicum=practicum, enrollment=enrollment, status="confirmed")
        for i in range(6):
            start = datetime(2026, 7, 1, 22, tzinfo=UTC) + timedelta(weeks=i)
            session = Session.objects.create(
                practicum=practicum,
                title=f"Session {i + 1}",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
            )
            Attendance.objects.create(user=user, session=session, recorded_at=start)
            activities += 1
    for m in range(7):  # 7 modules x (4 lessons + 1 aid + assessment) = 42 activities
        module = Module.objects.create(program=program, season=seasons[m % 3], title=f"Module {m}", appraised_hours=Decimal("2"),
                                       is_on_demand=True, assessment=Assessment.objects.create(title=f"A{m}"))  # fmt: skip
        for i in range(4):
            lesson = Lesson.objects.create(module=module, title=f"Lesson {i}", body="x", order=i)
            LessonProgress.objects.create(user=user, lesson=lesson, completed_at=now)
        JobAid.objects.create(module=module, title="Worksheet")
        activities += 6
        ModuleCompletion.objects.create(
            user=user, module=module, completed_at=now, completed_on=date(2026, 11, 20)
        )
        certificate_issue(user=user, program=program, kind="module", source_key=f"module:{module.pk}", title=module.title,
                          hours=Decimal("2"), earned_on=date(2026, 11, 20), module=module)  # fmt: skip
    _, token = share_link_create(
        user=user, label="", valid_through=now.date() + timedelta(days=7), program_ids=[]
    )
    return user, token, activities


def timed(client, url: str, runs: int, cold: list[str]) -> list[float]:
    """Response times of `url`; with `cold` (page-cache scopes) renewed before each request, so
    that every one is rendered from the database, as after a change."""
    from core import page_cache

    client.get(url)
    samples = []
    for _ in range(runs):
        page_cache.changed(*cold)
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return samples


def main() -> None:
    media = Path("/tmp/credo-bench-record-media")
    with scratch_database("credo_bench_record") as url:
        os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_DEBUG="false",
                          DJANGO_MEDIA_ROOT=str(media), DJANGO_ALLOWED_HOSTS="testserver",
                          CREDO_SHARED_RECORD_RATE="100000/m")  # fmt: skip
        import django

        django.setup()
        from django.db import connections
        from django.test import Client

        user, token, activities = seed()
        client = Client()
        client.force_login(user)
        from core import page_cache

        everything = [page_cache.person(user.pk), page_cache.links(user.pk), page_cache.CONTENT]
        own = timed(client, "/me/record/", 40, cold=everything)
        anonymous = Client()
        shared = timed(anonymous, f"/records/{token}/", 40, cold=everything)
        own_warm = timed(client, "/me/record/", 40, cold=[])
        shared_warm = timed(anonymous, f"/records/{token}/", 40, cold=[])
        connections.close_all()
    print(
        f"PL record: a person with {activities} activities (3 sets x 6 sessions, 7 modules with lessons, aids, assessments), PostgreSQL, in-process"
    )
    for name, samples in (("/me/record/", own), ("/records/<token>/", shared)):
        print(
            f"  {name:18} rendered (after a change) median {statistics.median(samples):.1f} ms, p95 {sorted(samples)[int(len(samples) * 0.95) - 1]:.1f} ms (target median < 100 ms)"
        )
    for name, samples in (("/me/record/", own_warm), ("/records/<token>/", shared_warm)):
        print(f"  {name:18} from the page cache median {statistics.median(samples):.1f} ms")
    ok = statistics.median(own) < 100 and statistics.median(shared) < 100
    print(f"  result: {'MEETS TARGET' if ok else 'MISSES TARGET'}")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
