"""My PL Record in a real browser: no sideways scrolling on a small phone, folded items open
with a click and no script, and print shows what the reader left open."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD
from certificates.services import share_link_create
from certificates.tests.factories import build_person

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


def test_record_fits_a_320px_screen_and_folded_items_open_without_script(chromium, live_server):
    user, _, modules = build_person(n_modules=2)
    user.set_password(PASSWORD)
    user.save()
    share_link_create(
        user=user, label="for my principal", valid_through=timezone.localdate() + timedelta(days=7)
    )
    context = chromium.new_context(viewport={"width": 320, "height": 700}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_login", user.email)
        page.fill("#id_password", PASSWORD)
        page.click("form.form button[type=submit]")
        expect(page).not_to_have_url(re.compile("/accounts/login/"))  # signed in before going on
        page.goto(live_server.url + "/me/record/")
        expect(page.locator("html")).to_have_js_property("scrollWidth", 320)
        region = page.get_by_role("region", name="Your share links")
        expect(region).to_have_attribute("tabindex", "0")
        folded = page.locator("details", has_text="Instructional Module 2")
        expect(folded).to_have_js_property("open", False)
        folded.locator("summary").click()
        expect(folded).to_have_js_property("open", True)
        page.emulate_media(media="print")
        expect(page.get_by_text("Lesson of module 2")).to_be_visible()  # opened by the reader: printed
        assert modules
    finally:
        context.close()
