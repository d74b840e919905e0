"""Done-when of issue 14, in Chromium: an owner with five items owed follows the link in the
reminder e-mail, signs in, updates all five on a 390×844 screen in one page (a red item without an
explanation is refused first, naming the field, every input kept), and the CIO's tracker then shows
them reported.

Screenshots are test artifacts in var/test-artifacts/cycle/ (not committed): the update-all page
(with the refusal, and filled in) and the tracker, each at 390 and at 1366 px wide.
"""

import re
from pathlib import Path

import pytest
from django.core import mail

from goals.models import MetricReading
from initiatives.models import StatusUpdate
from planboard.core.permissions import Role
from tests.browser.conftest import axe_violations
from tests.factories import user_with_role
from tests.reports.cycle.conftest import PASSWORD, owed_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "cycle"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def artifact(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def sign_in_here(page, username: str) -> None:
    """Sign in on the page the browser is on (the sign-in page, with its ?next=)."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def row(page, number: int):
    return page.locator("fieldset.owed-row").nth(number - 1)


def test_an_owner_updates_all_five_items_on_a_phone_from_the_reminder_link(new_page, live_server):
    plan, owner = owed_plan()
    user_with_role(Role.ADMIN, username="cio", first_name="Pat", last_name="Lee", password=PASSWORD)

    # The CIO sends a reminder now from the tracker (desktop).
    cio = new_page(**DESKTOP)
    cio.goto("/accounts/login/?next=/plans/stp/reporting/")
    sign_in_here(cio, "cio")
    assert cio.locator(".tracker-totals").inner_text().startswith("3 owed")
    artifact(cio, "tracker-1366-before")
    cio.get_by_role("button", name="Send a reminder now to Ana Diaz").click()
    cio.get_by_text("Reminder sent to Ana Diaz.").wait_for()
    [message] = mail.outbox
    link = re.search(r"https?://\S+/reminders/open/\S+/", message.body).group(0)
    link = re.sub(r"^https?://[^/]+", live_server.url, link)

    # The owner follows it on a phone: sign in first, then the update-all page.
    phone = new_page(**PHONE)
    phone.goto(link)
    assert "/accounts/login/" in phone.url and "next=%2Fmy%2Fupdate%2F" in phone.url
    sign_in_here(phone, "owner")
    assert phone.url.endswith("/my/update/")
    assert phone.locator("fieldset.owed-row").count() == 5
    assert no_sideways_scroll(phone)

    # Fill in all five; the second turns off track with no word why. Row 1 by keyboard only.
    first = row(phone, 1)
    first.get_by_label("Status").focus()
    phone.keyboard.press("Tab")
    phone.keyboard.press("Control+A")
    phone.keyboard.type("35")
    phone.keyboard.press("Tab")
    phone.keyboard.type("Contract signed with the vendor.")
    row(phone, 2).get_by_label("Status").select_option("off_track")
    row(phone, 2).get_by_label("Percent complete").fill("22")
    row(phone, 3).get_by_label("Percent complete").fill("50")
    row(phone, 3).get_by_label("What happened").fill("Halfway: pilot live in two libraries.")
    row(phone, 4).get_by_label("Value").fill("41.5")
    row(phone, 4).get_by_label("Note").fill("Quarterly survey.")
    row(phone, 5).get_by_label("Value").fill("17")
    phone.get_by_role("button", name="Save all").click()

    summary = phone.locator("#error-summary")
    summary.wait_for()
    assert "Row 2, I-002 Initiative number 2: What happened" in summary.inner_text()
    assert "explanation is required when an initiative turns off track" in row(phone, 2).inner_text()
    assert row(phone, 2).get_by_label("What happened").get_attribute("aria-invalid") == "true"
    # Every input kept, nothing stored.
    assert row(phone, 1).get_by_label("Percent complete").input_value() == "35"
    assert row(phone, 1).get_by_label("What happened").input_value() == "Contract signed with the vendor."
    assert row(phone, 2).get_by_label("Status").input_value() == "off_track"
    assert row(phone, 2).get_by_label("Percent complete").input_value() == "22"
    assert row(phone, 4).get_by_label("Value").input_value() == "41.5"
    assert row(phone, 4).get_by_label("Note").input_value() == "Quarterly survey."
    assert row(phone, 5).get_by_label("Value").input_value() == "17"
    assert StatusUpdate.objects.count() == 3 and MetricReading.objects.count() == 2
    assert no_sideways_scroll(phone)
    artifact(phone, "update-all-390-refused")
    assert axe_violations(phone) == []

    summary.get_by_role("link", name=re.compile("Row 2")).click()
    phone.keyboard.type("Data centre move slipped a quarter; recovery plan at the steering committee.")
    artifact(phone, "update-all-390-filled")
    phone.get_by_role("button", name="Save all").click()
    phone.get_by_text("Saved 3 status updates and 2 readings.").wait_for()
    assert StatusUpdate.objects.count() == 6 and MetricReading.objects.count() == 4
    artifact(phone, "update-all-390-saved")

    # The CIO's tracker now shows the three initiatives reported, on time.
    cio.reload()
    totals = cio.locator(".tracker-totals").inner_text()
    assert totals.startswith("3 owed") and "3 reported" in totals and "0 not reported" in totals
    assert "100% on time" in totals
    artifact(cio, "tracker-1366-after")
    small = new_page(**PHONE)
    small.goto("/accounts/login/?next=/plans/stp/reporting/")
    sign_in_here(small, "cio")
    assert no_sideways_scroll(small)
    artifact(small, "tracker-390")
    assert axe_violations(small) == []


def test_the_update_all_page_and_my_work_at_desktop_and_phone_widths(new_page):
    plan, owner = owed_plan()
    for size, name in ((DESKTOP, "1366"), (PHONE, "390")):
        page = new_page(**size)
        page.goto("/accounts/login/?next=/my/update/")
        sign_in_here(page, "owner")
        assert no_sideways_scroll(page)
        artifact(page, f"update-all-{name}")
        page.goto("/my/")
        assert no_sideways_scroll(page)
        # The "Post an update" buttons are on the screen, whole.
        for button in page.get_by_role("link", name=re.compile("Post an update")).all():
            box = button.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
        artifact(page, f"my-work-{name}")
        assert axe_violations(page) == []
