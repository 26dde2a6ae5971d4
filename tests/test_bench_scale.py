"""The scale benchmark's generator (bench/scale_data.py) at a tiny size: every row it says it
wrote is there, PostgreSQL checked every foreign key, unique and check constraint while loading,
and the data behaves as the benchmark assumes."""

from datetime import date

import pytest
from django.db import connection

from bench.scale_data import generate, sized

pytestmark = pytest.mark.postgres


def dsn() -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def test_generator_writes_what_it_says_within_every_constraint(transactional_db):
    from accounts.models import User
    from certificates.models import Certificate
    from certificates.services import batch_start
    from practicums.models import Practicum, Registration

    scale = 0.002
    generated = generate(dsn=dsn(), scale=scale, check_foreign_keys=True)

    with connection.cursor() as cursor:
        for table, count in generated.counts.items():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (the generator's own table names)
            assert (table, cursor.fetchone()[0]) == (table, count)
    sizes = sized(scale)
    assert generated.counts["accounts_user"] == sizes["people"] == 400
    assert generated.counts["programs_enrollment"] == sizes["enrollments"] == 500
    assert generated.counts["practicums_registration"] == sizes["registrations"] == 800
    assert generated.counts["modules_lessonprogress"] == sizes["lesson_progress"] == 4000
    assert generated.counts["modules_attempt"] == sizes["attempts"] == 1200
    assert generated.counts["certificates_certificate"] == sizes["certificates"] == 800
    assert generated.counts["recertification_ceactivity"] == 6 * sizes["credentials"] == 600
    assert generated.counts["certificates_sharelink"] == sizes["share_links"] == 200
    assert generated.counts["practicums_session"] == 4 * generated.counts["practicums_practicum"]
    # No practicum holds more places than its 30 seats; every certificate has the one shared PDF.
    busiest = max(
        Registration.objects.exclude(status="cancelled").filter(practicum=p).count()
        for p in Practicum.objects.all()
    )
    assert busiest <= 30
    assert set(Certificate.objects.values_list("pdf", flat=True)) == {"certificates/scale/shared.pdf"}
    # Tonight's batch finds exactly the people due; the sequences follow the copied ids.
    _, due = batch_start(run_for=generated.run_for or date.today(), triggered_by="test")
    assert (len(due), generated.due_people) == (40, 40)
    newcomer = User.objects.create_user(email="after-the-copy@example.org", full_name="After")
    assert newcomer.pk == max(User.objects.values_list("pk", flat=True))
    # The enrollments' milestones, filled from the generated history (the program dashboard's funnel).
    from programs.models import Enrollment

    assert Enrollment.objects.filter(opened_at__isnull=False).count() == 500
    assert Enrollment.objects.filter(certified_at__isnull=False).exists()
    from recertification.models import Credential
    from recertification.selectors import credentials_with_ce_hours

    counted = credentials_with_ce_hours(Credential.objects.all()).values_list("ce_hours", "ce_hours_counted")
    assert all(kept == computed for kept, computed in counted)
    assert any(kept > 0 for kept, _ in counted)
    assert len(generated.sample_people) == 5
    assert set(generated.modules) == set(generated.sample_people)
