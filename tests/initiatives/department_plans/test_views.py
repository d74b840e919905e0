"""Keeping a department's IT plan in the browser (server side): the liaison creates the plan, adds
goals, objectives and initiatives, and links them to enterprise objectives; nobody else's
liaison can touch it; bad input names the field and stores nothing. (City: tests/initiatives/conftest.py.)"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.models import Goal, Objective, Plan
from initiatives.alignment.rules import plan_alignment
from initiatives.models import Initiative
from tests.factories import GoalFactory, InitiativeFactory, ObjectiveFactory, PlanFactory

pytestmark = pytest.mark.django_db


def edit_url(plan) -> str:
    return reverse("department-plan-edit", args=[plan.slug])


def links_url(item) -> str:
    if isinstance(item, Objective):
        return reverse("objective-links", args=[item.goal.plan.slug, item.pk])
    return reverse("initiative-links", args=[item.plan.slug, item.pk])


# --- Creating the plan -----------------------------------------------------------------------------


def test_new_plan_form_takes_its_fiscal_years_from_the_enterprise_plan(client, city):
    client.force_login(city.water_liaison)
    page = client.get(reverse("department-plan-new", args=["water"])).content.decode()
    # The factory's enterprise plan runs FY2022-FY2026.
    assert 'name="start_fiscal_year" value="2022"' in page and 'name="end_fiscal_year" value="2026"' in page
    assert "Water Services IT Plan FY2022-2026" in page


def test_liaison_creates_their_departments_plan_aligned_to_the_enterprise_plan(client, city):
    client.force_login(city.water_liaison)
    response = client.post(
        reverse("department-plan-new", args=["water"]),
        {
            "title": "Water IT Plan FY2023-2026",
            "slug": "water-it-2023",
            "start_fiscal_year": 2023,
            "end_fiscal_year": 2026,
            "status": "active",
            "vision": "Safe water, every tap.",
            "mission": "",
        },
    )
    plan = Plan.objects.get(slug="water-it-2023")
    assert response["Location"] == edit_url(plan)
    assert (plan.scope, plan.department, plan.parent, plan.vision) == (
        Plan.Scope.DEPARTMENT,
        city.water,
        city.enterprise,
        "Safe water, every tap.",
    )
    assert plan.history.first().history_user == city.water_liaison


def test_liaison_of_another_department_cannot_create_its_plan(client, city):
    client.force_login(city.police_liaison)
    assert client.get(reverse("department-plan-new", args=["water"])).status_code == 403
    response = client.post(
        reverse("department-plan-new", args=["water"]),
        {
            "title": "Forged",
            "slug": "forged",
            "start_fiscal_year": 2022,
            "end_fiscal_year": 2026,
            "status": "draft",
        },
    )
    assert response.status_code == 403
    assert not Plan.objects.filter(slug="forged").exists()


def test_bad_plan_input_names_each_field_and_stores_nothing(client, city):
    client.force_login(city.water_liaison)
    response = client.post(
        reverse("department-plan-new", args=["water"]),
        {
            "title": "Water IT Plan",
            "slug": "water-it",
            "start_fiscal_year": 2026,
            "end_fiscal_year": 2024,
            "status": "draft",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "already exists" in form.errors["slug"][0]  # water-it is the fixture's plan
    assert form.errors["end_fiscal_year"] == ["The last fiscal year cannot come before the first."]
    assert Plan.objects.filter(department=city.water).count() == 1


def test_cio_may_create_any_departments_plan(client, city):
    client.force_login(city.cio)
    client.post(
        reverse("department-plan-new", args=["police"]),
        {
            "title": "Police IT Plan 2",
            "slug": "police-it-2",
            "start_fiscal_year": 2022,
            "end_fiscal_year": 2026,
            "status": "draft",
        },
    )
    assert Plan.objects.get(slug="police-it-2").department == city.police


# --- Goals, objectives, initiatives and their links ---------------------------------------------


def test_liaison_adds_an_objective_linked_to_an_enterprise_objective_and_it_counts_as_aligned(client, city):
    client.force_login(city.water_liaison)
    client.post(reverse("department-plan-goal-new", args=["water-it"]), {"number": 2, "title": "Customer service"})
    goal = Goal.objects.get(plan=city.water_plan, number=2)
    response = client.post(
        reverse("department-plan-objective-new", args=["water-it"]),
        {
            "goal": goal.pk,
            "code": "W2.1",
            "title": "Online bill pay",
            "term": "short",
            "aligned_to": [city.e21.pk],
        },
    )
    assert response.status_code == 302
    objective = Objective.objects.get(goal=goal, code="W2.1")
    assert list(objective.aligned_to.all()) == [city.e21]
    alignment = {a.item.pk: a for a in plan_alignment(city.water_plan).objectives}
    assert alignment[objective.pk].direct == [city.e21]
    page = client.get(reverse("department-detail", args=["water"])).content.decode()
    # Still one item unaligned: WS-3 (the fixture's), not the new objective.
    assert "1 item not aligned to any enterprise objective" in page


def test_link_form_offers_enterprise_objectives_by_goal_then_the_plans_own(client, city):
    client.force_login(city.water_liaison)
    page = client.get(links_url(city.w12)).content.decode()
    legends = ["Enterprise goal 1: Cybersecurity", "Enterprise goal 2: Digital services", "Department goal 1:"]
    positions = [page.index(legend) for legend in legends]
    assert positions == sorted(positions)
    assert f'value="{city.w11.pk}" id="id_aligned_to_{city.w11.pk}" checked' in page
    assert f'id="id_aligned_to_{city.w12.pk}"' not in page  # an objective is not offered to itself
    assert f'id="id_aligned_to_{city.p11.pk}"' not in page  # nor another department's objective


def test_linking_the_unaligned_initiative_aligns_it(client, city):
    client.force_login(city.water_liaison)
    response = client.post(links_url(city.ws3), {"aligned_to": [city.e12.pk], "version": city.ws3.version})
    assert response["Location"] == edit_url(city.water_plan)
    assert plan_alignment(city.water_plan).unaligned_count == 0
    page = client.get(edit_url(city.water_plan)).content.decode()
    assert "Every objective and initiative aligns to the enterprise plan." in page


def test_clearing_links_unaligns_and_the_chain_through_it(client, city):
    client.force_login(city.water_liaison)
    client.post(links_url(city.w11), {"version": city.w11.version})
    # W1.1 carried W1.2, W1.3 and WS-1 (through W1.2); with WS-3 that makes five unaligned items.
    assert plan_alignment(city.water_plan).unaligned_count == 5


def test_link_to_another_departments_objective_is_refused_naming_the_field(client, city):
    client.force_login(city.water_liaison)
    response = client.post(links_url(city.ws3), {"aligned_to": [city.p11.pk], "version": city.ws3.version})
    assert response.status_code == 400
    assert response.context["form"].errors["aligned_to"] == [
        f"Objective {city.p11.pk} cannot be linked here; choose an objective of the enterprise plan this plan "
        "aligns to, or of this plan."
    ]
    assert not city.ws3.aligned_to.exists()


def test_stale_link_form_gets_409_keeps_the_ticks_and_changes_nothing(client, city):
    client.force_login(city.water_liaison)
    seen = city.ws3.version
    client.post(links_url(city.ws3), {"aligned_to": [city.e11.pk], "version": seen})
    response = client.post(links_url(city.ws3), {"aligned_to": [city.e21.pk], "version": seen})
    assert response.status_code == 409
    assert list(Initiative.objects.get(pk=city.ws3.pk).aligned_to.all()) == [city.e11]
    page = response.content.decode()
    assert "Someone else changed these links first" in page
    assert f'id="id_aligned_to_{city.e21.pk}" checked' in page
    assert f'name="version" value="{seen + 1}"' in page


def test_bad_objective_and_initiative_input_names_each_field_and_stores_nothing(client, city):
    client.force_login(city.water_liaison)
    goal = city.w11.goal
    response = client.post(
        reverse("department-plan-objective-new", args=["water-it"]),
        {
            "goal": goal.pk,
            "code": "W1.1",
            "title": "Duplicate",
            "term": "short",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == [
        "This goal already has an objective coded W1.1; choose another code."
    ]
    response = client.post(
        reverse("department-plan-initiative-new", args=["water-it"]),
        {
            "code": "WS 9",
            "title": "",
            "term": "short",
            "start_date": "2024-07-01",
            "target_date": "2024-01-01",
        },
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title"}  # the form stops at the missing title first
    response = client.post(
        reverse("department-plan-initiative-new", args=["water-it"]),
        {
            "code": "WS 9",
            "title": "Meters",
            "term": "short",
        },
    )
    assert "code" in response.context["form"].errors
    assert Objective.objects.filter(goal=goal).count() == 3
    assert Initiative.objects.filter(plan=city.water_plan).count() == 2


def test_liaison_adds_an_initiative_of_their_department(client, city):
    client.force_login(city.water_liaison)
    client.post(
        reverse("department-plan-initiative-new", args=["water-it"]),
        {
            "code": "WS-9",
            "title": "Smart meters",
            "term": "long",
            "aligned_to": [city.w13.pk],
        },
    )
    initiative = Initiative.objects.get(plan=city.water_plan, code="WS-9")
    assert initiative.department == city.water
    # WS-9 → W1.3 → W1.2 → W1.1 → enterprise 1.1: aligned indirectly, through W1.3.
    alignment = {a.item.pk: a for a in plan_alignment(city.water_plan).initiatives}
    assert alignment[initiative.pk].indirect == [(city.e11, city.w13)]


# --- Who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["police_liaison", "viewer", "editor"])
def test_others_are_refused_every_page_and_forged_posts_store_nothing(client, city, who):
    client.force_login(getattr(city, who))
    pages = [
        edit_url(city.water_plan),
        links_url(city.w11),
        links_url(city.ws3),
        reverse("department-plan-goal-new", args=["water-it"]),
        reverse("department-plan-objective-new", args=["water-it"]),
        reverse("department-plan-initiative-new", args=["water-it"]),
    ]
    assert [client.get(url).status_code for url in pages] == [403] * 6
    posts = {
        links_url(city.ws3): {"aligned_to": [city.e11.pk], "version": city.ws3.version},
        reverse("department-plan-goal-new", args=["water-it"]): {"number": 5, "title": "Forged"},
        reverse("department-plan-objective-new", args=["water-it"]): {
            "goal": city.w11.goal_id,
            "code": "X1",
            "title": "Forged",
            "term": "short",
        },
        reverse("department-plan-initiative-new", args=["water-it"]): {
            "code": "X-1",
            "title": "Forged",
            "term": "short",
        },
    }
    assert [client.post(url, data).status_code for url, data in posts.items()] == [403] * 4
    assert not city.ws3.aligned_to.exists()
    assert not Goal.objects.filter(title="Forged").exists() and not Objective.objects.filter(title="Forged").exists()
    assert not Initiative.objects.filter(title="Forged").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, city):
    response = client.get(edit_url(city.water_plan))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_item_of_another_plan_is_not_found_under_this_plan(client, city):
    client.force_login(city.cio)
    url = reverse("objective-links", args=["water-it", city.p11.pk])
    assert client.get(url).status_code == 404
    assert client.get(edit_url(city.enterprise)).status_code == 404  # the enterprise plan is no department plan


def test_department_page_links_to_the_editing_pages_only_for_who_may_use_them(client, city):
    client.force_login(city.water_liaison)
    page = client.get(reverse("department-detail", args=["water"])).content.decode()
    assert edit_url(city.water_plan) in page and reverse("department-plan-new", args=["water"]) in page
    client.force_login(city.viewer)
    page = client.get(reverse("department-detail", args=["water"])).content.decode()
    assert edit_url(city.water_plan) not in page and reverse("department-plan-new", args=["water"]) not in page


# --- Navigation -------------------------------------------------------------------------------------


def test_navigation_lists_the_planning_pages_the_reader_may_open(client, city):
    client.force_login(city.water_liaison)
    page = client.get(reverse("plan-dashboard", args=["stp"])).content.decode()
    for name in ["alignment-matrix", "it-request-register", "priority-ranking", "roadmap"]:
        assert f'href="{reverse(name, args=["stp"])}"' in page
    client.logout()
    Plan.objects.filter(pk=city.enterprise.pk).update(is_published=True)
    page = client.get(reverse("plan-dashboard", args=["stp"])).content.decode()
    # The register is for signed-in staff; the rest of a published plan is public.
    assert f'href="{reverse("alignment-matrix", args=["stp"])}"' in page
    assert f'href="{reverse("it-request-register", args=["stp"])}"' not in page


def test_on_a_department_plan_the_alignment_links_go_to_its_enterprise_plan(client, city):
    client.force_login(city.water_liaison)
    page = client.get(reverse("plan-dashboard", args=["water-it"])).content.decode()
    assert f'href="{reverse("alignment-matrix", args=["stp"])}"' in page
    assert f'href="{reverse("roadmap", args=["water-it"])}"' in page


# --- Queries ---------------------------------------------------------------------------------------


def grow(city, count: int, prefix: str) -> None:
    """`count` more goals, objectives (linked to enterprise 1.1 and to W1.1) and initiatives in the water plan."""
    numbers = Goal.objects.filter(plan=city.water_plan).count()
    for n in range(count):
        goal = GoalFactory(plan=city.water_plan, number=numbers + n + 1)
        objective = ObjectiveFactory(goal=goal, code=f"{prefix}{n}")
        objective.aligned_to.set([city.e11, city.w11])
        InitiativeFactory(plan=city.water_plan, code=f"{prefix}-{n}").aligned_to.set([objective])
    PlanFactory(slug=f"other-{prefix}")  # one more enterprise plan, not offered as a link target


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured.captured_queries)


def test_editing_pages_cost_the_same_queries_for_few_and_many_items(client, city, django_assert_max_num_queries):
    client.force_login(city.water_liaison)
    urls = [
        edit_url(city.water_plan),
        links_url(city.w12),
        links_url(city.ws1),
        reverse("department-plan-objective-new", args=["water-it"]),
        reverse("department-plan-initiative-new", args=["water-it"]),
        reverse("department-detail", args=["water"]),
        reverse("alignment-matrix", args=["stp"]),
    ]
    grow(city, 2, "A")
    few = {url: queries(client, url) for url in urls}
    grow(city, 40, "B")
    assert Objective.objects.filter(goal__plan=city.water_plan).count() == 45  # 3 + 2 + 40
    many = {url: queries(client, url) for url in urls}
    assert many == few
    with django_assert_max_num_queries(few[edit_url(city.water_plan)]):
        client.get(edit_url(city.water_plan))


def test_an_empty_post_names_the_missing_fields(client, city):
    client.force_login(city.water_liaison)
    response = client.post(reverse("department-plan-goal-new", args=["water-it"]), {})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"number", "title"}
    assert Goal.objects.filter(plan=city.water_plan).count() == 1
