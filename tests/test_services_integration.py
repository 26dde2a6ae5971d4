"""The production path against real services: SMTP on loopback, Redis (broker and cache),
PostgreSQL, an S3-compatible object store, and the settings' start-up checks."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery.exceptions import Retry
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.core import mail
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from core.mail import email_queue, email_serialize
from core.tasks import email_send


def make_message(to="someone@example.org") -> EmailMultiAlternatives:
    message = EmailMultiAlternatives("Hello", "Plain body", "Credo <no-reply@credo.example>", [to])
    message.attach_alternative("<p>HTML body</p>", "text/html")
    message.attach("guide.pdf", b"%PDF-1.7 fake bytes", "application/pdf")
    return message


@pytest.mark.smtp
def test_queued_mail_reaches_real_smtp_server(smtp_server):
    email_send.delay(message=email_serialize(make_message()))
    [received] = smtp_server.wait_for(1)
    assert received["To"] == "someone@example.org"
    assert received.get_body(preferencelist=("html",)).get_content().strip() == "<p>HTML body</p>"
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "guide.pdf"
    assert attachment.get_content() == b"%PDF-1.7 fake bytes"


@pytest.mark.smtp
def test_temporary_smtp_refusal_is_retried_with_backoff_until_accepted(smtp_server):
    smtp_server.refuse_with = "421 4.3.2 Service not available, try later"
    smtp_server.refusals_left = 2
    payload = email_serialize(make_message())
    countdowns = []
    for attempt in range(2):
        with pytest.raises(Retry) as retry:
            email_send.apply(kwargs={"message": payload}, retries=attempt, throw=True)
        countdowns.append(retry.value.when)
    assert countdowns == [15, 30]  # exponential backoff
    email_send.apply(kwargs={"message": payload}, retries=2, throw=True)
    assert len(smtp_server.wait_for(1)) == 1


@pytest.mark.smtp
def test_permanent_smtp_refusal_is_logged_not_retried(smtp_server, caplog):
    smtp_server.refuse_with = "550 5.1.1 No such user"
    smtp_server.refusals_left = 100
    email_send.delay(message=email_serialize(make_message("nobody@example.org")))
    assert smtp_server.refusals_left == 99  # asked once, not retried
    assert "Could not send 'Hello' to ['nobody@example.org']" in caplog.text


@pytest.mark.redis
def test_real_celery_worker_on_redis_sends_signup_mail(celery_redis_worker, client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Wren Worker",
            "email": "wren@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    import time

    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [m.to for m in mail.outbox] == [["wren@example.org"]]
    assert "confirm-email" in mail.outbox[0].body


@pytest.mark.redis
@pytest.mark.django_db
def test_login_rate_limit_uses_redis_cache(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    UserFactory(email="a@example.org")
    for _ in range(6):
        client.post(reverse("account_login"), {"login": "a@example.org", "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": "a@example.org", "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_email_unique_regardless_of_case_in_postgres():
    assert connection.vendor == "postgresql"
    User.objects.create_user(email="case@example.org", password=None, full_name="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="CASE@example.org", full_name="B")])


@pytest.mark.django_db
def test_email_queue_sends_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email_queue(message=make_message())
    assert mail.outbox == []
    callbacks[0]()
    assert [m.subject for m in mail.outbox] == ["Hello"]


@pytest.mark.s3
def test_files_go_to_s3_compatible_store(s3_server):
    import boto3
    from storages.backends.s3 import S3Storage

    credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}
    boto3.client("s3", endpoint_url=s3_server, **credentials).create_bucket(Bucket="credo-files")
    storage = S3Storage(
        bucket_name="credo-files",
        endpoint_url=s3_server,
        access_key="test",
        secret_key="test",
        region_name="us-east-1",
        file_overwrite=False,
    )
    name = storage.save("certificates/2026/abc.pdf", ContentFile(b"%PDF-1.7 certificate"))
    assert storage.exists(name)
    with storage.open(name) as handle:
        assert handle.read() == b"%PDF-1.7 certificate"
    second = storage.save("certificates/2026/abc.pdf", ContentFile(b"other"))
    assert second != name  # never overwrites an issued file
    assert storage.url(name).startswith(f"{s3_server}/credo-files/certificates/2026/")
    storage.delete(name)
    assert not storage.exists(name)


def settings_in_subprocess(module: str, env: dict, code: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "S3_", "EMAIL_"))
    }
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; {code}"],
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_settings_refuse_to_start_without_secrets():
    result = settings_in_subprocess("config.settings.production", {}, "print('started')")
    assert result.returncode != 0
    assert (
        "Production settings need: DJANGO_SECRET_KEY (50 or more random characters), "
        "DATABASE_URL (PostgreSQL), REDIS_URL, CELERY_BROKER_URL, EMAIL_URL (smtp://…)." in result.stderr
    )


PRODUCTION_ENV = {
    "DATABASE_URL": "postgres://credo:credo@127.0.0.1:5432/credo",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6380/0",
    "EMAIL_URL": "smtp://127.0.0.1:25",
    "CREDO_SIGNING": "off",  # production signs by default and refuses to start without a key
}


def test_production_settings_refuse_the_sample_secret_key_from_env_example():
    sample = next(
        line.split("=", 1)[1]
        for line in (Path(__file__).resolve().parent.parent / ".env.example").read_text().splitlines()
        if line.startswith("DJANGO_SECRET_KEY=")
    )
    assert len(sample) >= 50  # long enough: only its being the sample refuses it
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": sample}
    result = settings_in_subprocess("config.settings.production", env, "print('started')")
    assert result.returncode != 0
    assert (
        "Production settings need: DJANGO_SECRET_KEY (not the sample value from .env.example). "
        "See README.md" in result.stderr
    )


@pytest.fixture
def badge_key_env(tmp_path) -> dict:
    """A usable Open Badges key, which production settings require (decision 0016)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "badge.pem"
    path.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    return {"CREDO_BADGE_KEY_FILE": str(path)}


