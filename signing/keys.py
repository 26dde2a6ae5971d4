"""The organisation's signing key, loaded once per process, and why signing with it is fast.

Measured (docs/decisions/0015): pyHanko's `SimpleSigner` parses its private key from DER on every
raw signature, twice per PDF (a dry run to size the placeholder, then the real one), and
`cryptography` checks an RSA key's primes on every load — about 25–45 ms each for RSA-2048,
nearly nothing for P-256. That was the "RSA is slow" of the issue. `asyncio.run` (which
`sign_pdf` uses) also formats the repr of the finished task in the main thread on Python 3.11,
hex-dumping the whole CMS object. And building the CMS with asn1crypto costs ~14 ms per PDF.
So: the key is parsed once; the placeholder is pre-sized (no dry run); we run pyHanko's async
API on our own event loop; and `TemplateSigner` builds the CMS once per key with pyHanko, then per
PDF only puts the new digest and signature into it (RSA signatures have a fixed length, so the DER
lengths never change; if a length differs, pyHanko builds the CMS as usual).
"""

import asyncio
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import cms
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.sign import signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

DIGEST = "sha256"


class TemplateSigner:
    """Mixed into a pyHanko signer: the CMS container built once, then filled per document."""

    _template: "_Template | None" = None

    async def async_sign(
        self,
        data_digest: bytes,
        digest_algorithm: str,
        dry_run=False,
        use_pades=False,
        timestamper=None,
        signed_attr_settings: PdfCMSSignedAttributes | None = None,
        is_pdf_sig=True,
        encap_content_info=None,
    ) -> cms.ContentInfo:
        kwargs = {
            "dry_run": dry_run,
            "use_pades": use_pades,
            "timestamper": timestamper,
            "signed_attr_settings": signed_attr_settings,
            "is_pdf_sig": is_pdf_sig,
            "encap_content_info": encap_content_info,
        }
        plain = digest_algorithm == DIGEST and use_pades and not dry_run and timestamper is None
        if not plain or encap_content_info is not None or not is_pdf_sig:
            return await super().async_sign(data_digest, digest_algorithm, **kwargs)  # type: ignore[misc]
        if self._template is None:
            self._template = await self._template_build(signed_attr_settings)
        t = self._template
        attrs = t.attrs[: t.attrs_digest_at] + data_digest + t.attrs[t.attrs_digest_at + len(data_digest) :]
        signature = await self.async_sign_raw(attrs, DIGEST)  # type: ignore[attr-defined]
        if len(signature) != t.signature_length:  # ECDSA: a DER signature of another length
            return await super().async_sign(data_digest, digest_algorithm, **kwargs)  # type: ignore[misc]
        der = t.cms
        der = der[: t.digest_at] + data_digest + der[t.digest_at + len(data_digest) : t.signature_at]
        der += signature + t.cms[t.signature_at + t.signature_length :]
        return cms.ContentInfo.load(der)

    async def _template_build(self, attr_settings: PdfCMSSignedAttributes | None) -> "_Template":
        marker = hashlib.sha256(os.urandom(32)).digest()
        made = await super().async_sign(  # type: ignore[misc]
            marker, DIGEST, use_pades=True, signed_attr_settings=attr_settings
        )
        info = made["content"]["signer_infos"][0]
        attrs, signature, der = info["signed_attrs"].untag().dump(), info["signature"].native, made.dump()
        if der.count(marker) != 1 or attrs.count(marker) != 1 or der.count(signature) != 1:
            raise ImproperlyConfigured("The signature container cannot be reused as a template.")
        return _Template(
            cms=der,
            attrs=attrs,
            attrs_digest_at=attrs.index(marker),
            digest_at=der.index(marker),
            signature_at=der.index(signature),
            signature_length=len(signature),
        )


@dataclass(frozen=True)
class _Template:
    cms: bytes
    attrs: bytes  # the signed attributes as signed (a SET, not the [0] of the SignerInfo)
    attrs_digest_at: int
    digest_at: int
    signature_at: int
    signature_length: int


