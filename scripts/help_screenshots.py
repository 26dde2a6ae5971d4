"""Regenerate the help pages' pictures (static/img/help/*.webp) from the running portal.

    .venv/bin/python scripts/help_screenshots.py            # writes static/img/help/
    .venv/bin/python scripts/help_screenshots.py --out DIR  # somewhere else, e.g. to compare

It builds a throw-away SQLite database under a temporary folder, migrates it, loads the demo data
(`seed_demo`), starts `manage.py runserver` on a free loopback port, and drives Debian's Chromium
(/usr/bin/chromium) with Playwright: it signs in as the demo people, crops the part of each page a
help step talks about, scales it down and saves it as WebP (each well under 80 KB). Nothing else
in the repository is written. The help templates give each picture's width and height: if a crop
changes size, the script prints the new sizes to copy there.
"""

import argparse
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
MAX_WIDTH = 640
MAX_BYTES = 80_000
PASSWORD = "credo-demo-2026"  # noqa: S105 (the demo accounts' published password, accounts/demo.py)  # nosec B105
TEACHER = "teacher@credo.example"
CANDIDATE = "candidate@credo.example"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    subprocess.run(command, env=env, cwd=ROOT, check=True)  # noqa: S603 (our own manage.py, fixed arguments)


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback URL built above)  # nosec B310
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def save(png: bytes, path: Path) -> tuple[int, int, int]:
    """Scale to at most MAX_WIDTH and write WebP; returns (width, height, bytes)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.width > MAX_WIDTH:
        image = image.resize(
            (MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)), Image.Resampling.LANCZOS
        )
    for quality in (82, 72, 60, 50):
        buffer = io.BytesIO()
        image.save(buffer, "WEBP", quality=quality, method=6)
        if buffer.tell() <= MAX_BYTES:
            break
    path.write_bytes(buffer.getvalue())
    return image.width, image.height, buffer.tell()


class Shooter:
    def __init__(self, browser, base: str, out: Path):
        self.browser, self.base, self.out = browser, base, out
        self.sizes: dict[str, tuple[int, int, int]] = {}
        self.context = None
        self.page = None

    def sign_in(self, email: str, width: int = 1000) -> None:
        if self.context is not None:
            self.context.close()
        self.context = self.browser.new_context(
            viewport={"width": width, "height": 900}, device_scale_factor=1
        )
        self.page = self.context.new_page()
        self.page.goto(self.base + "/accounts/login/")
        self.page.fill("#id_login", email)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("form.form button[type=submit]")
        self.page.wait_for_load_state()

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state()

    def shot(self, name: str, *selectors: str, pad: int = 8, max_height: int = 520) -> None:
        """Crop the box around the first match of each selector, plus a little margin."""
        boxes = [self.page.locator(selector).first.bounding_box() for selector in selectors]
        if None in boxes:
            raise SystemExit(f"{name}: nothing matches one of {selectors!r} on {self.page.url}")
        left = min(b["x"] for b in boxes)
        top = min(b["y"] for b in boxes)
        right = max(b["x"] + b["width"] for b in boxes)
        bottom = max(b["y"] + b["height"] for b in boxes)
        viewport = self.page.viewport_size
        x, y = max(left - pad, 0), max(top - pad, 0)
        clip = {
            "x": x,
            "y": y,
            "width": min(right + pad, viewport["width"]) - x,
            "height": min(bottom + pad - y, max_height),
        }
        png = self.page.screenshot(clip=clip, full_page=True)
        self.sizes[name] = save(png, self.out / f"{name}.webp")


def take(shooter: Shooter) -> None:
    page = lambda: shooter.page  # noqa: E731 (the page changes with each sign-in)

    # Download a certificate: the account menu, then My Certificates.
    shooter.sign_in(TEACHER)
    shooter.go("/me/")
    page().click("summary.account-toggle")
    shooter.shot("account-menu", "summary.account-toggle", ".account-panel", max_height=480)
    page().keyboard.press("Escape")
    shooter.sign_in(TEACHER, width=600)  # narrow pages: the pictures stay legible on a phone
    shooter.go("/me/certificates/")
    shooter.shot("certificates-list", "main h1", "main table")

    # Share your record: the form, then the new link.
    shooter.go("/me/record/")
    shooter.shot(
        "record-share-form", "#share-heading", "section[aria-labelledby=share-heading] form", max_height=330
    )
    page().fill("#id_label", "For my principal")
    page().click("section[aria-labelledby=share-heading] form button[type=submit]")
    page().wait_for_load_state()
    shooter.shot("record-share-link", "section[aria-labelledby=share-heading] .message")

    # Attendance codes: the form with a code typed in, at phone width (where people check in).
    shooter.sign_in(TEACHER, width=390)
    shooter.go("/attendance/")
    page().fill("#id_code", "K7M2QX")
    shooter.shot("attendance-form", "header", "main form")

    # After the practicum: the candidate's and the teacher's dashboards.
    shooter.sign_in(CANDIDATE, width=600)
    shooter.go("/me/")
    shooter.shot("dashboard-practicum", "section.enrollment dl.facts", max_height=360)
    shooter.sign_in(TEACHER, width=600)
    shooter.go("/me/")
    shooter.shot("dashboard-series", "section.enrollment dl.facts", max_height=360)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "static" / "img" / "help")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"needs Chromium at {CHROMIUM}")
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="credo-help-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": f"sqlite:///{tmp}/help.sqlite3",
            "REDIS_URL": "",
            "CELERY_BROKER_URL": "memory://",
            "DJANGO_DEBUG": "1",
        }
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "seed_demo")
        port = free_port()
        server = subprocess.Popen(  # noqa: S603 (our own manage.py, fixed arguments)
            [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/robots.txt")
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM,
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                )
                shooter = Shooter(browser, base, args.out)
                try:
                    take(shooter)
                finally:
                    browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    for name, (width, height, size) in sorted(shooter.sizes.items()):
        flag = "  TOO BIG" if size > MAX_BYTES else ""
        print(f"{args.out / (name + '.webp')}: {width}x{height}, {size // 1024} KB{flag}")


if __name__ == "__main__":
    main()
