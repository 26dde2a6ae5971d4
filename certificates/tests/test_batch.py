from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from accounts.tests.factories import UserFactory
from certificates.models import Certificate, EmailBatch
from certificates.services import certificate_hold
from certificates.tasks import nightly_batch, send_person
from config.celery_app import app as celery_app
from practicums.services import attendance_record
from practicums.tests.factories import PracticumFactory, TrackGroupFactory, make_session, register
from programs.tests.factories import SeriesFactory

from .factories import issue

LA = ZoneInfo("America/Los_Angeles")
UTC = ZoneInfo("UTC")


@pytest.mark.django_db
def test_one_email_per_person_with_all_new_certificates_and_nothing_twice():
    ana, bo = UserFactory(email="ana@example.org"), UserFactory(email="bo@example.org")
    for i in range(3):
        issue(ana, key=f"module:{i}", title=f"Module {i}", earned_on=date(2026, 11, 20))
    issue(bo, key="module:9", title="Module 9", earned_on=date(2026, 11, 19))  # an earlier one not yet sent
    issue(bo, key="module:10", title="Tomorrow's", earned_on=date(2026, 11, 21))  # not yet due
    assert nightly_batch.apply(kwargs={"run_for": "2026-11-20"}).get() == 2
    by_person = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_person) == ["ana@example.org", "bo@example.org"]
    assert len(by_person["ana@example.org"].attachments) == 3
    assert [a[2] for a in by_person["ana@example.org"].attachments] == ["application/pdf"] * 3
    assert "Your 3 new certificates" in by_person["ana@example.org"].subject
    assert by_person["bo@example.org"].subject.endswith("Your certificate: Module 9")
    html = by_person["ana@example.org"].alternatives[0][0]
    assert "/me/certificates/" in html
    assert nightly_batch.apply(kwargs={"run_for": "2026-11-20"}).get() == 0  # a rerun sends nothing
    assert len(mail.outbox) == 2
    assert Certificate.objects.filter(email_state="sent").count() == 4
    batch = EmailBatch.objects.order_by("started_at").first()
    assert (batch.people, batch.sent, batch.refused) == (2, 4, 0)


@pytest.mark.django_db
def test_held_certificates_wait_until_released():
    certificate = issue(earned_on=date(2026, 11, 20))
    certificate_hold(certificate=certificate, by=None, held=True)
    nightly_batch.apply(kwargs={"run_for": "2026-11-20"})
    assert mail.outbox == []
    certificate_hold(certificate=certificate, by=None, held=False)
    nightly_batch.apply(kwargs={"run_for": "2026-11-20"})
    assert len(mail.outbox) == 1


@pytest.mark.smtp
@pytest.mark.django_db
def test_bad_address_is_refused_and_the_rest_still_go_out(smtp_server):
    good, bad = UserFactory(email="good@example.org"), UserFactory(email="bad@example.org")
    issue(good, earned_on=date(2026, 11, 20))
    issue(bad, earned_on=date(2026, 11, 20))

    original = smtp_server.handle_RCPT

    async def refuse_bad(server, session, envelope, address, rcpt_options):
        if address == "bad@example.org":
            return "550 5.1.1 No such mailbox"
        return await original(server, session, envelope, address, rcpt_options)

    smtp_server.handle_RCPT = refuse_bad
    nightly_batch.apply(kwargs={"run_for": "2026-11-20"})
    received = smtp_server.wait_for(1)
    assert [m["To"] for m in received] == ["good@example.org"]
    assert Certificate.objects.get(user=bad).email_state == "refused"
    assert "550" in Certificate.objects.get(user=bad).email_error
    assert Certificate.objects.get(user=good).email_state == "sent"
    batch = EmailBatch.objects.get()
    assert (batch.sent, batch.refused) == (1, 1)


@pytest.mark.smtp
@pytest.mark.django_db
def test_temporary_smtp_failure_keeps_certificate_pending_for_retry(smtp_server):
    issue(UserFactory(email="later@example.org"), earned_on=date(2026, 11, 20))
    smtp_server.refuse_with = "451 4.3.0 Try again later"
    smtp_server.refusals_left = 1
    from certificates.services import certificates_send_for_person

    certificate = Certificate.objects.get()
    outcome = certificates_send_for_person(user_id=certificate.user_id, run_for=date(2026, 11, 20))
    assert outcome.temporary_error
    assert Certificate.objects.get().email_state == "pending"
    outcome = certificates_send_for_person(user_id=certificate.user_id, run_for=date(2026, 11, 20))
    assert outcome.sent == 1
    assert len(smtp_server.wait_for(1)) == 1