class FileSigner(TemplateSigner, signers.SimpleSigner):
    """A key from a PKCS#12 file, parsed (and, for RSA, checked) once instead of per signature."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._key = serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if isinstance(self._key, RSAPrivateKey) and not self.prefer_pss:
            return self._key.sign(data, PKCS1v15(), algorithm)
        if isinstance(self._key, EllipticCurvePrivateKey):
            return self._key.sign(data, ECDSA(algorithm))
        return super().sign_raw(data, digest_algorithm)


def _pkcs12_signer(config: dict) -> signers.Signer:
    path = Path(config["PKCS12_PATH"] or "")
    if not config["PKCS12_PATH"] or not path.is_file():
        raise ImproperlyConfigured(
            f"CREDO_SIGNING is on but CREDO_SIGNING_PKCS12_PATH ({config['PKCS12_PATH'] or 'unset'}) "
            "names no file. Set it and CREDO_SIGNING_PKCS12_PASSPHRASE, or CREDO_SIGNING=off."
        )
    loaded = signers.SimpleSigner.load_pkcs12(
        str(path), passphrase=config["PKCS12_PASSPHRASE"].encode() or None
    )
    if loaded is None:
        raise ImproperlyConfigured(
            f"CREDO_SIGNING is on but the PKCS#12 file {path} cannot be opened: wrong "
            "CREDO_SIGNING_PKCS12_PASSPHRASE, or no key and certificate in it."
        )
    return FileSigner(loaded.signing_cert, loaded.signing_key, loaded.cert_registry)


def _pkcs11_signer(config: dict) -> signers.Signer:
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    class TokenSigner(TemplateSigner, PKCS11Signer):
        pass

    missing = [name for name in ("MODULE", "TOKEN", "KEY", "PIN") if not config[f"PKCS11_{name}"]]
    if missing:
        raise ImproperlyConfigured(
            "CREDO_SIGNING is on with the pkcs11 backend but these are unset: "
            + ", ".join(f"CREDO_SIGNING_PKCS11_{name}" for name in missing)
        )
    try:
        session = open_pkcs11_session(
            config["PKCS11_MODULE"],
            token_criteria=TokenCriteria(label=config["PKCS11_TOKEN"]),
            user_pin=config["PKCS11_PIN"],
        )
        signer = TokenSigner(session, key_label=config["PKCS11_KEY"], cert_label=config["PKCS11_KEY"])
        signer.signing_cert  # noqa: B018 (fetched now, so a missing certificate fails at start-up)
    except Exception as exc:  # python-pkcs11 and pyHanko raise many kinds; all mean "no usable key"
        raise ImproperlyConfigured(
            f"CREDO_SIGNING is on but the PKCS#11 key {config['PKCS11_KEY']!r} on token "
            f"{config['PKCS11_TOKEN']!r} ({config['PKCS11_MODULE']}) is not usable: {exc}"
        ) from exc
    return signer


def signer_load(config: dict) -> signers.Signer:
    """A signer for the configured key; ImproperlyConfigured (naming what to set) when unusable."""
    if config["BACKEND"] == "pkcs11":
        return _pkcs11_signer(config)
    try:
        return _pkcs12_signer(config)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"CREDO_SIGNING is on but the PKCS#12 file cannot be used: {exc}") from exc


@dataclass
class _Loaded:
    pid: int
    config: dict
    signer: signers.Signer
    loop: asyncio.AbstractEventLoop
    recorded: bool = False


_lock = threading.Lock()
_local = threading.local()


def signer_check() -> None:
    """At start-up: with signing on, load the key once (it is kept for this process unless it is
    a token session, which a forked worker could not share) or refuse to start."""
    config = settings.CREDO_SIGNING
    if not config["ENABLED"]:
        return
    if config["DEMO"]:
        from .demo import demo_keys_ensure

        demo_keys_ensure(
            directory=Path(config["PKCS12_PATH"]).parent,
            organisation=settings.CREDO_SITE_NAME,
            passphrase=config["PKCS12_PASSPHRASE"],
        )
    signer = signer_load(config)
    if config["BACKEND"] == "pkcs11":
        signer.pkcs11_session.close()  # type: ignore[attr-defined]


def signer_current() -> _Loaded:
    """This thread's signer and event loop, loaded on first use (after a fork, again)."""
    config = settings.CREDO_SIGNING
    loaded = getattr(_local, "loaded", None)
    if loaded is None or loaded.pid != os.getpid() or loaded.config != config:
        signer_forget()
        with _lock:
            loaded = _Loaded(os.getpid(), dict(config), signer_load(config), asyncio.new_event_loop())
        _local.loaded = loaded
    return loaded


def signer_forget() -> None:
    """Load the key again on next use (a new key in the same file needs it, or a restart)."""
    loaded = getattr(_local, "loaded", None)
    if loaded is not None and loaded.pid == os.getpid():
        loaded.loop.close()
        if hasattr(loaded.signer, "pkcs11_session"):
            loaded.signer.pkcs11_session.close()
    _local.loaded = None
