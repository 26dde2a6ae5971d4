"""Two web servers behind one address share nothing but PostgreSQL, Redis and object storage
(issue #19): two real gunicorn servers on different ports, each with a media folder of its own (as
on two machines), against this test's PostgreSQL database, the Redis at REDIS_URL and an
S3-compatible store (moto). One person moves between them mid-journey with one cookie jar, as a
load balancer would move them: signed in on A, the session works on B; a page A cached is renewed
after a change made on B; wrong attendance codes counted on A are refused on B; a file uploaded on
B downloads on A."""

import os
import re
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import PASSWORD
from conftest import ROOT
from tests.test_faults_postgres import gunicorn

BUCKET = "credo-two-servers"
S3_KEYS = {"S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing", "S3_REGION": "us-east-1"}
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


def server_env(*, media: Path, s3_url: str) -> dict[str, str]:
    """The local settings without DEBUG on this test's database, Redis and object store."""
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ["REDIS_URL"],
        "CELERY_BROKER_URL": os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/9",  # nothing consumes it
        "DJANGO_MEDIA_ROOT": str(media),  # a machine's own disk: unused when S3 works
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": s3_url,
        **S3_KEYS,
        "PYTHONPATH": str(ROOT),
    }


@contextmanager
def server(env: dict[str, str], log: Path):
    """A real gunicorn with one sync worker (tests/test_faults_postgres.py) until the block ends;
    its address."""
    with gunicorn(env, log, workers=1) as (port, _process):
        yield f"http://127.0.0.1:{port}"


def seed():
    """A person (verified email) registered for a practicum whose session runs now, enrolled in a
    program whose module has a job aid. (person, session code, module, job aid)"""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from accounts.tests.factories import UserFactory
    from modules.tests.factories import JobAidFactory
    from practicums.tests.factories import PracticumFactory, make_session, register

    person = UserFactory(email="moving@example.org", full_name="Morgan Moving")
    # Hashed as the servers' settings hash (the test settings' fast hasher is not among theirs).
    person.password = PBKDF2PasswordHasher().encode(PASSWORD, "two-servers-salt")
    person.save(update_fields=["password"])
    aid = JobAidFactory(title="Lesson planning sheet")
    practicum = PracticumFactory(program=aid.module.program, title="Summer practicum")
    now = timezone.now()
    session = make_session(practicum, "Day 1", now - timedelta(hours=1), now + timedelta(hours=1))
    register(person, practicum)
    return person, session.code, aid.module, aid


def post(session, url: str, data: dict, files: dict | None = None):
    """A form POST as a browser sends it (the CSRF cookie's value as the form's token)."""
    token = session.cookies.get("csrftoken")
    return session.post(url, data={"csrfmiddlewaretoken": token, **data}, files=files,
                        allow_redirects=False, timeout=20)  # fmt: skip


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.s3
@pytest.mark.timeout(120)
def test_one_person_moves_between_two_web_servers(transactional_db, s3_server, tmp_path):
    import boto3
    import redis
    import requests

    from modules.models import AidSubmission

    s3 = boto3.client("s3", endpoint_url=s3_server, aws_access_key_id="testing",
                      aws_secret_access_key="testing", region_name="us-east-1")  # fmt: skip
    s3.create_bucket(Bucket=BUCKET)
    person, code, module, aid = seed()
    cache_redis = redis.Redis.from_url(os.environ["REDIS_URL"])
    ours = f"credo:{connection.settings_dict['NAME']}:*"  # the servers' cache keys (KEY_PREFIX)
    forget = lambda: [cache_redis.delete(key) for key in cache_redis.scan_iter(ours)]  # noqa: E731
    forget()  # nothing left from an earlier run on this database
    with ExitStack() as servers:
        a = servers.enter_context(
            server(server_env(media=tmp_path / "a", s3_url=s3_server), tmp_path / "a.log")
        )
        b = servers.enter_context(
            server(server_env(media=tmp_path / "b", s3_url=s3_server), tmp_path / "b.log")
        )
        browser = requests.Session()

        # Signed in on A: the session works on B.
        browser.get(f"{a}/accounts/login/", timeout=20)
        signed_in = post(browser, f"{a}/accounts/login/", {"login": person.email, "password": PASSWORD})
        assert signed_in.status_code == 302, signed_in.text[-2000:]
        dashboard = browser.get(f"{b}/", allow_redirects=False, timeout=20)
        assert dashboard.status_code == 200
        assert "Morgan Moving" in dashboard.text

        # A caches the attendance page; a check-in on B renews it, on A too.
        before = browser.get(f"{a}/attendance/", timeout=20)
        assert before.status_code == 200
        assert "Open now" in before.text
        assert "✓ Attended" not in before.text
        assert list(cache_redis.scan_iter(f"*:page:{person.pk}:*")), "A did not cache the page"
        checked_in = post(browser, f"{b}/attendance/", {"code": code})
        assert (checked_in.status_code, checked_in.headers["Location"]) == (302, "/attendance/")
        after = browser.get(f"{a}/attendance/", timeout=20)
        assert "✓ Attended" in after.text
        assert "You are checked in: Summer practicum, Day 1." in after.text

        # Wrong codes counted on A: B refuses the next one.
        from django.conf import settings

        for _ in range(settings.CREDO_ATTENDANCE_MAX_WRONG):
            wrong = post(browser, f"{a}/attendance/", {"code": "QQQQQQ"})
            assert wrong.status_code == 400
            assert "That code is not right" in wrong.text
        refused = post(browser, f"{b}/attendance/", {"code": "QQQQQQ"})
        assert refused.status_code == 400
        assert "Too many wrong codes." in refused.text

        # Uploaded on B, downloaded on A (from the object store: neither has the other's disk).
        uploaded = post(browser, f"{b}/modules/{module.pk}/aids/{aid.pk}/upload/", {},
                        files={f"aid{aid.pk}-file": ("plan.pdf", PDF, "application/pdf")})  # fmt: skip
        assert (uploaded.status_code, uploaded.headers["Location"]) == (302, f"/modules/{module.pk}/")
        submission = AidSubmission.objects.get(user=person)
        keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        assert keys == [submission.file.name]
        download = browser.get(f"{a}/me/uploads/{submission.pk}/", timeout=20)
        assert download.status_code == 200
        assert download.content == PDF
        assert re.search(r'filename="plan\.pdf"', download.headers["Content-Disposition"])
        assert not any(p.is_file() for p in tmp_path.glob("[ab]/**/*"))
    forget()
