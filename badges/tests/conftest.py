import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def write_key(path, *, bits: int = 2048) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return str(path)


@pytest.fixture(scope="session")
def badge_key_files(tmp_path_factory) -> list[str]:
    """Two test keys (the second for rotations), made once per run."""
    folder = tmp_path_factory.mktemp("badge-keys")
    return [write_key(folder / "first.pem"), write_key(folder / "second.pem")]


@pytest.fixture(autouse=True)
def badge_key(settings, badge_key_files) -> str:
    settings.CREDO_BADGE_KEY_FILE = badge_key_files[0]
    settings.CREDO_BADGE_KEY_PASSPHRASE = ""
    settings.SITE_URL = "https://credo.example"
    return badge_key_files[0]
