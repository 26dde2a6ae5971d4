"""Issue #18, "Done when": a teacher downloads a baked badge; a verifier with no access to our
database (another process, jwcrypto) says valid; staff revoke; the same verifier says revoked
on its next fetch, and the status list may be cached for 60 s at most."""

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from accounts.tests.factories import StaffFactory, UserFactory
from certificates.services import certificate_revoke
from certificates.tests.factories import issue

VERIFIER = Path(__file__).with_name("outside_verifier.py")


def outside_verify(png: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(  # noqa: S603 (our script, our interpreter)
        [sys.executable, str(VERIFIER), str(png)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
        cwd=png.parent,  # not the project: nothing of ours on its path
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.django_db(transaction=True)
def test_a_verifier_that_is_not_ours_sees_valid_then_revoked(live_server, settings, client, tmp_path):
    settings.SITE_URL = live_server.url
    teacher = UserFactory()
    certificate = issue(teacher, title="Writing learning objectives")
    client.force_login(teacher)
    response = client.get(reverse("badges:download_png", args=[certificate.pk]))
    assert response["Content-Type"] == "image/png"
    badge = tmp_path / "badge.png"
    badge.write_bytes(response.content)

    before = outside_verify(badge)
    assert before["verdict"] == "valid"
    assert before["name"] == "Writing learning objectives"
    max_age = int(re.search(r"max-age=(\d+)", before["cache_control"]).group(1))
    assert max_age <= 60  # so a revocation reaches every verifier within a minute

    certificate_revoke(certificate=certificate, by=StaffFactory(), reason="Issued in error")
    assert outside_verify(badge) == {**before, "verdict": "revoked"}

    assert outside_verify(tampered_copy(badge, tmp_path / "tampered.png")) == {"verdict": "signature invalid"}


def tampered_copy(badge: Path, target: Path) -> Path:
    """The same badge with the credential's name changed and re-baked: the signature no longer fits."""
    image = Image.open(badge)
    header, payload, signature = image.text["openbadgecredential"].split(".")
    document = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    document["name"] = "Doctorate in everything"
    forged = base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()
    info = PngInfo()
    info.add_itxt("openbadgecredential", f"{header}.{forged}.{signature}", zip=False)
    image.save(target, format="PNG", pnginfo=info)
    return target
