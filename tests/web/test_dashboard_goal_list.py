"""The dashboard's goal list is drawn once and reused while nothing it shows changes, and drawn
again as soon as a goal, its figures or its trend change (planboard/dashboard/goal_list.py)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from goals.models import Goal
from planboard.dashboard import goal_list
from reports.models import ProgressSnapshot
from tests.factories import GoalFactory, PlanFactory

pytestmark = pytest.mark.django_db

DRAWN = "dashboard/_goal_list.html"


@pytest.fixture(autouse=True)
def nothing_kept():
    goal_list.goal_lists_forget()
    yield
    goal_list.goal_lists_forget()


def page(client, plan):
    response = client.get(reverse("plan-dashboard", args=[plan.slug]))
    assert response.status_code == 200
    drawn = DRAWN in [t.name for t in response.templates]
    return response.content.decode(), drawn


def without_ids(html: str) -> str:
    """The page with what changes on every request blanked: chart ids and the CSRF token."""
    html = re.sub(r"\b(bar|spark)-\d+", r"\1-N", html)
    return re.sub(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]*"', r'\1"T"', html)


def chart_ids(html: str) -> list[str]:
    return re.findall(r'<title id="([^"]+)"', html)


def test_the_goal_list_is_drawn_once_and_the_page_is_the_same(client, owner, plan, goal, initiative, today):
    second_goal = GoalFactory(plan=plan, number=2, title="Modern, resilient infrastructure")
    for node_type, node in (("plan", plan), ("goal", goal), ("goal", second_goal)):
        ProgressSnapshot.objects.create(plan=plan, node_type=node_type, node_id=node.pk, taken_on=today, progress=0.2)
    client.force_login(owner)
    first, drawn_first = page(client, plan)
    second, drawn_second = page(client, plan)
    assert (drawn_first, drawn_second) == (True, False)
    assert without_ids(second) == without_ids(first)
    assert "Goal 2: Modern, resilient infrastructure" in second
    # The plan's bar and sparkline, then each goal's: 2 + 2 x 2 charts, no id twice on the page.
    ids = chart_ids(second)
    assert len(ids) == 6 and len(set(ids)) == 6


def test_an_edited_goal_new_figures_or_a_new_snapshot_draw_it_again(client, owner, plan, goal, initiative, today):
    client.force_login(owner)
    page(client, plan)

    Goal.objects.filter(pk=goal.pk).update(title="Cyber resilience")
    html, drawn = page(client, plan)
    assert drawn and "Goal 1: Cyber resilience" in html

    # What the recalculation writes: 20% (one initiative at 20%) becomes 35%.
    Goal.objects.filter(pk=goal.pk).update(progress=0.35)
    html, drawn = page(client, plan)
    assert drawn and re.search(r'aria-label="Cyber resilience: 35%, how it is computed">35%</a>', html)

    ProgressSnapshot.objects.create(
        plan=plan, node_type="goal", node_id=goal.pk, taken_on=today - datetime.timedelta(days=7), progress=0.3
    )
    html, drawn = page(client, plan)
    assert drawn and f"Cyber resilience trend: 30% on {today - datetime.timedelta(days=7):%Y-%m-%d}" in html

    html, drawn = page(client, plan)
    assert not drawn


def test_each_plan_and_language_has_its_own_list(client, owner, plan, goal, initiative):
    other = PlanFactory(slug="other-plan")
    GoalFactory(plan=other, number=1, title="Another plan's goal")
    client.force_login(owner)
    assert "Cybersecurity and Resilience" in page(client, plan)[0]
    html, drawn = page(client, other)
    assert drawn and "Another plan&#x27;s goal" in html and "Cybersecurity and Resilience" not in html
    goals = list(plan.goals.order_by("number"))
    for g in goals:
        g.trend = []
    english = goal_list.goal_list_html(plan, goals)
    with translation.override("es"):
        assert goal_list.goal_list_html(plan, goals) is not english
    assert goal_list.goal_list_html(plan, goals) is english


def test_only_the_most_recently_drawn_plans_are_kept(monkeypatch):
    monkeypatch.setattr(goal_list, "KEPT", 2)
    plans = [PlanFactory() for _ in range(3)]
    for plan in plans:
        goal_list.goal_list_html(plan, [])
    assert [key[0] for key in goal_list._drawn] == [plans[1].pk, plans[2].pk]
