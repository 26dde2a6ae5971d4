"""Messages a person can find, driven by the keyboard only (Tab, Enter, typing; no clicks), as
someone who does not use a mouse meets them (issue #15, WCAG 3.3.1, 4.1.3, 2.2.1): after a
failed form, focus is on its error summary and the title says there is an error, wherever the
form is on the page; a message after a redirect is announced (put into a live region after the
page has loaded); a timed attempt's countdown says "1 minute left" and stays in view."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from certificates.models import ShareLink
from certificates.tests.factories import build_person
from modules.tests.factories import AssessmentFactory, ModuleFactory, add_question, enroll

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

# Records what screen readers announce: text added to a live region once the page has loaded
# (a region that holds its text from the start is never announced).
ANNOUNCED = """
window.__announced = [];
window.addEventListener("load", function () {
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      var region = record.target.closest && record.target.closest("[role=status], [role=alert], [aria-live]");
      if (!region || region.getAttribute("aria-live") === "off") { return; }
      record.addedNodes.forEach(function (node) {
        var text = node.textContent.trim();
        if (text) { window.__announced.push([region.getAttribute("role") || region.getAttribute("aria-live"), text]); }
      });
    });
  }).observe(document.body, { childList: true, subtree: true });
});
"""


def logged_in(j, user) -> None:
    """The browser signed in as `user` without touching the page (the tests use no mouse)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    j.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": j.base}])


def tab_to(page, selector: str, limit: int = 200) -> int:
    """Press Tab until the focused element matches `selector`; the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} not reached in {limit} Tab presses")


def test_a_wrong_attendance_code_puts_focus_on_the_error_summary_linked_to_the_field(journey):
    j = journey()
    logged_in(j, UserFactory())
    page = j.go("/attendance/")
    tab_to(page, "#id_code")
    page.keyboard.type("nope")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile("^Error: Attendance"))
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("There is a problem")
    j.axe()
    j.shot("attendance-error-summary")
    page.keyboard.press("Tab")  # the summary's link to the field
    expect(page.locator(":focus")).to_have_attribute("href", "#id_code")
    page.keyboard.press("Enter")
    expect(page.locator("#id_code")).to_be_focused()
    expect(page.locator("#id_code")).to_have_attribute("aria-invalid", "true")
    # The red border shows (a general field rule used to win over it).
    expect(page.locator("#id_code")).to_have_css("border-top-color", "rgb(164, 22, 26)")


def test_a_failed_share_link_far_down_the_record_puts_focus_on_its_summary_then_the_link(journey):
    user, _, _ = build_person(n_modules=4)
    j = journey()
    j.page.add_init_script(ANNOUNCED)
    logged_in(j, user)
    page = j.go("/me/record/")
    tab_to(page, "#id_note")
    page.keyboard.type("Here is my record.")  # a message, and no address to send it to
    tab_to(page, "section[aria-labelledby=share-heading] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile("^Error: My PL Record"))
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_be_in_viewport(ratio=1)
    page.wait_for_function("() => window.scrollY > 1000")  # the form is far down the page
    page.screenshot(path=str(j.folder / "record-error-summary.png"))  # what the person sees
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the link "Enter the address your message should go to."
    expect(page.locator("#id_email_to")).to_be_focused()
    page.keyboard.type("principal@example.org")
    tab_to(page, "section[aria-labelledby=share-heading] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).not_to_have_title(re.compile("^Error"))
    # The message is announced once the page has loaded; the new link is focused, ready to copy.
    page.wait_for_function("() => window.__announced.length > 0")
    assert page.evaluate("window.__announced") == [
        ["status", "The link is on its way to principal@example.org."]
    ]
    new_link = page.locator("#new-link-url")
    expect(new_link).to_be_focused()
    expect(new_link).not_to_have_value("")
    expect(new_link).to_have_js_property("selectionStart", 0)
    expect(new_link).to_have_js_property("selectionEnd", len(new_link.input_value()))  # all of it
    expect(new_link).to_be_in_viewport(ratio=1)
    assert ShareLink.objects.get(user=user).revoked_at is None
    j.axe()
    page.screenshot(path=str(j.folder / "record-new-link.png"))


def test_a_timed_attempt_says_one_minute_left_and_its_timer_stays_in_view(journey):
    module = ModuleFactory(
        title="Writing objectives", assessment=AssessmentFactory(title="Timed check", time_limit_minutes=2)
    )
    for i in range(12):  # a long page, to scroll
        add_question(module.assessment, "single", [("Yes", True), ("No", False)], f"Question {i + 1}?")
    user = UserFactory()
    enroll(user, module.program)
    j = journey()
    page = j.page
    page.clock.install()  # the page's timers run on a clock the test moves
    page.add_init_script(ANNOUNCED)
    logged_in(j, user)
    j.go(f"/modules/{module.pk}/assessment/")
    tab_to(page, "main button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".countdown")).to_contain_text("Time left 1:")
    alert = page.locator(".countdown-alert")
    expect(alert).to_have_text("")
    expect(page.locator(".countdown")).to_have_attribute("aria-live", "off")

    page.clock.fast_forward("01:02")
    expect(alert).to_have_text("1 minute left.")
    expect(page.locator(".countdown")).to_contain_text("Time left 0:")
    assert page.evaluate("window.__announced") == [["assertive", "1 minute left."]]  # 10 and 5: never ahead

    page.keyboard.press("End")  # scrolled to the end of the questions: the time left still shows
    page.wait_for_function("() => window.scrollY > 500")
    assert page.locator(".countdown-bar").evaluate("e => e.getBoundingClientRect().top") == 0
    page.screenshot(path=str(j.folder / "sticky-timer.png"))


def test_a_saved_profile_is_announced_in_a_live_region_filled_after_load(journey):
    j = journey()
    j.page.add_init_script(ANNOUNCED)
    logged_in(j, UserFactory())
    page = j.go("/me/profile/")
    tab_to(page, "main button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_function("() => window.__announced.length > 0")
    assert page.evaluate("window.__announced") == [["status", "Your profile has been saved."]]
    expect(page.locator(".message-success")).to_have_text("Your profile has been saved.")
