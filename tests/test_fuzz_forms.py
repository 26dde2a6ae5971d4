"""Property tests: random input posted to every form gets a page or a redirect, never a 500,
and nothing about the person's saved data breaks (their profile still loads)."""

import os

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.tests.factories import UserFactory
from modules.tests.factories import ModuleFactory, add_question, enroll
from practicums.tests.factories import PracticumFactory, register

# A small profile in CI keeps `make test` fast; run with HYPOTHESIS_PROFILE=thorough for more.
settings.register_profile(
    "ci",
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

nasty = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "2026-02-30", "9999-12-31", "<script>alert(1)</script>", "' OR 1=1 --", "\x00", "a" * 5000, "🎓", "王芳"]),
)  # fmt: skip
FIELDS = [
    "full_name", "email", "organization", "job_title", "time_zone", "password1", "password2", "login", "password",
    "name", "subject", "message", "question", "website", "practicum", "join_waitlist", "code", "label", "expiry",
    "expires_on", "programs", "email_to", "note", "kind", "title", "provider", "date", "hours", "notes", "action",
    "to_practicum", "reason",
]  # fmt: skip
payloads = st.dictionaries(st.sampled_from(FIELDS), nasty, max_size=12)


@pytest.fixture
def person(db):
    user = UserFactory()
    module = ModuleFactory(program__slug="fuzz")
    add_question(module.assessment, "single", [("a", True), ("b", False)])
    enroll(user, module.program)
    practicum = PracticumFactory(program=module.program)
    registration = register(user, practicum)
    return user, module, registration


FORM_URLS = [
    ("anonymous", lambda user, module, reg: reverse("account_signup")),
    ("anonymous", lambda user, module, reg: reverse("account_login")),
    ("anonymous", lambda user, module, reg: reverse("account_reset_password")),
    ("anonymous", lambda user, module, reg: reverse("programs:contact")),
    ("anonymous", lambda user, module, reg: reverse("programs:guide", args=[module.program.slug])),
    ("anonymous", lambda user, module, reg: reverse("certificates:verify_form")),
    ("user", lambda user, module, reg: reverse("accounts:profile")),
    ("user", lambda user, module, reg: reverse("practicums:register", args=[module.program.slug])),
    ("user", lambda user, module, reg: reverse("practicums:attendance")),
    ("user", lambda user, module, reg: reverse("practicums:move", args=[reg.pk])),
    ("user", lambda user, module, reg: reverse("modules:assessment", args=[module.pk])),
    ("user", lambda user, module, reg: reverse("certificates:link_create")),
    ("user", lambda user, module, reg: reverse("recertification:ce")),
]


@pytest.mark.parametrize(("who", "make_url"), FORM_URLS)
@given(data=payloads)
def test_random_input_never_breaks_a_form(client, person, who, make_url, data):
    cache.clear()  # rate limits would otherwise answer for the form
    user, module, registration = person
    if who == "user":
        client.force_login(user)
    response = client.post(make_url(user, module, registration), data)
    assert response.status_code in (200, 302, 400, 403, 404, 429), response.status_code
    if who == "user":
        assert client.get(reverse("accounts:profile")).status_code == 200
