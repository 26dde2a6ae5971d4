"""Where the key comes from: a PKCS#11 token (SoftHSM2 here), start-up refusal, the demo keys."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, pkcs12
from django.core.management import call_command

from signing.keys import signer_forget
from signing.models import SigningCertificate
from signing.pdf import Outcome, pdf_sign, pdf_signature_check

from .fixtures import PASSPHRASE, keys_make, run, simple_pdf, tool

ROOT = Path(__file__).resolve().parent.parent.parent
SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"


@pytest.fixture
def token(tmp_path, monkeypatch) -> dict:
    """A SoftHSM2 token in a temp dir holding a demo key and its certificate, labelled "signing"."""
    tool("softhsm2-util")
    if not Path(SOFTHSM).exists():
        from conftest import service_missing

        service_missing(f"needs {SOFTHSM} (Debian package softhsm2)")
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    keys = keys_make(tmp_path, label="token")
    key, certificate, _ = pkcs12.load_key_and_certificates(keys.p12.read_bytes(), PASSPHRASE.encode())
    pem = tmp_path / "key.pem"
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    der = tmp_path / "cert.der"
    der.write_bytes(certificate.public_bytes(serialization.Encoding.DER))
    run("softhsm2-util", "--init-token", "--free", "--label", "credo", "--pin", "1234", "--so-pin", "5678")
    run(
        "softhsm2-util",
        "--import",
        str(pem),
        "--token",
        "credo",
        "--label",
        "signing",
        "--id",
        "01",
        "--pin",
        "1234",
    )
    pem.unlink()
    out = run(
        "pkcs11-tool", "--module", SOFTHSM, "--token-label", "credo", "--login", "--pin", "1234",
        "--write-object", str(der), "--type", "cert", "--label", "signing", "--id", "01",
    )  # fmt: skip
    assert "Created certificate" in out, out
    return {"MODULE": SOFTHSM, "TOKEN": "credo", "KEY": "signing", "PIN": "1234"}


@pytest.mark.django_db
def test_a_pkcs11_token_signs_a_pdf_that_validates(settings, token):
    settings.CREDO_SIGNING = {
        **settings.CREDO_SIGNING,
        "ENABLED": True,
        "BACKEND": "pkcs11",
        **{f"PKCS11_{name}": value for name, value in token.items()},
    }
    signer_forget()
    try:
        signed = [pdf_sign(data=simple_pdf(str(i))) for i in range(2)]  # the second one from the template
    finally:
        signer_forget()
    reports = [pdf_signature_check(data=data) for data in signed]
    assert [r.outcome for r in reports] == [Outcome.VALID, Outcome.VALID]
    assert reports[0].signed_by == SigningCertificate.objects.get()
    assert "Credo Test (token)" in reports[0].subject


def manage(
    *args: str, settings_module: str = "config.settings.test", **env: str
) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CREDO_SIGNING"))}
    environment = {**clean, "DJANGO_SETTINGS_MODULE": settings_module, **env}
    return subprocess.run(  # noqa: S603 (this Python, our manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_start_up_refuses_signing_on_without_a_usable_key(tmp_path):
    missing = manage("check", CREDO_SIGNING="on", CREDO_SIGNING_PKCS12_PATH=str(tmp_path / "none.p12"))
    assert missing.returncode == 1
    assert "CREDO_SIGNING is on but CREDO_SIGNING_PKCS12_PATH" in missing.stderr
    keys = keys_make(tmp_path, label="wrong")
    wrong = manage(
        "check",
        CREDO_SIGNING="on",
        CREDO_SIGNING_PKCS12_PATH=str(keys.p12),
        CREDO_SIGNING_PKCS12_PASSPHRASE="nope",
    )
    assert wrong.returncode == 1
    assert "cannot be opened: wrong CREDO_SIGNING_PKCS12_PASSPHRASE" in wrong.stderr
    token = manage("check", CREDO_SIGNING="on", CREDO_SIGNING_BACKEND="pkcs11")
    assert "CREDO_SIGNING_PKCS11_MODULE, CREDO_SIGNING_PKCS11_TOKEN" in token.stderr
    good = manage(
        "check",
        CREDO_SIGNING="on",
        CREDO_SIGNING_PKCS12_PATH=str(keys.p12),
        CREDO_SIGNING_PKCS12_PASSPHRASE=PASSPHRASE,
    )
    assert (good.returncode, good.stdout) == (0, "System check identified no issues (0 silenced).\n")


def test_production_signs_by_default_so_it_refuses_to_start_without_a_key(tmp_path):
    badge_key = tmp_path / "badge.pem"  # production also needs the Open Badges key (decision 0016)
    badge_key.write_bytes(
        rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
        )
    )
    production = {
        "CREDO_BADGE_KEY_FILE": str(badge_key),
        "DJANGO_SECRET_KEY": "x" * 60,
        "DATABASE_URL": "postgres://credo:credo@127.0.0.1:5432/credo",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6380/0",
        "EMAIL_URL": "smtp://127.0.0.1:25",
    }
    refused = manage("check", settings_module="config.settings.production", **production)
    assert refused.returncode == 1
    assert (
        "ImproperlyConfigured: CREDO_SIGNING is on but CREDO_SIGNING_PKCS12_PATH (unset) names no file."
        in (refused.stderr)
    )


def test_the_demo_keys_are_made_once(settings, tmp_path, capsys):
    settings.CREDO_SIGNING = {**settings.CREDO_SIGNING, "DEMO_DIR": str(tmp_path / "signing")}
    call_command("signing_demo_keys")
    first = (tmp_path / "signing" / "demo-signing.p12").read_bytes()
    call_command("signing_demo_keys")
    assert (tmp_path / "signing" / "demo-signing.p12").read_bytes() == first
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out] == [
        "Demo signing keys created",
        "Demo signing keys already there",
    ]
    _, certificate, _ = pkcs12.load_key_and_certificates(
        first, settings.CREDO_SIGNING["DEMO_PASSPHRASE"].encode()
    )
    assert certificate.subject.rfc4514_string() == "O=Credo,CN=Credo (demo)"
