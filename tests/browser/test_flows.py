"""In a real browser: posting an update refreshes the figures in place, a conflicting update
shows the conflict, a viewer reaches no edit form, and the pages pass axe-core on desktop and phone."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from goals.models import Metric, Plan
from initiatives.models import Initiative, InitiativeStatus
from reports.recalculation import plan_recalculate
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.factories import GoalFactory, InitiativeFactory, ObjectiveFactory, PlanFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "planboard-demo"


@pytest.fixture
def small_plan(transactional_db):
    """One goal → one objective → one initiative at 20%: the plan's progress is that initiative's."""
    today = timezone.localdate()
    owner = UserFactory(username="owner", password=PASSWORD)
    UserFactory(username="colleague", password=PASSWORD)
    plan = PlanFactory(
        slug="stp", title="Strategic Technology Plan", start_fiscal_year=today.year - 1, end_fiscal_year=today.year + 3
    )
    objective = ObjectiveFactory(goal=GoalFactory(plan=plan, number=1, title="Cybersecurity"), code="1.1")
    initiative = InitiativeFactory(
        plan=plan,
        code="MFA-1",
        title="Multi-factor authentication",
        owner=owner,
        status=InitiativeStatus.ON_TRACK,
        percent_complete=20,
        start_date=today - datetime.timedelta(days=100),
        target_date=today + datetime.timedelta(days=100),
        last_update_on=today,
    )
    initiative.supports.add(objective)
    # The colleague may update it too: a member of its department.
    from goals.models import DepartmentMembership
    from tests.factories import DepartmentFactory

    department = DepartmentFactory(slug="its")
    Initiative.objects.filter(pk=initiative.pk).update(department=department)
    DepartmentMembership.objects.create(department=department, user=UserFactory(username="colleague"))
    plan_recalculate(plan_id=plan.pk)
    return initiative


def test_owner_posts_an_update_and_the_plans_figures_change_in_place(new_page, small_plan):
    page = new_page()
    sign_in(page, "owner", PASSWORD)
    page.goto(f"/initiatives/{small_plan.pk}/")
    assert page.locator("#plan-progress").inner_text() == "20%"
    stale = new_page()  # a colleague opens the same form before the owner posts
    sign_in(stale, "colleague", PASSWORD)
    stale.goto(f"/initiatives/{small_plan.pk}/")

    page.get_by_label("Percent complete").fill("60")
    page.get_by_label("What happened since the last update").fill("Pilot group of 600 accounts enrolled.")
    page.get_by_role("button", name="Post update").click()
    page.get_by_text("Update posted").wait_for()
    # One initiative, no metrics: the plan moves from 20% to 60 / 100 = 60%, without a page load.
    assert page.locator("#plan-progress").inner_text() == "60%"
    assert page.locator("#initiative-progress").inner_text() == "60%"
    assert "Pilot group of 600 accounts enrolled." in page.locator(".timeline").inner_text()
    # The Details block and the change history, outside the live part, are swapped out of band.
    assert "On track, 60%" in page.locator("#initiative-details").inner_text()
    assert "Percent complete: 20 → 60" in page.locator("#initiative-history").inner_text()
    screenshot(page, "initiative-after-update")

    stale.get_by_label("Percent complete").fill("35")
    stale.get_by_label("What happened since the last update").fill("My notes from the vendor call.")
    stale.get_by_role("button", name="Post update").click()
    stale.locator("#conflict").wait_for()
    assert "Someone else updated this initiative" in stale.locator("#conflict").inner_text()
    assert stale.get_by_label("What happened since the last update").input_value() == "My notes from the vendor call."
    screenshot(stale, "initiative-conflict")
    assert Initiative.objects.get(pk=small_plan.pk).percent_complete == 60

    # Posting again applies the colleague's update on top of the owner's.
    stale.get_by_role("button", name="Post update").click()
    stale.get_by_text("Update posted").wait_for()
    assert Initiative.objects.get(pk=small_plan.pk).percent_complete == 35


def test_update_form_works_without_javascript(browser, live_server, small_plan):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    try:
        page = context.new_page()
        sign_in(page, "owner", PASSWORD)
        page.goto(f"/initiatives/{small_plan.pk}/")
        page.get_by_label("Percent complete").fill("45")
        page.get_by_role("button", name="Post update").click()
        page.get_by_text("the plan's figures have been recalculated").wait_for()
        assert page.locator("#plan-progress").inner_text() == "45%"
    finally:
        context.close()


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0)
    plan = Plan.objects.get(slug="phoenix-2022-2026")
    initiative = Initiative.objects.filter(plan=plan, owner__username="owner").order_by("code").first()
    metric = Metric.objects.filter(objective__goal__plan=plan, readings__isnull=False).order_by("pk").first()
    return {"plan": plan, "initiative": initiative, "metric": metric}


def test_viewer_reaches_no_edit_form(new_page, demo):
    page = new_page()
    sign_in(page, "viewer")
    page.goto(f"/initiatives/{demo['initiative'].pk}/")
    assert page.get_by_role("button", name="Post update").count() == 0
    page.goto(f"/metrics/{demo['metric'].pk}/")
    assert page.get_by_role("button", name="Save reading").count() == 0


def test_pages_have_no_accessibility_violations_and_screenshots_are_taken(new_page, demo):
    page = new_page()
    sign_in(page, "owner")
    pages = {
        "dashboard": "/",
        "initiative": f"/initiatives/{demo['initiative'].pk}/",
        "metric": f"/metrics/{demo['metric'].pk}/",
        "my-work": "/my/",
        "initiatives": f"/plans/{demo['plan'].slug}/initiatives/",
        "goal": f"/goals/{demo['plan'].goals.order_by('number').first().pk}/",
        "department": "/departments/police/",
        "explain": f"/explain/plan/{demo['plan'].pk}/",
    }
    found = {}
    for name, url in pages.items():
        page.goto(url)
        screenshot(page, name)
        violations = axe_violations(page)
        if violations:
            found[name] = violations
    assert found == {}


def test_dashboard_fits_a_phone_without_horizontal_scrolling(new_page, demo):
    page = new_page(375, 667)
    sign_in(page, "owner")
    for url in ["/", f"/initiatives/{demo['initiative'].pk}/", "/my/"]:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{url} is {width}px wide"
    page.goto("/")
    screenshot(page, "dashboard-phone")
    assert axe_violations(page) == []


def test_keyboard_user_reaches_the_skip_link_and_the_explanation_panel(new_page, demo):
    page = new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.locator("#plan-progress a").focus()
    page.keyboard.press("Enter")
    page.locator("#explain-panel h2").wait_for()
    assert page.evaluate("document.activeElement.tagName") == "H2"
    page.keyboard.press("Escape")
    assert page.locator("#explain-panel").is_hidden()
