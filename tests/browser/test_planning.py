"""Issue 7 in a real browser (Debian Chromium, demo data): the alignment matrix, the IT request
register, the roadmap and the department-plan pages render and pass axe-core; a liaison creates
their department's IT plan and links it; the CIO approves an untied request through an exception."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from goals.models import Department, DepartmentMembership, Objective, Plan
from initiatives.models import Initiative, ITRequest
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.factories import ITRequestFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "planboard-demo"
PHOENIX = "phoenix-2022-2026"
POLICE_PLAN = "police-it-fy2024-2027"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0)
    return Plan.objects.get(slug=PHOENIX)


def fits_a_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_planning_pages_render_and_have_no_accessibility_violations(new_page, demo):
    police_objective = Objective.objects.filter(goal__plan__slug=POLICE_PLAN).order_by("code").first()
    submitted = ITRequest.objects.get(state=ITRequest.State.SUBMITTED, plan=demo)
    pages = {
        "alignment-matrix": (f"/plans/{PHOENIX}/alignment/", "Department alignment"),
        "it-request-register": (f"/plans/{PHOENIX}/it-requests/", "IT request register"),
        "it-request": (f"/it-requests/{submitted.pk}/", submitted.title),
        "roadmap": (f"/plans/{PHOENIX}/roadmap/", "Roadmap"),
        "department-plan-structure": (f"/plans/{POLICE_PLAN}/structure/", "Police"),
        "department-plan-links": (
            f"/plans/{POLICE_PLAN}/structure/objectives/{police_objective.pk}/links/",
            f"Links of objective {police_objective.code}",
        ),
        "department-plan-new": ("/departments/fire/plans/new/", "Create the department's IT plan"),
        "department-plan-objective-new": (f"/plans/{POLICE_PLAN}/structure/objectives/new/", "Add an objective"),
    }
    found = {}
    for width in (1280, 375):
        page = new_page(width, 900)
        sign_in(page, "cio")
        for name, (url, heading) in pages.items():
            page.goto(url)
            assert heading in page.locator("h1").inner_text(), name
            suffix = "" if width == 1280 else "-phone"
            screenshot(page, f"{name}{suffix}")
            if width == 375 and not fits_a_phone(page):
                found[f"{name}{suffix}"] = "wider than the phone"
            violations = axe_violations(page)
            if violations:
                found[f"{name}{suffix}"] = violations
    assert found == {}


def test_planning_group_in_the_navigation_opens_on_a_phone(new_page, demo):
    page = new_page(375, 667)
    sign_in(page, "liaison")
    page.goto(f"/plans/{PHOENIX}/")
    assert page.get_by_role("link", name="Roadmap").is_hidden()
    page.get_by_text("Planning", exact=True).click()
    screenshot(page, "nav-planning-open-phone")
    assert fits_a_phone(page)
    page.get_by_role("link", name="Alignment").click()
    page.wait_for_url(f"**/plans/{PHOENIX}/alignment/")
    page.get_by_text("Planning", exact=True).click()
    assert page.locator('nav[aria-label="Main"] a[aria-current="page"]').inner_text() == "Alignment"
    assert axe_violations(page) == []


def test_liaison_creates_a_department_plan_links_it_and_sees_it_aligned(new_page, demo):
    fire = Department.objects.get(slug="fire")
    liaison = UserFactory(username="fire_liaison", password=PASSWORD)
    MembershipFactory(user=liaison, department=fire, role=DepartmentMembership.Role.LIAISON)
    restore = Objective.objects.get(goal__plan=demo, code="1.3")
    page = new_page()
    sign_in(page, "fire_liaison", PASSWORD)

    page.goto("/departments/fire/")
    page.get_by_role("link", name="Create a department IT plan").click()
    # The fiscal years come from the Phoenix plan (FY2023-FY2027); the title and slug are suggested.
    assert (demo.start_fiscal_year, demo.end_fiscal_year) == (2023, 2027)
    assert page.get_by_label("First fiscal year").input_value() == "2023"
    assert page.get_by_label("Last fiscal year").input_value() == "2027"
    page.get_by_label("Vision").fill("Every station alerted in seconds.")
    page.get_by_role("button", name="Create the plan").click()
    page.get_by_role("heading", name="Fire IT Plan FY2023-2027").wait_for()
    plan = Plan.objects.get(department=fire)
    assert (plan.scope, plan.parent_id) == (Plan.Scope.DEPARTMENT, demo.pk)

    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Title").fill("Resilient station alerting")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Goal 1 added.").wait_for()

    page.get_by_role("link", name="Add an objective", exact=True).first.click()
    page.get_by_role("button", name="Save").click()  # empty: every missing field is named
    assert page.locator("#id_code_error").inner_text() == "This field is required."
    page.get_by_label("Code").fill("F1.1")
    page.get_by_label("Title").fill("Replace station alerting controllers")
    page.get_by_label(f"1.3 {restore.title}").check()
    screenshot(page, "department-plan-objective-filled")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Objective F1.1 added.").wait_for()

    page.get_by_role("link", name="Add an initiative").click()
    page.get_by_label("Code").fill("FD-1")
    page.get_by_label("Title").fill("Station alerting upgrade")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("1 item not aligned to any enterprise objective").wait_for()

    page.get_by_role("link", name="Edit links of FD-1").click()
    page.get_by_label("F1.1 Replace station alerting controllers").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Links of FD-1 saved.").wait_for()
    assert "Every objective and initiative aligns to the enterprise plan." in page.content()
    screenshot(page, "department-plan-structure-aligned")
    assert axe_violations(page) == []

    page.goto("/departments/fire/")
    assert page.get_by_text("(through F1.1 Replace station alerting controllers)").is_visible()
    assert page.get_by_text("Every objective and initiative aligns to the enterprise plan.").is_visible()
    screenshot(page, "department-fire-aligned")

    page.goto(f"/plans/{PHOENIX}/alignment/")
    row = page.locator("tbody tr", has=page.get_by_role("rowheader", name="Fire"))
    # F1.1 and FD-1 both serve objective 1.3, in goal 1: two items in the first goal's cell, none unaligned.
    cells = row.locator("td").all_inner_texts()
    assert cells[0].startswith("2 items") and cells[-1] == "0"
    screenshot(page, "alignment-matrix-with-fire")
    assert Initiative.objects.get(plan=plan, code="FD-1").aligned_to.get().code == "F1.1"


def test_cio_approves_an_untied_request_only_after_recording_an_exception(new_page, demo):
    police = Department.objects.get(slug="police")
    untied = ITRequestFactory(
        plan=demo,
        department=police,
        title="Emergency radio console",
        state=ITRequest.State.SUBMITTED,
        submitted_at=timezone.now(),
        fiscal_year=2026,
    )
    page = new_page()
    sign_in(page, "cio")
    page.goto(f"/it-requests/{untied.pk}/")
    assert page.get_by_text("Not tied to any objective of the plan").is_visible()

    page.get_by_role("button", name="Approve").click()
    page.get_by_text("is not tied to any objective").wait_for()
    assert ITRequest.objects.get(pk=untied.pk).state == ITRequest.State.SUBMITTED

    page.get_by_label("CIO exception: why may this be approved outside the plan?").fill(
        "Radio consoles fail the county's P25 cut-over in March; approved ahead of the plan's revision."
    )
    page.get_by_role("button", name="Record the exception").click()
    page.get_by_text("CIO exception recorded.").wait_for()
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("Approved.", exact=True).wait_for()
    stored = ITRequest.objects.get(pk=untied.pk)
    assert (stored.state, stored.decided_by.username, stored.exception_by.username) == ("approved", "cio", "cio")
    screenshot(page, "it-request-approved-with-exception")
    assert axe_violations(page) == []
