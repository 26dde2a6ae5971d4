"""PDF signing keys (issue #18, docs/decisions/0015-signing-keys.md). Imported at the end of base.py;
`local` and `production` call `signing_config` again with their own defaults.

CREDO_SIGNING=on|off; CREDO_SIGNING_BACKEND=pkcs12 (CREDO_SIGNING_PKCS12_PATH,
CREDO_SIGNING_PKCS12_PASSPHRASE) or pkcs11 (CREDO_SIGNING_PKCS11_MODULE, _TOKEN, _KEY, _PIN);
CREDO_SIGNING_TSA_URL: a timestamp authority (PAdES B-T) instead of none (B-B). Whether the key
is usable is checked when the apps load (signing/apps.py): "on" without one stops start-up.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import env_bool, env_or_fail

DEMO_DIR = Path(__file__).resolve().parent.parent.parent / "var" / "signing"  # base.VAR_DIR / "signing"
DEMO_PASSPHRASE = "demo"  # noqa: S105 (the throw-away demo key's, under var/ anyway)  # nosec B105


def signing_config(*, enabled_default: bool, demo: bool = False) -> dict:
    """The signing settings; `demo` (make run) means the demo key under var/signing, made on first start."""
    backend = env_or_fail("CREDO_SIGNING_BACKEND", default="pkcs12")
    if backend not in {"pkcs12", "pkcs11"}:
        raise ImproperlyConfigured(
            f"Environment variable CREDO_SIGNING_BACKEND is missing or invalid: {backend!r} "
            "(use pkcs12 or pkcs11)"
        )
    use_demo = demo and backend == "pkcs12" and not env_or_fail("CREDO_SIGNING_PKCS12_PATH", default="")
    return {
        "ENABLED": env_bool("CREDO_SIGNING", default=enabled_default),
        "BACKEND": backend,
        "DEMO": use_demo,
        "DEMO_DIR": str(DEMO_DIR),
        "DEMO_PASSPHRASE": DEMO_PASSPHRASE,
        "PKCS12_PATH": str(DEMO_DIR / "demo-signing.p12")
        if use_demo
        else env_or_fail("CREDO_SIGNING_PKCS12_PATH", default=""),
        "PKCS12_PASSPHRASE": DEMO_PASSPHRASE
        if use_demo
        else env_or_fail("CREDO_SIGNING_PKCS12_PASSPHRASE", default=""),
        "PKCS11_MODULE": env_or_fail("CREDO_SIGNING_PKCS11_MODULE", default=""),
        "PKCS11_TOKEN": env_or_fail("CREDO_SIGNING_PKCS11_TOKEN", default=""),
        "PKCS11_KEY": env_or_fail("CREDO_SIGNING_PKCS11_KEY", default=""),
        "PKCS11_PIN": env_or_fail("CREDO_SIGNING_PKCS11_PIN", default=""),
        "TSA_URL": env_or_fail("CREDO_SIGNING_TSA_URL", default=""),
    }


# Off unless switched on (tests switch it on where they sign; `local` and `production` default to on).
CREDO_SIGNING = signing_config(enabled_default=False)
