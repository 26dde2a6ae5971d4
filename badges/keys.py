"""The RSA key that signs badges: loading (PEM or PKCS#12), the demo key, the public JWK.

No Django models here: production settings import `private_key_from_file` to refuse start-up
without a usable key. OB 3.0 "JSON Web Token Proof Format": RS256, an RSA key (SEC-11 §6.1:
2048 bits or more); the JWK we publish never holds a private part ("d", "p", "q", …).
"""

import base64
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

MIN_BITS = 2048


class KeyProblem(ValueError):
    """The configured key cannot sign badges; the message says why, naming the file."""


def private_key_from_file(path: str, passphrase: str = "") -> rsa.RSAPrivateKey:
    """An RSA private key of MIN_BITS or more from a PEM file or a PKCS#12 (.p12/.pfx) file."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise KeyProblem(f"cannot read the badge key file {path}: {exc.strerror or exc}") from exc
    secret = passphrase.encode() or None
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            key = serialization.load_pem_private_key(data, password=secret)
        else:
            key = pkcs12.load_key_and_certificates(data, secret)[0]  # type: ignore[assignment]  # None: below
    except (ValueError, TypeError) as exc:
        raise KeyProblem(f"the badge key file {path} is not a readable PEM or PKCS#12 key: {exc}") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyProblem(f"the badge key in {path} is not an RSA key (OB 3.0 VC-JWT signs with RS256)")
    if key.key_size < MIN_BITS:
        raise KeyProblem(f"the badge key in {path} has {key.key_size} bits; use {MIN_BITS} or more")
    return key


def demo_key(path: str) -> rsa.RSAPrivateKey:
    """The `make run` key: generated on first use (mode 0600), then read back."""
    target = Path(path)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=MIN_BITS)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pem)
        partial.chmod(0o600)
        partial.replace(target)  # atomic: two processes starting at once agree on one key
    return private_key_from_file(str(target))


@lru_cache(maxsize=4)
def _loaded(path: str, passphrase: str, demo: bool, mtime_ns: int) -> rsa.RSAPrivateKey:
    return demo_key(path) if demo else private_key_from_file(path, passphrase)


def signing_key(*, key_file: str, passphrase: str, demo_file: str) -> rsa.RSAPrivateKey:
    """The configured key (read once per process and file version), else the demo key if allowed."""
    if key_file:
        return _loaded(key_file, passphrase, False, _mtime(key_file))
    if demo_file:
        return _loaded(demo_file, "", True, _mtime(demo_file))
    raise KeyProblem("no badge signing key: set CREDO_BADGE_KEY_FILE (decision 0016)")


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_jwk(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> dict:
    """The public half only (RFC 7517 §4, RFC 7518 §6.3.1): kty, n, e."""
    numbers = (
        key.public_key().public_numbers() if isinstance(key, rsa.RSAPrivateKey) else key.public_numbers()
    )
    return {"kty": "RSA", "n": _b64url_uint(numbers.n), "e": _b64url_uint(numbers.e)}


def thumbprint(jwk: dict) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url): a stable name for the key in its URL."""
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
