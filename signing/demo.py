"""The throw-away demo CA and signing certificate for `make run`: var/signing/demo-ca.pem and
demo-signing.p12, named "<site> (demo)". Never for production: the passphrase is in the settings."""

import datetime
import shutil
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")  # id-kp-documentSigning (RFC 9336)


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        ]
    )


def demo_keys_write(
    *, directory: Path, organisation: str, passphrase: str, key_type: str = "rsa", label: str = "demo"
) -> tuple[Path, Path]:
    """A new CA (its key is thrown away) and a signing key and certificate it issued, as
    `<label>-ca.pem` and `<label>-signing.p12`. `key_type` is "rsa" (RSA-2048, the default: see
    docs/decisions/0015) or "ec" (ECDSA P-256)."""
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    own = label == "self"  # scripts/make_keys.py: the organisation's own CA, named plainly
    ca_name = _name(f"{organisation} CA" if own else f"{organisation} ({label} CA)", organisation)
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if key_type == "rsa"
        else ec.generate_private_key(ec.SECP256R1())
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(organisation if own else f"{organisation} ({label})", organisation))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, p12_path = directory / f"{label}-ca.pem", directory / f"{label}-signing.p12"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    bundle = pkcs12.serialize_key_and_certificates(
        (organisation if own else f"{organisation} ({label})").encode(),
        key,
        certificate,
        [ca],
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    p12_path.write_bytes(bundle)
    p12_path.chmod(0o600)
    return ca_path, p12_path


def demo_keys_ensure(*, directory: Path, organisation: str, passphrase: str) -> bool:
    """Make the demo keys unless they exist (idempotent); True if it made them. Made in a scratch
    directory renamed into place, so two processes starting at once never mix two CAs' files."""
    if (directory / "demo-signing.p12").exists():
        return False
    directory.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=directory.parent, prefix=".signing-"))
    demo_keys_write(directory=scratch, organisation=organisation, passphrase=passphrase)
    try:
        scratch.rename(directory)  # atomic; fails if another process got there first
    except OSError:
        shutil.rmtree(scratch)
        return False
    return True
