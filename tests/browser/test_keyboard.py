"""Keyboard and low-vision use in a real browser (issue #15, points 1, 5, 6 and 7), driven by the
keyboard only: Tab, Shift+Tab, Enter, Space and the arrow keys, never a click.

- Every element Tab reaches shows a focus outline of 2px or more whose colour has 3:1 or more
  against what it is drawn on (read from the computed styles and the element under the ring).
- In forced colours (Windows High Contrast) the focused element still has an outline.
- At 320 px no page scrolls sideways.
- Progress bars: a track edge of 3:1 on its background, the percentage written next to the bar.
- Record items show a ▸/▾ marker and open with Enter; a lesson says its title once.

Screenshots of focused states go to var/screenshots/journeys/<test>/ (see conftest.py).
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD
from certificates.services import share_link_create
from certificates.tests.factories import build_person
from practicums.tests.factories import PracticumFactory
from programs.tests.factories import ProgramFactory
from recertification.services import credential_grant

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(600)]

# What is focused now, its outline, and the colours under the ring: for an outline drawn outside the
# element, what lies at the middle of the ring on each side (whatever element is painted there,
# its background composited over its ancestors'); for one drawn inside, the element's own.
PROBE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  window.__kbSeen = window.__kbSeen || new WeakSet();
  const again = window.__kbSeen.has(el);
  window.__kbSeen.add(el);
  const rgba = (s) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(s);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const behind = (node) => {
    const layers = [];
    for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let out = [255, 255, 255];
    for (const c of layers.reverse()) out = out.map((v, i) => c[i] * c[3] + v * (1 - c[3]));
    return out.map(Math.round);
  };
  const cs = getComputedStyle(el);
  const width = parseFloat(cs.outlineWidth) || 0;
  const offset = parseFloat(cs.outlineOffset) || 0;
  const r = el.getBoundingClientRect();
  const backgrounds = [];
  if (offset < 0) {
    backgrounds.push(behind(el));
  } else {
    const d = offset + width / 2, cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    for (const [x, y] of [[r.left - d, cy], [r.right + d, cy], [cx, r.top - d], [cx, r.bottom + d]]) {
      if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
      const under = document.elementsFromPoint(x, y).find((n) => n !== el && !el.contains(n));
      if (under) backgrounds.push(behind(under));
    }
    if (!backgrounds.length) backgrounds.push(behind(el.parentElement));
  }
  const label = (el.getAttribute("aria-label") || el.innerText || el.value || el.name || "").trim();
  return {
    again,
    name: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).split(" ").join(".") : "") + ' "' + label.slice(0, 40).replace(/\\s+/g, " ") + '"',
    style: cs.outlineStyle,
    width,
    color: rgba(cs.outlineColor),
    backgrounds,
    summary: el.tagName === "SUMMARY",
    open: el.tagName === "SUMMARY" ? el.parentElement.open : null,
    accountMenu: el.classList.contains("account-toggle"),
  };
}"""


# Back to the top of the document: the next Tab goes to the first focusable element (the skip link).
TO_TOP = """() => {
  const root = document.documentElement;
  root.tabIndex = -1;
  root.focus();
  root.removeAttribute("tabindex");
  window.__kbSeen = null;
}"""


def luminance(rgb) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_wcag_examples():
    assert round(contrast((255, 255, 255), (0, 0, 0)), 1) == 21.0
    assert round(contrast((242, 177, 52), (255, 255, 255)), 2) == 1.89
    assert round(contrast((15, 45, 78), (255, 255, 255)), 2) == 13.95


def tab_through(page, limit: int = 90, open_menus: bool = True) -> list[dict]:
    """Tab from the top of the page until focus leaves the page or comes round again; the account
    menu is opened with Enter on the way so its links are visited too."""
    page.evaluate(TO_TOP)
    visited: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(PROBE)
        if focused is None or focused["again"]:
            break
        visited.append(focused)
        if open_menus and focused["accountMenu"] and not focused["open"]:
            page.keyboard.press("Enter")
    return visited


def focus_problems(visited: list[dict]) -> list[str]:
    problems = []
    for f in visited:
        if f["style"] == "none" or f["width"] < 2 or f["color"][3] < 1:
            problems.append(f"{f['name']}: outline {f['style']} {f['width']}px {f['color']}")
            continue
        worst = min(contrast(f["color"], bg) for bg in f["backgrounds"])
        if worst < 3:
            problems.append(f"{f['name']}: outline {f['color']} has {worst:.2f}:1 on {f['backgrounds']}")
    return problems


