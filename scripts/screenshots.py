"""Screenshots of Credo's pages for a person to look at: `python scripts/screenshots.py URL`.

Drives Debian's Chromium through Playwright (no browser download). Logs in as the demo
candidate for the private pages. Writes var/screenshots/<name>-<width>.png and prints each path.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
OUT = Path("var/screenshots")
PUBLIC = [
    ("home", "/"),
    ("signup", "/accounts/signup/"),
    ("login", "/accounts/login/"),
    ("catalog", "/programs/"),
    ("program-cert", "/programs/certified-learning-practitioner/"),
    ("program-series", "/programs/foundations-for-implementation/"),
    ("guide", "/programs/certified-learning-practitioner/guide/"),
    ("contact", "/contact/"),
    ("instructors", "/instructors/"),
    ("webinars", "/webinars/"),
]
PRIVATE = [
    ("dashboard", "/me/"),
    ("profile", "/me/profile/"),
    ("register-series", "/programs/foundations-for-implementation/register/"),
]


def shoot(page, name: str, path: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(BASE + path)
    target = OUT / f"{name}-{width}.png"
    page.screenshot(path=str(target), full_page=True)
    print(target)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        page = browser.new_page()
        for width in (1280, 390):
            for name, path in PUBLIC:
                shoot(page, name, path, width)
        page.goto(BASE + "/accounts/signup/")
        page.fill("#id_full_name", "Zoë Łukasz Nguyễn")
        page.fill("#id_email", "candidate@credo.example")
        page.fill("#id_password1", "password")
        page.fill("#id_password2", "password")
        page.click("button[type=submit]")
        page.screenshot(path=str(OUT / "signup-errors-1280.png"), full_page=True)
        print(OUT / "signup-errors-1280.png")
        page.goto(BASE + "/accounts/login/")
        page.fill("#id_login", "candidate@credo.example")
        page.fill("#id_password", "credo-demo-2026")
        page.click("button[type=submit]")
        for width in (1280, 390):
            for name, path in PRIVATE:
                shoot(page, name, path, width)
        # The demo teacher's series modules are open (no access delay): a module, a lesson, an attempt.
        page.goto(BASE + "/accounts/logout/")
        page.click("button[type=submit]")
        page.goto(BASE + "/accounts/login/")
        page.fill("#id_login", "teacher@credo.example")
        page.fill("#id_password", "credo-demo-2026")
        page.click("button[type=submit]")
        shoot(page, "dashboard-teacher", "/me/", 1280)
        module_path = page.locator(".module-list a").first.get_attribute("href")
        shoot(page, "module", module_path, 1280)
        lesson_path = page.locator(".lesson-list a").first.get_attribute("href")
        shoot(page, "lesson", lesson_path, 1280)
        page.goto(BASE + module_path + "assessment/")
        if page.locator("button:has-text('Start attempt')").count():
            page.click("button:has-text('Start attempt')")
        shoot(page, "assessment", module_path + "assessment/", 1280)
        page.locator(".question input").first.check()
        page.click("button[value=submit]")
        page.screenshot(path=str(OUT / "result-1280.png"), full_page=True)
        print(OUT / "result-1280.png")
        browser.close()


if __name__ == "__main__":
    main()
