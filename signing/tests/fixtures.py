"""Signing on, with a demo key made once per test session under a temp dir (test settings keep
signing off so that the other tests stay as fast as before). Import the fixtures you use."""

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from signing.demo import demo_keys_write
from signing.keys import signer_forget

PASSPHRASE = "test-passphrase"  # nosec B105


@dataclass(frozen=True)
class Keys:
    ca: Path
    p12: Path


def keys_make(directory: Path, *, label: str, key_type: str = "rsa") -> Keys:
    ca, p12 = demo_keys_write(
        directory=directory, organisation="Credo Test", passphrase=PASSPHRASE, key_type=key_type, label=label
    )
    return Keys(ca=ca, p12=p12)


@pytest.fixture(scope="session")
def demo_keys(tmp_path_factory) -> Keys:
    return keys_make(tmp_path_factory.mktemp("signing"), label="demo")


def signing_use(settings, keys: Keys) -> None:
    settings.CREDO_SIGNING = {
        **settings.CREDO_SIGNING,
        "ENABLED": True,
        "BACKEND": "pkcs12",
        "PKCS12_PATH": str(keys.p12),
        "PKCS12_PASSPHRASE": PASSPHRASE,
    }
    signer_forget()


@pytest.fixture
def signing_on(settings, demo_keys) -> Keys:
    signing_use(settings, demo_keys)
    yield demo_keys
    signer_forget()


def simple_pdf(text: str = "A certificate") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


def one_byte_changed(data: bytes) -> bytes:
    """A copy with one byte of the first page content changed (inside what the signature covers;
    a byte of the signature's zero padding would not count)."""
    at = data.index(b"stream") + 20
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def tool(name: str) -> str:
    """A Debian tool's path; skips locally and fails in CI without it (conftest.service_missing)."""
    import shutil

    from conftest import service_missing

    found = shutil.which(name)
    if found is None:
        service_missing(f"needs {name} (Debian packages poppler-utils, libnss3-tools, softhsm2, opensc)")
    return found


def run(*args: str) -> str:
    """A Debian tool's output (stdout and stderr); the tool skips or fails the test when missing."""
    import subprocess

    done = subprocess.run([tool(args[0]), *args[1:]], capture_output=True, text=True, check=False)  # noqa: S603 (fixed tools, our temp files)
    return done.stdout + done.stderr


def pdfsig(data: bytes, *, ca: Path, directory: Path) -> str:
    """poppler's own verdict on the PDF's signature, trusting `ca` through an NSS database (trust
    "C,C,": a CA for e-mail too, which is what pdfsig checks a signer against; "C,," is SSL only)."""
    nss = directory / "nss"
    if not nss.exists():
        nss.mkdir()
        run("certutil", "-N", "--empty-password", "-d", f"sql:{nss}")
        run("certutil", "-A", "-n", "credo-ca", "-t", "C,C,", "-i", str(ca), "-d", f"sql:{nss}")
    path = directory / "checked.pdf"
    path.write_bytes(data)
    return run("pdfsig", "-nssdir", f"sql:{nss}", str(path))