@pytest.fixture
def site():
    """A teacher with a record (attended set, two modules, one passed, certificates), a share
    link, a certification held (CE) and another program open for registration."""
    user, series, modules = build_person(n_modules=2)
    user.set_password(PASSWORD)
    user.save()
    _, token = share_link_create(
        user=user, label="for my principal", valid_through=timezone.localdate() + timedelta(days=7)
    )
    held = ProgramFactory(title="Certified Learning Practitioner", slug="clp-held")
    credential_grant(user=user, program=held, passed_on=timezone.localdate() - timedelta(days=30))
    other = ProgramFactory(title="Certified Coach", slug="coach")
    PracticumFactory(program=other, title="Practicum — Denver")
    first, second = modules
    return {
        "user": user,
        "anonymous": [
            "/",
            f"/programs/{other.slug}/",
            f"/programs/{series.slug}/",
            "/practicums/",
            f"/records/{token}/",
            "/accounts/signup/",
            "/help/",
        ],
        "member": [
            "/me/",
            "/attendance/",
            f"/modules/{first.pk}/",
            f"/modules/{first.pk}/lessons/{first.lessons.first().pk}/",
            f"/modules/{second.pk}/assessment/",
            f"/programs/{other.slug}/register/",
            "/me/record/",
            "/me/certificates/",
            "/me/ce/",
            "/me/profile/",
        ],
        "second": second,
    }


def log_in(j, email: str) -> None:
    """Type the address and password, submit with Enter."""
    page = j.go("/accounts/login/")
    page.locator("#id_login").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    j.email = email


def test_every_focused_element_shows_an_outline_of_3_to_1_on_its_background(journey, site):
    j = journey()
    problems: list[str] = []
    counts: dict[str, int] = {}
    for path in site["anonymous"]:
        page = j.go(path)
        visited = tab_through(page)
        counts[path] = len(visited)
        assert visited[0]["name"].startswith("a.skip-link"), (path, visited[:1])
        problems += [f"{path} {p}" for p in focus_problems(visited)]
        if path == "/":  # the amber Sign-up button in the blue header
            page.evaluate(TO_TOP)
            for _ in range(10):
                page.keyboard.press("Tab")
                if page.evaluate("() => document.activeElement.innerText") == "Sign up":
                    break
            j.shot("focus-sign-up")
    log_in(j, site["user"].email)
    for path in site["member"]:
        page = j.go(path)
        visited = tab_through(page)
        counts[path] = len(visited)
        assert visited[0]["name"].startswith("a.skip-link"), (path, visited[:1])
        problems += [f"{path} {p}" for p in focus_problems(visited)]
        if path == "/attendance/":
            page.locator("#id_code").focus()
            page.keyboard.press("Shift+Tab")
            page.keyboard.press("Tab")  # back on the code field by keyboard: focus-visible
            j.shot("focus-code-field")
    assert not problems, "\n".join(problems)
    assert all(n >= 8 for n in counts.values()), counts  # the walk really went through each page


def test_the_account_menu_links_and_a_button_show_focus(journey, site):
    j = journey()
    log_in(j, site["user"].email)
    page = j.go("/me/")
    visited = tab_through(page)
    names = [f["name"] for f in visited]
    assert any('"My PL Record"' in n for n in names), names  # opened with Enter, walked into
    assert not focus_problems(visited)
    page.evaluate(TO_TOP)
    for _ in range(60):
        page.keyboard.press("Tab")
        if "button" in page.evaluate("() => document.activeElement.className"):
            break
    j.shot("focus-button")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert "button" in page.evaluate("() => document.activeElement.className")


def test_assessment_by_keyboard_start_choose_with_arrows_and_focus_shows(journey, site):
    second = site["second"]
    j = journey()
    log_in(j, site["user"].email)
    page = j.go(f"/modules/{second.pk}/assessment/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.innerText") == "Start attempt 1":
            break
    page.keyboard.press("Enter")
    page.wait_for_selector("input[type=radio]")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.type") == "radio":
            break
    first = page.evaluate("() => document.activeElement.id")
    page.keyboard.press("Space")
    expect(page.locator(f"#{first}")).to_be_checked()
    page.keyboard.press("ArrowDown")  # the other answer (their order is shuffled), chosen by the arrow
    ids = {f"c{pk}" for pk in second.assessment.questions.get().choices.values_list("pk", flat=True)}
    other = page.evaluate("() => document.activeElement.id")
    assert {first, other} == ids
    expect(page.locator(f"#{other}")).to_be_checked()
    expect(page.locator(f"#{first}")).not_to_be_checked()
    focused = page.evaluate(PROBE)
    assert not focus_problems([focused])
    j.shot("focus-radio")
    assert not focus_problems(tab_through(page))


