"""Every page answers, shows what it should, and only to whom it should."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from goals.models import Objective, Plan
from initiatives.models import InitiativeStatus
from reports.models import ProgressSnapshot
from reports.recalculation import plan_recalculate
from tests.factories import GoalFactory, InitiativeFactory, MilestoneFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def test_anonymous_home_is_sent_to_sign_in_when_no_plan_is_published(client, initiative):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_anonymous_home_shows_the_published_active_enterprise_plan(client, plan, initiative):
    Plan.objects.filter(pk=plan.pk).update(is_published=True)
    response = client.get("/")
    assert response.status_code == 200
    # One initiative at 20%, no metrics: objective = goal = plan = 0.20.
    assert b"Strategic Technology Plan" in response.content
    assert re.search(rb'id="plan-progress"><a class="figure"[^>]*>20%</a>', response.content)


def test_anonymous_cannot_read_an_unpublished_plan_page(client, plan, initiative, metric):
    for url in [
        reverse("plan-dashboard", args=[plan.slug]),
        reverse("initiative-detail", args=[initiative.pk]),
        reverse("metric-detail", args=[metric.pk]),
        reverse("initiative-list", args=[plan.slug]),
        reverse("explain", args=["plan", plan.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_signed_in_user_sees_every_page_of_a_plan(client, owner, plan, goal, initiative, metric):
    client.force_login(owner)
    for url in [
        "/",
        reverse("plan-list"),
        reverse("plan-dashboard", args=[plan.slug]),
        reverse("goal-detail", args=[goal.pk]),
        reverse("initiative-list", args=[plan.slug]),
        reverse("initiative-detail", args=[initiative.pk]),
        reverse("metric-detail", args=[metric.pk]),
        reverse("my-work"),
        reverse("explain", args=["goal", goal.pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_department_member_is_refused_another_departments_unpublished_plan(client, owner, police_plan):
    client.force_login(owner)
    assert client.get(reverse("plan-dashboard", args=[police_plan.slug])).status_code == 403


def test_dashboard_shows_goal_grade_pace_and_trend_from_snapshots(client, owner, plan, goal, initiative, today):
    ProgressSnapshot.objects.create(
        plan=plan, node_type="goal", node_id=goal.pk, taken_on=today - datetime.timedelta(days=30), progress=0.1
    )
    ProgressSnapshot.objects.create(plan=plan, node_type="goal", node_id=goal.pk, taken_on=today, progress=0.2)
    client.force_login(owner)
    page = client.get(reverse("plan-dashboard", args=[plan.slug])).content.decode()
    assert "Goal 1: Cybersecurity and Resilience" in page
    assert (
        f"Cybersecurity and Resilience trend: 10% on {today - datetime.timedelta(days=30):%Y-%m-%d}, "
        f"20% on {today:%Y-%m-%d}" in page
    )
    assert reverse("explain", args=["goal", goal.pk]) in page


def test_dashboard_lists_stale_items_deadlines_and_recent_completions(client, owner, plan, objective, today):
    InitiativeFactory(
        plan=plan,
        code="OLD-1",
        title="Forgotten upgrade",
        status=InitiativeStatus.ON_TRACK,
        percent_complete=10,
        start_date=today - datetime.timedelta(days=400),
        target_date=today + datetime.timedelta(days=100),
        last_update_on=today - datetime.timedelta(days=90),
    )
    due = InitiativeFactory(
        plan=plan,
        code="DUE-1",
        title="Due soon",
        status=InitiativeStatus.ON_TRACK,
        percent_complete=50,
        start_date=today - datetime.timedelta(days=100),
        target_date=today + datetime.timedelta(days=20),
        last_update_on=today,
    )
    MilestoneFactory(initiative=due, title="Go-live rehearsal", due=today + datetime.timedelta(days=10))
    InitiativeFactory(
        plan=plan,
        code="DONE-1",
        title="Finished rollout",
        status=InitiativeStatus.COMPLETED,
        percent_complete=100,
        completed_date=today - datetime.timedelta(days=5),
        last_update_on=today - datetime.timedelta(days=5),
    )
    InitiativeFactory(
        plan=plan,
        code="FAR-1",
        title="Far away",
        status=InitiativeStatus.ON_TRACK,
        percent_complete=5,
        start_date=today,
        target_date=today + datetime.timedelta(days=200),
        last_update_on=today,
    )
    client.force_login(owner)
    page = client.get(reverse("plan-dashboard", args=[plan.slug])).content.decode()
    stale, due_soon, done = (page.split(f'id="{h}"')[1].split("</section>")[0] for h in ("stale-h", "due-h", "done-h"))
    assert "OLD-1 Forgotten upgrade" in stale and "DUE-1" not in stale
    assert "DUE-1 Due soon" in due_soon and "Go-live rehearsal" in due_soon and "FAR-1" not in due_soon
    assert "DONE-1 Finished rollout" in done and "OLD-1" not in done


def test_goal_page_drills_down_to_objectives_metrics_and_initiatives(client, owner, goal, initiative, metric):
    client.force_login(owner)
    page = client.get(reverse("goal-detail", args=[goal.pk])).content.decode()
    assert "1.1 Protect every account" in page
    assert reverse("metric-detail", args=[metric.pk]) in page
    assert reverse("initiative-detail", args=[initiative.pk]) in page


def test_explanation_is_a_panel_for_htmx_and_a_page_otherwise(client, owner, plan, initiative):
    client.force_login(owner)
    url = reverse("explain", args=["plan", plan.pk])
    panel = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    page = client.get(url).content.decode()
    assert "<html" not in panel and "<html" in page
    # Plan = (0.200 × 1) / (1): the goal's figure times its weight over the weights.
    assert "(0.200 × 1) / (1)" in panel and "(0.200 × 1) / (1)" in page


def test_explain_refuses_unknown_kinds(client, owner, initiative):
    client.force_login(owner)
    assert client.get(f"/explain/user/{owner.pk}/").status_code == 404


def test_initiative_list_filters_by_health_owner_staleness_and_text(client, owner, plan, initiative, today):
    InitiativeFactory(
        plan=plan,
        code="NET-9",
        title="Network refresh",
        status=InitiativeStatus.ON_TRACK,
        percent_complete=0,
        start_date=today - datetime.timedelta(days=300),
        target_date=today + datetime.timedelta(days=30),
        last_update_on=None,
    )
    InitiativeFactory(
        plan=plan,
        code="WEB-2",
        title="Website search",
        status=InitiativeStatus.ON_TRACK,
        percent_complete=50,
        start_date=today - datetime.timedelta(days=10),
        target_date=today + datetime.timedelta(days=300),
        last_update_on=today,
    )
    plan_recalculate(plan_id=plan.pk)
    client.force_login(owner)
    url = reverse("initiative-list", args=[plan.slug])

    def codes(**query):
        page = client.get(url, query).content.decode()
        return set(re.findall(r">(PHX-103|NET-9|WEB-2) ", page))

    assert codes() == {"PHX-103", "NET-9", "WEB-2"}
    assert codes(q="network") == {"NET-9"}
    assert codes(owner=owner.pk) == {"PHX-103"}
    # NET-9 started 300 days ago and never reported (cadence 30 days): stale. PHX-103 reported 3 days ago.
    assert codes(stale="yes") == {"NET-9"}
    assert codes(stale="no") == {"PHX-103", "WEB-2"}
    # Health: PHX-103 is 20% against a pace of 200/400 = 50% (trails by 0.30 > 0.25): off track;
    # NET-9 is 0% against 300/330 ≈ 91%: off track; WEB-2 is 50% against 10/310 ≈ 3%: on track.
    assert codes(health="off_track") == {"PHX-103", "NET-9"}
    assert codes(health="on_track") == {"WEB-2"}


def test_my_work_lists_owned_items_stale_first_with_an_update_link(client, owner, plan, initiative, metric, today):
    stale = InitiativeFactory(
        plan=plan,
        code="ZZZ-1",
        title="Stale one",
        owner=owner,
        status=InitiativeStatus.ON_TRACK,
        percent_complete=10,
        start_date=today - datetime.timedelta(days=300),
        target_date=today + datetime.timedelta(days=300),
        last_update_on=today - datetime.timedelta(days=60),
    )
    client.force_login(owner)
    page = client.get(reverse("my-work")).content.decode()
    # Stale first although its code sorts last.
    assert page.index("ZZZ-1 Stale one") < page.index("PHX-103")
    assert f"{reverse('initiative-detail', args=[stale.pk])}#post-update" in page
    assert f"{reverse('metric-detail', args=[metric.pk])}#add-h" in page


def test_my_work_needs_sign_in(client):
    assert client.get(reverse("my-work"))["Location"].startswith(reverse("login"))


def test_department_page_shows_direct_and_indirect_alignment_and_flags_unaligned(
    client, liaison, police_plan, objective
):
    goal = GoalFactory(plan=police_plan, number=1, title="Safer streets")
    direct = ObjectiveFactory(goal=goal, code="P1", title="Body cameras")
    indirect = ObjectiveFactory(goal=goal, code="P2", title="Evidence storage")
    lonely = ObjectiveFactory(goal=goal, code="P3", title="Fleet telematics")
    direct.aligned_to.add(objective)
    indirect.aligned_to.add(direct)
    unaligned_initiative = InitiativeFactory(plan=police_plan, code="POL-1", title="Radio upgrade")
    client.force_login(liaison)
    page = client.get(reverse("department-detail", args=["police"])).content.decode()
    assert "(through P1 Body cameras)" in page
    # P3 and POL-1 serve nothing in the enterprise plan: two items flagged.
    assert "2 items not aligned to any enterprise objective" in page
    assert page.count("Not aligned to an enterprise objective") == 2
    assert unaligned_initiative.title in page and lonely.title in page
    assert Objective.objects.get(pk=indirect.pk).aligned_to.count() == 1


def test_sign_in_page_and_sign_out(client, owner):
    assert b'for="id_username"' in client.get(reverse("login")).content
    response = client.post(reverse("login"), {"username": "owner", "password": "correct horse battery staple"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("my-work")).status_code == 302


def test_password_reset_sends_a_link_by_email(client, owner):
    response = client.post(reverse("password_reset"), {"email": owner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body


def test_password_change_needs_the_old_password(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "a-New-passphrase-42", "new_password2": "a-New-passphrase-42"},
    )
    assert response.status_code == 200 and b"Your old password was entered incorrectly" in response.content
    owner.refresh_from_db()
    assert owner.check_password("correct horse battery staple")


def test_nav_shows_city_name_and_plan(client, owner, plan, initiative, settings):
    settings.CITY_NAME = "City of Aurora"
    client.force_login(owner)
    page = client.get(reverse("plan-dashboard", args=[plan.slug])).content.decode()
    assert '<span class="brand__city">City of Aurora</span>' in page
    assert '<span class="brand__plan">Strategic Technology Plan</span>' in page


def test_unknown_user_sees_no_my_work_link(client, plan, initiative):
    Plan.objects.filter(pk=plan.pk).update(is_published=True)
    page = client.get("/").content.decode()
    assert reverse("my-work") not in page and "Sign in" in page


def test_dashboard_lists_the_ten_soonest_deadlines_and_counts_the_rest(client, owner, plan, today):
    from tests.factories import InitiativeFactory

    for day in range(1, 13):  # twelve open initiatives due within the 60-day window
        InitiativeFactory(
            plan=plan,
            code=f"DUE-{day:02}",
            status=InitiativeStatus.ON_TRACK,
            percent_complete=10,
            start_date=today - datetime.timedelta(days=30),
            target_date=today + datetime.timedelta(days=day),
        )
    client.force_login(owner)
    page = client.get(reverse("plan-dashboard", args=[plan.slug])).content.decode()
    due = page[page.index('id="due-h"') : page.index('id="done-h"')]
    assert "DUE-10" in due and "DUE-11" not in due  # the ten soonest
    assert "In all, 12 initiatives and 0 milestones are due by" in " ".join(due.split())


def test_initiative_timeline_shows_the_newest_twenty_and_offers_all(client, owner, initiative, today):
    from initiatives.models import StatusUpdate

    for n in range(25):
        StatusUpdate.objects.create(
            initiative=initiative,
            as_of=today - datetime.timedelta(days=100 - n),
            status="on_track",
            percent_complete=n,
            narrative=f"week {n}",
        )
    client.force_login(owner)
    page = client.get(reverse("initiative-detail", args=[initiative.pk])).content.decode()
    assert "week 24" in page and "week 4" not in page  # updates 5..24 are the newest twenty
    assert "The newest 20 of 25 updates." in " ".join(page.split())
    everything = client.get(reverse("initiative-detail", args=[initiative.pk]), {"updates": "all"}).content.decode()
    assert "week 0" in everything