@pytest.mark.smtp
@pytest.mark.django_db
def test_the_batch_records_retries_failures_and_when_it_finished(smtp_server):
    """Email health (the program dashboard) reads these: a send put off by a temporary error
    counts as retried, one that ran out of retries as failed, and the batch's duration runs to
    its latest outcome."""
    from certificates.services import batch_start, certificates_send_for_person

    later = issue(UserFactory(email="later@example.org"), earned_on=date(2026, 11, 20))
    never = issue(UserFactory(email="never@example.org"), key="module:2", earned_on=date(2026, 11, 20))
    batch, _ = batch_start(run_for=date(2026, 11, 20))
    smtp_server.refuse_with = "451 4.3.0 Try again later"
    smtp_server.refusals_left = 2
    day = date(2026, 11, 20)
    assert certificates_send_for_person(user_id=later.user_id, run_for=day, batch_id=batch.pk).temporary_error
    # The task's last retry, put off again: it gives up (the certificate waits for tomorrow's batch).
    kwargs = {"user_id": never.user_id, "batch_id": batch.pk, "run_for": "2026-11-20"}
    assert send_person.apply(kwargs=kwargs, retries=send_person.max_retries).get() == 0
    assert certificates_send_for_person(user_id=later.user_id, run_for=day, batch_id=batch.pk).sent == 1

    assert len(smtp_server.wait_for(1)) == 1
    batch.refresh_from_db()
    assert (batch.people, batch.sent, batch.retried, batch.failed) == (2, 1, 2, 1)
    assert batch.finished_at >= batch.started_at
    assert batch.duration == batch.finished_at - batch.started_at
    never.refresh_from_db()
    assert never.email_state == "pending"  # tomorrow's batch tries again


@pytest.mark.django_db
def test_management_command_runs_batch_for_a_date():
    issue(earned_on=date(2026, 11, 18))
    out = StringIO()
    call_command("send_certificates", "--date", "2026-11-18", "--sync", stdout=out)
    assert out.getvalue() == (
        "Certificate email: 1 people, 1 certificates sent, 0 refused, 0 people left for the next run\n"
    )
    assert len(mail.outbox) == 1
    with pytest.raises(Exception, match="--date must look like"):
        call_command("send_certificates", "--date", "18/11/2026", "--sync")


@pytest.mark.django_db
def test_management_command_sync_sends_in_this_process_without_a_worker(monkeypatch):
    """With Celery not eager (as in production), --sync still sends before it returns: nothing
    is queued for a worker that may not be running."""
    certificate = issue(earned_on=date(2026, 11, 18))  # its PDF rendered (eagerly) when issued
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    queued = []
    monkeypatch.setattr("celery.app.task.Task.apply_async", lambda *a, **k: queued.append((a, k)))
    call_command("send_certificates", "--date", "2026-11-18", "--sync", stdout=StringIO())
    assert queued == []
    assert [m.to for m in mail.outbox] == [[certificate.user.email]]
    certificate.refresh_from_db()
    assert certificate.email_state == "sent"
    assert EmailBatch.objects.get().triggered_by == "command"