def test_production_settings_refuse_to_start_without_a_usable_badge_key(tmp_path, badge_key_env):
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "k3J9-vQ2_pL8" * 5}
    result = settings_in_subprocess("config.settings.production", env, "print('started')")
    assert result.returncode != 0
    assert "Production settings need CREDO_BADGE_KEY_FILE: set it to an RSA key" in result.stderr
    (tmp_path / "junk.pem").write_text("-----BEGIN PRIVATE KEY-----\nnonsense\n")
    result = settings_in_subprocess(
        "config.settings.production", {**env, "CREDO_BADGE_KEY_FILE": str(tmp_path / "junk.pem")}, "print(1)"
    )
    assert "is not a readable PEM or PKCS#12 key" in result.stderr
    result = settings_in_subprocess(
        "config.settings.production", {**env, **badge_key_env}, "print(repr(settings.CREDO_BADGE_DEMO_KEY))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "''"


def test_production_settings_refuse_a_short_secret_key(badge_key_env):
    env = {**PRODUCTION_ENV, **badge_key_env, "DJANGO_SECRET_KEY": "k3J9-vQ2_pL8" * 4}  # 48 characters
    result = settings_in_subprocess("config.settings.production", env, "print('started')")
    assert result.returncode != 0
    assert "Production settings need: DJANGO_SECRET_KEY (50 or more random characters). See" in result.stderr
    env = {**PRODUCTION_ENV, **badge_key_env, "DJANGO_SECRET_KEY": "k3J9-vQ2_pL8" * 5}  # 60 characters
    result = settings_in_subprocess("config.settings.production", env, "print('started')")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_production_settings_need_a_broker_url_of_their_own(badge_key_env):
    # The broker never defaults to the cache's Redis in production: a cache evicts, a broker must not.
    env = {
        **badge_key_env,
        "DJANGO_SECRET_KEY": "x" * 60,
        "DATABASE_URL": "postgres://credo:credo@127.0.0.1:5432/credo",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "CREDO_SIGNING": "off",
    }
    result = settings_in_subprocess("config.settings.production", env, "print('started')")
    assert result.returncode != 0
    assert "Production settings need: CELERY_BROKER_URL. See README.md" in result.stderr
    result = settings_in_subprocess(
        "config.settings.production",
        {**env, "CELERY_BROKER_URL": "redis://127.0.0.1:6380/0"},
        "print(settings.CELERY_BROKER_URL, settings.CACHES['default']['LOCATION'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "redis://127.0.0.1:6380/0 redis://127.0.0.1:6379/0"


def test_bad_environment_value_fails_with_clear_message():
    result = settings_in_subprocess("config.settings.local", {"DATABASE_URL": "nonsense"}, "print('started')")
    assert result.returncode != 0
    assert "DATABASE_URL is invalid" in result.stderr
    result = settings_in_subprocess("config.settings.local", {"DJANGO_DEBUG": "perhaps"}, "print('started')")
    assert "DJANGO_DEBUG is missing or invalid" in result.stderr


def test_s3_bucket_setting_switches_default_storage():
    result = settings_in_subprocess(
        "config.settings.local",
        {"S3_BUCKET": "credo-files", "S3_ENDPOINT_URL": "http://127.0.0.1:9000"},
        "from django.core.files.storage import storages; print(type(storages['default']).__name__)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "S3Storage"


def test_production_settings_pass_deploy_checks(badge_key_env):
    env = {
        **badge_key_env,
        "DJANGO_SECRET_KEY": "x" * 20 + "-deploy-check-" + "y" * 30,
        "DATABASE_URL": "postgres://credo:credo@127.0.0.1:5432/credo",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6380/0",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "DJANGO_ALLOWED_HOSTS": "credo.example",
        "CREDO_SIGNING": "off",
    }
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_keys_docker_compose_makes_let_production_start_signing_and_are_made_once(tmp_path):
    """docker-compose's `keys` service (scripts/make_keys.py) runs before the production settings,
    which refuse to start without a signing and a badge key: its keys must satisfy them, and a
    restart must not replace them (that would rotate every key on each `up`)."""
    root = Path(__file__).resolve().parent.parent
    passphrase = "correct-horse-battery-staple"
    env = {
        **os.environ,
        "CREDO_SITE_NAME": "Westfield Learning",
        "CREDO_SIGNING_PKCS12_PASSPHRASE": passphrase,
    }
    make = [sys.executable, str(root / "scripts" / "make_keys.py"), str(tmp_path / "keys")]
    first = subprocess.run(make, env=env, capture_output=True, text=True, check=True, timeout=60)
    assert "(new" in first.stdout
    made = {p.name: p.read_bytes() for p in (tmp_path / "keys").iterdir()}
    assert sorted(made) == ["badge.pem", "self-ca.pem", "self-signing.p12"]
    again = subprocess.run(make, env=env, capture_output=True, text=True, check=True, timeout=60)
    assert again.stdout.count("already there") == 2
    assert {p.name: p.read_bytes() for p in (tmp_path / "keys").iterdir()} == made
    production = {
        **PRODUCTION_ENV,
        "DJANGO_SECRET_KEY": "k3J9-vQ2_pL8" * 5,
        "CREDO_SIGNING": "on",
        "CREDO_SIGNING_PKCS12_PATH": str(tmp_path / "keys" / "self-signing.p12"),
        "CREDO_SIGNING_PKCS12_PASSPHRASE": passphrase,
        "CREDO_BADGE_KEY_FILE": str(tmp_path / "keys" / "badge.pem"),
        "CREDO_BADGE_KEY_PASSPHRASE": passphrase,
    }
    code = "from signing.keys import signer_current as s; print(s().signer.signing_cert.subject.native)"
    result = settings_in_subprocess("config.settings.production", production, code)
    assert result.returncode == 0, result.stderr
    assert "('common_name', 'Westfield Learning')" in result.stdout