def test_focus_is_still_drawn_in_forced_colours(journey, site):
    j = journey()
    page = j.go("/")
    page.emulate_media(forced_colors="active")
    assert page.evaluate("() => matchMedia('(forced-colors: active)').matches")
    problems = []
    for path in ["/", "/accounts/login/"]:
        page = j.go(path)
        visited = tab_through(page)
        assert len(visited) >= 5
        problems += [f"{path} {f['name']}" for f in visited if f["style"] == "none" or f["width"] <= 0]
    log_in(j, site["user"].email)
    for path in ["/me/", "/attendance/", "/me/record/"]:
        page = j.go(path)
        visited = tab_through(page)
        assert len(visited) >= 5
        problems += [f"{path} {f['name']}" for f in visited if f["style"] == "none" or f["width"] <= 0]
        if path == "/attendance/":
            page.locator("#id_code").focus()
            page.keyboard.press("Shift+Tab")
            page.keyboard.press("Tab")
            j.shot("forced-colours-code-field")
    assert not problems, "\n".join(problems)


def sideways(page) -> dict | None:
    """None if the page fits its viewport's width, else its width and what reaches past the edge."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.scrollWidth;
          if (width <= innerWidth) return null;
          const past = [...document.body.querySelectorAll("*")].filter((e) => e.getBoundingClientRect().right > innerWidth + 1);
          return {width, past: past.slice(-5).map((e) => e.tagName.toLowerCase() + "." + e.className)};
        }"""
    )


def test_no_page_scrolls_sideways_at_320px(journey, site):
    j = journey()
    j.page.set_viewport_size({"width": 320, "height": 800})
    wide = {}
    for path in site["anonymous"]:
        page = j.go(path)
        if too_wide := sideways(page):
            wide[path] = too_wide
        if path.startswith("/programs/"):
            j.shot("320" + path.replace("/", "-").rstrip("-"))
    log_in(j, site["user"].email)
    for path in site["member"]:
        page = j.go(path)
        if too_wide := sideways(page):
            wide[path] = too_wide
        if path in ("/me/", "/me/record/", "/me/certificates/") or "/lessons/" in path:
            j.shot("320" + path.replace("/", "-").rstrip("-"))
    assert wide == {}


def test_dashboard_progress_bars_have_a_visible_track_and_say_their_percentage(journey, site):
    j = journey()
    j.page.set_viewport_size({"width": 320, "height": 800})
    log_in(j, site["user"].email)
    page = j.go("/me/")
    bars = page.evaluate(
        """() => [...document.querySelectorAll("main progress")].map((bar) => {
          const rgb = (s) => s.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
          let n = bar.parentElement;
          while (getComputedStyle(n).backgroundColor === "rgba(0, 0, 0, 0)") n = n.parentElement;
          const cs = getComputedStyle(bar);
          return {edge: rgb(cs.borderTopColor), width: parseFloat(cs.borderTopWidth),
                  background: rgb(getComputedStyle(n).backgroundColor)};
        })"""
    )
    assert len(bars) == 3  # "Modules complete" and one per module
    for bar in bars:
        assert bar["width"] >= 1
        assert contrast(bar["edge"], bar["background"]) >= 3
    values = page.locator(".module-list .progress-value")
    expect(values).to_have_text(["100%", "0%"], use_inner_text=True)
    for value in values.all():
        expect(value).to_be_visible()
    # Nothing paints over a module's name: each name's box is clear of its bar's.
    overlaps = page.evaluate(
        """() => [...document.querySelectorAll(".module-list li")].filter((li) => {
          const a = li.querySelector("a").getBoundingClientRect(), p = li.querySelector("progress").getBoundingClientRect();
          return !(a.right <= p.left || p.right <= a.left || a.bottom <= p.top || p.bottom <= a.top);
        }).length"""
    )
    assert overlaps == 0
    j.shot("dashboard-progress-320")


def test_record_items_show_a_marker_and_open_with_enter(journey, site):
    j = journey()
    log_in(j, site["user"].email)
    page = j.go("/me/record/")
    marker = "(s) => getComputedStyle(s, '::before').content"
    page.evaluate(TO_TOP)
    for _ in range(90):
        page.keyboard.press("Tab")
        focused = page.evaluate(PROBE)
        if focused["summary"] and not focused["accountMenu"] and not focused["open"]:
            break
    summary = page.locator("summary:focus")
    item = summary.locator("xpath=..")
    assert summary.evaluate(marker).startswith('"▸"')
    assert not focus_problems([focused])
    page.keyboard.press("Enter")
    expect(item).to_have_js_property("open", True)
    assert summary.evaluate(marker).startswith('"▾"')
    j.shot("record-item-open")
    page.keyboard.press("Space")
    expect(item).to_have_js_property("open", False)
