"""The demo data shows all of it: Aurora ranked, Phoenix's department plans with one unaligned
item, IT requests in every state; and every planning page renders on it."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from goals.models import Plan
from initiatives.alignment.rules import alignment_summary, department_plans_of
from initiatives.models import ITRequest
from initiatives.overdue import plan_late_items
from initiatives.priority.rules import plan_ranking
from planboard.core.fiscal import fiscal_year_of
from planboard.demo import aurora, phoenix
from reports.report_card import report_card_data


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", quiet=True)
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_aurora_ranks_its_58_initiatives_by_pillars_and_drivers():
    plan = Plan.objects.get(slug=aurora.SLUG)
    ranking = plan_ranking(plan)
    assert len(ranking.rows) == 58
    assert sorted(r.rank for r in ranking.rows) == list(range(1, 59))
    assert {c.kind for c in ranking.criteria} == {"pillar", "driver"}


def test_phoenix_department_plans_have_exactly_one_unaligned_item_ws3():
    enterprise = Plan.objects.get(slug=phoenix.SLUG)
    summary = alignment_summary(enterprise, department_plans_of(enterprise, Plan.objects.all()))
    assert {row.department.name for row in summary.rows} >= {"Police", "Water Services"}
    assert [a.item.code for a in summary.unaligned] == ["WS-3"]


def test_it_requests_in_every_state_and_one_cio_exception():
    assert set(ITRequest.objects.values_list("state", flat=True)) == set(ITRequest.State.values)
    assert ITRequest.objects.exclude(exception_by=None).count() == 1


@pytest.mark.parametrize("page", ["alignment/", "it-requests/", "priority/", "priority/sensitivity/", "roadmap/"])
@pytest.mark.parametrize("slug", [phoenix.SLUG, aurora.SLUG])
def test_planning_pages_render_on_the_demo(client, slug, page):
    client.force_login(get_user_model().objects.get(username="cio"))
    response = client.get(f"/plans/{slug}/{page}")
    assert response.status_code == 200


def test_phoenix_shows_its_four_past_target_initiatives_everywhere(client):
    plan = Plan.objects.get(slug=phoenix.SLUG)
    today = timezone.localdate()
    late = plan_late_items(plan, today)
    assert late.initiative_count == 4, [i.code for i in late.initiatives]
    codes = [i.code for i in late.initiatives]
    client.force_login(get_user_model().objects.get(username="cio"))
    dashboard = client.get(f"/plans/{plan.slug}/").content.decode()
    listed = client.get(f"/plans/{plan.slug}/initiatives/?overdue=yes").content.decode()
    roadmap = client.get(f"/plans/{plan.slug}/roadmap/").content.decode()
    assert "4 initiatives match" in listed
    for code in codes:
        assert code in dashboard.split('id="late"')[1].split("</section>")[0]
        assert code in listed
    assert roadmap.count("⚠ overdue<title>") == 4
    card = report_card_data(plan, fiscal_year_of(today, plan.fiscal_year_start_month), today=today)
    assert card["overdue"]["count"] == 4