@pytest.mark.parametrize(
    ("last_run_local", "expected_local"),
    [
        # Around the March change (clocks spring forward on Mar 14, 2027).
        (datetime(2027, 3, 13, 20, 0, tzinfo=LA), datetime(2027, 3, 14, 20, 0, tzinfo=LA)),
        (datetime(2027, 3, 14, 20, 0, tzinfo=LA), datetime(2027, 3, 15, 20, 0, tzinfo=LA)),
        # Around the November change (clocks fall back on Nov 7, 2027).
        (datetime(2027, 11, 6, 20, 0, tzinfo=LA), datetime(2027, 11, 7, 20, 0, tzinfo=LA)),
        (datetime(2027, 11, 7, 20, 0, tzinfo=LA), datetime(2027, 11, 8, 20, 0, tzinfo=LA)),
    ],
)
def test_beat_runs_the_batch_at_8pm_pacific_in_pst_and_pdt(last_run_local, expected_local):
    entry = settings.CELERY_BEAT_SCHEDULE["nightly-certificate-email"]
    assert entry["task"] == "certificates.nightly_batch"
    schedule = entry["schedule"]
    schedule.app = celery_app
    assert str(celery_app.timezone) == "America/Los_Angeles"
    before = expected_local - timedelta(minutes=1)
    schedule.nowfun = lambda: before
    due, wait = schedule.is_due(last_run_local)
    assert not due
    assert wait == pytest.approx(60, abs=1)
    schedule.nowfun = lambda: expected_local
    due, _ = schedule.is_due(last_run_local)
    assert due
    offsets = {expected_local.utcoffset()}
    assert offsets <= {timedelta(hours=-7), timedelta(hours=-8)}


@pytest.mark.django_db
def test_series_set_completion_issues_one_certificate_for_the_group(django_capture_on_commit_callbacks):
    program = SeriesFactory()
    group = TrackGroupFactory(program=program, name="Summer live events")
    virtual = PracticumFactory(program=program, group=group, title="Virtual Sessions 1–6", format="virtual")
    start = datetime(2027, 7, 13, 22, 30, tzinfo=UTC)
    sessions = [
        make_session(
            virtual,
            f"Virtual Session {i + 1}",
            start + timedelta(weeks=i),
            start + timedelta(weeks=i, hours=2),
        )
        for i in range(2)
    ]
    user = UserFactory()
    register(user, virtual)
    with django_capture_on_commit_callbacks(execute=True):
        for session in sessions:
            attendance_record(user=user, code=session.code, now=session.ends_at)
    certificate = Certificate.objects.get()
    assert (certificate.kind, certificate.source_key, certificate.title) == (
        "set",
        f"group:{group.pk}",
        "Virtual Sessions 1–6",
    )
    assert certificate.appraised_hours == virtual.appraised_hours
    assert certificate.earned_on == date(2027, 7, 20)  # 17:30 Pacific on the second Tuesday


@pytest.mark.django_db
def test_staff_resend_with_the_broker_down_is_kept_and_sent_by_the_sweep(
    broker_down, django_capture_on_commit_callbacks
):
    from certificates.services import certificate_resend
    from outbox.models import OutboxMessage
    from outbox.services import outbox_sweep

    broker_down.up()  # issued (its PDF rendered) before the outage
    certificate = issue(UserFactory(email="again@example.org"), earned_on=date(2026, 11, 20))
    broker_down.down()
    with django_capture_on_commit_callbacks(execute=True):
        certificate_resend(certificate=certificate, by=None)  # no error though the broker is down
    assert list(OutboxMessage.objects.values_list("task_name", "kwargs", "attempts")) == [
        ("certificates.send_person", {"user_id": certificate.user_id, "batch_id": None, "run_for": None,
                                      "only": [certificate.pk]}, 1)
    ]  # fmt: skip
    assert mail.outbox == []

    broker_down.up()
    assert outbox_sweep() == 1
    # At least once: a duplicate of the task (published twice) finds nothing left to send.
    duplicate = {"user_id": certificate.user_id, "batch_id": None, "run_for": None, "only": [certificate.pk]}
    assert send_person.apply(kwargs=duplicate).get() == 0
    assert [m.to for m in mail.outbox] == [["again@example.org"]]
    certificate.refresh_from_db()
    assert certificate.email_state == "sent"


@pytest.mark.django_db
def test_staff_resend_sends_that_certificate_again_now(django_capture_on_commit_callbacks):
    from certificates.services import certificate_resend

    certificate = issue(UserFactory(email="again@example.org"), earned_on=date(2026, 11, 20))
    nightly_batch.apply(kwargs={"run_for": "2026-11-20"})
    with django_capture_on_commit_callbacks(execute=True):
        certificate_resend(certificate=certificate, by=None)
    assert [m.to for m in mail.outbox] == [["again@example.org"], ["again@example.org"]]
    assert list(certificate.events.order_by("at", "id").values_list("action", flat=True)) == [
        "issued",
        "emailed",
        "resent",
        "emailed",
    ]
