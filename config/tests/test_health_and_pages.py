import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"])
def test_public_pages_answer_anonymous_visitors(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<main id="main"' in html
    # No inline scripts (a strict Content-Security-Policy can apply): only our own files, loaded.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert html.count("<script") == len(scripts)
    assert all(attrs.startswith(' src="/static/') and body == "" for attrs, body in scripts), scripts


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["dashboard", "accounts:profile"])
def test_private_pages_redirect_anonymous_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def _snapshot() -> dict:
    from modules.models import Module, Question
    from practicums.models import Practicum, Registration, Session
    from programs.models import Enrollment, Program

    return {
        "users": list(User.objects.order_by("email").values_list("email", "is_staff", "password")),
        "programs": list(Program.objects.values_list("slug", flat=True)),
        "practicums": Practicum.objects.count(),
        "sessions": list(Session.objects.order_by("pk").values_list("code", flat=True)),
        "modules": Module.objects.count(),
        "questions": Question.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "registrations": Registration.objects.count(),
    }


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    snapshot = _snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert _snapshot() == snapshot
    assert set(User.objects.filter(is_staff=True).values_list("email", flat=True)) == {
        "admin@credo.example",
        "instructor@credo.example",
    }
    assert User.objects.filter(is_staff=False).count() == 2 + 30  # the candidate, the teacher, the cohort
