"""Browser journeys: Playwright driving Debian's Chromium against a live server on loopback.

No browser is downloaded: the tests use /usr/bin/chromium (`.ci/run` installs the package).
Without it they skip locally and fail in CI. Screenshots of key pages go to
var/screenshots/journeys/<test>/ and each path is printed.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import service_missing
from signing.tests.fixtures import demo_keys, signing_on  # noqa: F401 (fixtures: signing on with a demo key)

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent.parent.parent / "var" / "screenshots" / "journeys"

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
# plain synchronous code, so Django's async-safety guard is told so.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        service_missing("needs Chromium at /usr/bin/chromium (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )  # fmt: skip
        yield browser
        browser.close()


class Journey:
    """A browser context with screenshot and accessibility helpers."""

    def __init__(self, browser, base_url: str, name: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        self.page = self.context.new_page()
        # What the Content-Security-Policy blocked (an inline script or style, a foreign file):
        # the browser says so on the console; every journey ends with none.
        self.blocked: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                self.blocked.append(f"{self.page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        self.base = base_url
        self.folder = SHOTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.checked: list[str] = []

    email: str | None = None  # set once logged in: a journey that jumps weeks ahead logs in again

    def go(self, path: str):
        self.page.goto(self.base + path)
        if self.email and "/accounts/login/" in self.page.url and "/accounts/login/" not in path:
            self.log_in(self.email)
        return self.page

    def log_in(self, email: str) -> None:
        from accounts.tests.factories import PASSWORD

        self.page.fill("#id_login", email)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("form.form button[type=submit]")
        # Signed in (or on to the second factor) before anything else: a page opened while the
        # login is still on its way would cancel it.
        expect(self.page).not_to_have_url(re.compile("/accounts/login/"))
        self.email = email

    def log_in_to_admin(self, email: str, secret: str):
        """Staff sign in at /admin/: password, then the authenticator's code; on the admin index."""
        page = self.go("/admin/")
        self.log_in(email)
        page.fill("input[name=code]", totp_now(secret))
        page.click("form.form button[type=submit]")
        expect(page).to_have_url(re.compile(r"/admin/$"))  # signed in before going anywhere else
        return page

    def shot(self, name: str) -> None:
        path = self.folder / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")

    def axe(self) -> None:
        """No serious or critical axe-core violations on the current page."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page)
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        self.checked.append(self.page.url)
        assert not bad, f"{self.page.url}: " + "; ".join(
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in bad
        )

    def visit(self, path: str, shot: str | None = None):
        self.go(path)
        self.axe()
        if shot:
            self.shot(shot)
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def journey(chromium, live_server, request, settings):
    settings.SITE_URL = live_server.url  # emailed links point at the site (never at the Host header)
    journeys = []

    def make(suffix: str = "") -> Journey:
        name = re.sub(r"\W+", "-", request.node.name + suffix).strip("-")
        j = Journey(chromium, live_server.url, name)
        journeys.append(j)
        return j

    yield make
    for j in journeys:
        j.close()
    blocked = [line for j in journeys for line in j.blocked]
    assert blocked == [], "\n".join(blocked[:3])


def totp_now(secret: str) -> str:
    """The authenticator's current code, never one about to roll over: a code typed in the last
    seconds of its 30-second window may reach the server in the next one and be refused."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if time.time() % 30 > 26:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def submit(page) -> None:
    """Send the page's main form (the button a person would press)."""
    page.click("main form.form button[type=submit]")
