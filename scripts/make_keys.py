"""The organisation's own keys for a first deployment (docker-compose runs this once, in its `keys`
service): a CA of its own, a PDF signing certificate it issued (PKCS#12, RSA-2048) and the Open
Badges key (RSA-2048 PEM). Nothing is replaced once there, so a restart never rotates a key.

    python scripts/make_keys.py DIRECTORY        # reads CREDO_SITE_NAME, CREDO_SIGNING_PKCS12_PASSPHRASE

Readers show such a PDF as "signed by <organisation>" once they trust DIRECTORY/self-ca.pem; for a
signature every reader trusts out of the box, put a publicly trusted document-signing certificate
(PKCS#12 or a PKCS#11 token) in its place: docs/decisions/0015-signing-keys.md. Needs no settings
and no database: it runs before the production settings, which refuse to start without these keys.
"""

import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from signing.demo import demo_keys_write


def main(directory: Path) -> None:
    organisation = os.environ.get("CREDO_SITE_NAME", "Credo")
    passphrase = os.environ.get("CREDO_SIGNING_PKCS12_PASSPHRASE", "")
    if len(passphrase) < 12:
        sys.exit("Set CREDO_SIGNING_PKCS12_PASSPHRASE (12 or more characters) to protect the signing key.")
    directory.mkdir(parents=True, exist_ok=True)
    if (directory / "self-signing.p12").exists():
        print(f"PDF signing key: {directory / 'self-signing.p12'} (already there)")
    else:
        _, p12 = demo_keys_write(
            directory=directory, organisation=organisation, passphrase=passphrase, label="self"
        )
        print(f"PDF signing key: {p12} (new; its CA: {directory / 'self-ca.pem'})")
    badge = directory / "badge.pem"
    if badge.exists():
        print(f"Open Badges key: {badge} (already there)")
        return
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    badge.touch(mode=0o600)
    badge.write_bytes(pem)
    print(f"Open Badges key: {badge} (new)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
