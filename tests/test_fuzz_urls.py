"""Property tests: hostile values in every URL parameter and in the query string of every route
(read from the URLconf, so a new route cannot escape) get a page, a redirect, a 400 or a 404,
never a 500. On PostgreSQL, which refuses a NUL byte in any text a query carries."""

import re
from urllib.parse import quote, urlencode

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from hypothesis import given
from hypothesis import strategies as st

from accounts.tests.factories import StaffFactory
from tests.test_attack_sweep import world  # noqa: F401  (the fixture: one person with one of everything)
from tests.test_fuzz_forms import nasty  # (importing it loads the Hypothesis profiles)

pytestmark = pytest.mark.postgres

CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
ANSWERS = {200, 204, 301, 302, 400, 403, 404, 405, 410, 429}


def routes() -> list[str]:
    """Every route written with path(), with its converters (`modules/<int:pk>/`). The admin's
    two re_path() routes (an app's index, the catch-all) take no value to a query."""
    found = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if not isinstance(pattern.pattern, RoutePattern):
                continue
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            else:
                found.append(route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


SITE_ROUTES = [route for route in routes() if not route.startswith("admin/")]
ADMIN_ROUTES = [route for route in routes() if route.startswith("admin/")]

hostile = st.one_of(
    nasty,
    st.sampled_from(["\x00", "a\x00b", "%00", "\x1b[2J", "\x7f", "AB/CD", "../../etc/passwd", "\u202e",
                     "\ud7ff", "99999999999999999999999", "-1", "0", "١٢٣", "%", "%%", "?", "#", ";",
                     "a" * 3000]),
)  # fmt: skip
matching = {
    # Real ids (the fixture's objects), ids past any integer column, and leading zeros.
    "int": st.one_of(st.integers(0, 60).map(str), st.integers(0, 10**40).map(str), st.just("000001")),
    "slug": st.from_regex(r"\A[-a-zA-Z0-9_]{1,400}\Z"),
    "str": st.text(min_size=1, max_size=400).filter(lambda text: "/" not in text),
    "path": st.text(min_size=1, max_size=400),
}
QUERY_NAMES = ["token", "code", "view", "next", "program", "kind", "format", "month", "location", "page", "q",
               "o", "p", "e", "export", "_changelist_filters", "user__id__exact", "all"]  # fmt: skip
queries = st.dictionaries(st.one_of(st.sampled_from(QUERY_NAMES), st.text(max_size=20)), hostile, max_size=4)


@st.composite
def addresses(draw, routes: list[str]) -> str:
    route = draw(st.sampled_from(routes))

    def fill(match: re.Match) -> str:
        value = draw(st.one_of(matching[match["converter"] or "str"], hostile))
        return quote(value, safe=draw(st.sampled_from(["", "/"])))

    path = "/" + CONVERTER.sub(fill, route)
    query = draw(queries)
    return f"{path}?{urlencode(query, quote_via=quote)}" if query else path


@pytest.fixture
def clients(world):  # noqa: F811
    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    signed_in = {"anonymous": Client(), "person": Client(), "staff": Client()}
    signed_in["person"].force_login(world["owner"])
    signed_in["staff"].force_login(staff)
    return signed_in


def ask(clients: dict[str, Client], who: str, method: str, address: str) -> int:
    cache.clear()  # rate limits would otherwise answer for the page
    response = getattr(clients[who], method)(address)
    return response.status_code


@pytest.mark.parametrize("route", SITE_ROUTES)
@given(data=st.data())
def test_hostile_url_values_never_break_a_page(clients, route, data):
    address = data.draw(addresses([route]), label="address")
    who = data.draw(st.sampled_from(["anonymous", "person", "staff"]), label="who")
    method = data.draw(st.sampled_from(["get", "post"]), label="method")
    assert ask(clients, who, method, address) in ANSWERS


@given(data=st.data())
def test_hostile_url_values_never_break_an_admin_page(clients, data):
    address = data.draw(addresses(ADMIN_ROUTES), label="address")
    method = data.draw(st.sampled_from(["get", "post"]), label="method")
    assert ask(clients, "staff", method, address) in ANSWERS


def test_every_route_is_fuzzed():
    """The walk finds the routes that take values from the address, the site's and the admin's."""
    assert "verify/<str:code>/" in SITE_ROUTES
    assert "exam/<str:token>/" in SITE_ROUTES
    assert "me/calendar.ics" in SITE_ROUTES
    assert "admin/certificates/certificate/<path:object_id>/change/" in ADMIN_ROUTES
