"""`manage.py load_demo`: what it loads, and that loading it again changes nothing.

The demo is loaded once for the module (inside a transaction that is rolled back at the end);
each test runs in a savepoint inside it, so a test that changes data leaves the others alone.
"""

import datetime
import io
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from goals.models import BusinessDriver, DepartmentMembership, Metric, MetricReading, Objective, Plan
from initiatives.models import AlignmentScore, Initiative, ITRequest, StatusUpdate
from planboard.core import permissions
from planboard.core.permissions import Role
from planboard.demo import aurora_initiatives
from planboard.demo.history import period_ends, update_series

User = get_user_model()
DONE_OR_DROPPED = ("completed", "cancelled")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", quiet=True)
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def _row_counts() -> dict[str, int]:
    """Rows in every table the project knows, history and many-to-many tables included."""
    models = apps.get_models(include_auto_created=True)
    return {model._meta.db_table: model._default_manager.count() for model in models}


def _phoenix() -> Plan:
    return Plan.objects.get(slug="phoenix-2022-2026")


# --- Idempotence ----------------------------------------------------------------------------


def test_second_run_same_day_and_later_day_changes_no_table():
    before = _row_counts()
    assert before["initiatives_historicalinitiative"] > 0 and before["initiatives_statusupdate"] > 0
    call_command("load_demo", quiet=True)
    assert _row_counts() == before
    # Six weeks on, new quarters and stale initiatives exist, yet nothing already loaded is topped up.
    later = timezone.localdate() + datetime.timedelta(days=42)
    with mock.patch("django.utils.timezone.localdate", return_value=later):
        call_command("load_demo", quiet=True)
    assert _row_counts() == before


def test_a_changed_password_is_never_reset():
    owner = User.objects.get(username="owner")
    owner.set_password("my own secret 2026")
    owner.save()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    owner.refresh_from_db()
    assert owner.check_password("my own secret 2026")
    owner_line = next(line for line in out.getvalue().splitlines() if line.strip().startswith("owner "))
    assert "planboard-demo" not in owner_line and "existing password kept" in owner_line


def test_new_users_get_the_password_from_the_environment(monkeypatch):
    User.objects.filter(username="viewer").delete()
    monkeypatch.setenv("PLANBOARD_DEMO_PASSWORD", "council-preview")
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    viewer = User.objects.get(username="viewer")
    assert viewer.check_password("council-preview")
    assert User.objects.get(username="cio").check_password("planboard-demo")
    assert "council-preview" in next(line for line in out.getvalue().splitlines() if "viewer" in line)


def test_table_lists_the_url_and_each_role_user():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/" in text and "nothing to create" in text
    for username, role in [
        ("cio", Role.ADMIN),
        ("editor", Role.EDITOR),
        ("viewer", Role.VIEWER),
        ("owner", "Initiative owner"),
        ("liaison", "Department liaison"),
    ]:
        line = next(line for line in text.splitlines() if line.strip().startswith(username + " "))
        assert role in line and "planboard-demo" in line


def test_quiet_prints_nothing():
    out = io.StringIO()
    call_command("load_demo", quiet=True, stdout=out)
    assert out.getvalue() == ""


# --- Phoenix --------------------------------------------------------------------------------


def test_phoenix_plan_is_fy2023_to_fy2027_with_the_seed_vision_and_mission():
    plan = _phoenix()
    assert (plan.scope, plan.status, plan.is_published, plan.is_sample) == ("enterprise", "active", True, True)
    # Fiscal years July-June: FY2023 starts 2022-07-01, FY2027 ends 2027-06-30.
    assert (plan.starts_on, plan.ends_on) == (datetime.date(2022, 7, 1), datetime.date(2027, 6, 30))
    assert plan.vision == "To be recognized as the best-in-class IT services organization within municipal government."
    assert plan.mission == (
        "Deliver secure, responsible, sustainable, and flexible IT services, solutions, and governance "
        "for the City of Phoenix."
    )


def test_phoenix_has_six_goals_ending_with_strategy_execution_and_its_two_long_term_items():
    plan = _phoenix()
    goals = list(plan.goals.annotate(objective_count=Count("objectives")))
    assert [goal.number for goal in goals] == [1, 2, 3, 4, 5, 6]
    assert goals[-1].title == "Strategy Execution"
    assert all(2 <= goal.objective_count <= 4 for goal in goals)
    items = Initiative.objects.filter(plan=plan, supports__goal__number=6, term="long")
    assert {"Develop QA/QC and testing framework", "Develop Release Management framework"} <= set(
        items.values_list("title", flat=True)
    )


def test_phoenix_initiatives_cover_every_status_with_exactly_one_cancelled():
    plan = _phoenix()
    statuses = list(plan.initiatives.values_list("status", flat=True))
    assert 25 <= len(statuses) <= 35
    assert {"completed", "on_track", "at_risk", "off_track", "on_hold", "not_started"} <= set(statuses)
    assert statuses.count("cancelled") == 1
    assert not plan.initiatives.filter(department__isnull=True).exists()
    assert not plan.initiatives.filter(owner__isnull=True).exists()


def test_some_open_initiatives_are_stale_and_some_fresh_relative_to_today():
    today = timezone.localdate()
    open_items = Initiative.objects.filter(plan=_phoenix()).exclude(status__in=DONE_OR_DROPPED)
    ages = [(today - item.last_update_on).days for item in open_items]
    # Stale: last update more than the plan's 30-day cadence ago; fresh: within the last two weeks.
    assert sum(age > 30 for age in ages) >= 3
    assert sum(age <= 14 for age in ages) >= 3


def test_status_updates_are_authored_by_the_owner_and_never_dated_in_the_future():
    updates = StatusUpdate.objects.filter(initiative__plan=_phoenix()).select_related("initiative")
    assert updates.count() > 60
    assert all(update.author_id == update.initiative.owner_id for update in updates)
    assert max(update.as_of for update in updates) <= timezone.localdate()
    # The newest update is the initiative's current status.
    item = Initiative.objects.get(plan=_phoenix(), code="PHX-106")
    newest = item.updates.latest()
    assert (item.status, item.percent_complete, item.last_update_on) == (
        newest.status,
        newest.percent_complete,
        newest.as_of,
    )


def test_status_updates_are_audited_like_the_browser():
    item = Initiative.objects.get(plan=_phoenix(), code="PHX-104")
    reasons = list(item.history.values_list("history_change_reason", flat=True))
    assert "manage.py load_demo" in reasons
    assert sum(reason.startswith("Status update as of") for reason in reasons if reason) == item.updates.count()


def test_readings_are_never_in_the_future_and_at_most_one_per_period():
    readings = MetricReading.objects.all()
    assert readings.count() > 300
    assert max(readings.values_list("period_end", flat=True)) <= timezone.localdate()
    assert readings.values("metric", "period_end").distinct().count() == readings.count()
    assert not Metric.objects.filter(objective__goal__plan=_phoenix(), readings__isnull=True).exists()


def test_quarterly_readings_run_from_2022_to_the_last_quarter_ended():
    today = timezone.localdate()
    metric = Metric.objects.get(name="Accounts protected by multi-factor authentication")
    ends = list(metric.readings.values_list("period_end", flat=True))
    assert ends[0] == datetime.date(2022, 9, 30)
    assert ends == period_ends(frequency="quarterly", start_month=7, after=datetime.date(2022, 6, 30), until=today)
    assert (today - ends[-1]).days < 92
    assert set(metric.readings.values_list("entered_by", flat=True)) == {metric.owner_id}


def test_lower_is_better_metrics_trend_down_toward_target():
    metric = Metric.objects.get(name="Mean time to restore Tier-1 services")
    values = list(metric.readings.values_list("value", flat=True))
    assert metric.direction == "down" and metric.target < metric.baseline
    assert values[-1] < values[0] < metric.baseline


# --- Aurora ---------------------------------------------------------------------------------


def test_aurora_has_58_initiatives_over_four_themes_and_three_pillars():
    plan = Plan.objects.get(slug="aurora-fy2018-2019")
    assert (plan.status, plan.is_published, plan.fiscal_year_start_month) == ("archived", True, 1)
    assert plan.initiatives.count() == 58
    pillars = list(plan.pillars.values_list("name", flat=True))
    assert pillars == ["One IT", "Customer Experience", "Agility / Smart Sourcing"]
    themes = plan.themes.annotate(items=Count("initiatives"))
    assert {theme.name for theme in themes} == {
        "Infrastructure",
        "Innovation Projects",
        "Governance & Security",
        "IT Management",
    }
    assert all(theme.items >= 10 for theme in themes)
    assert set(plan.initiatives.values_list("term", flat=True)) == {"short", "long"}


SEED_DRIVERS = {
    "Foster interdisciplinary cooperation and collaboration",
    "Improve and sustain high level of service delivery",
    "Develop agile and smart business unit (e.g. modernize)",
    "Utilize industry best practices; define efficient, effective and measurable",
    "Provide effective communication for stakeholders across service delivery",
    "Increase opportunities for shared services",
    "Invest in workforce development",
    "Maintain highly secure technology environment",
    "Identify funding opportunities to support innovative solutions",
    "Provide universal system and data access (e.g. mobility)",
    "Exercise lifecycle management strategy",
}


def test_aurora_business_drivers_are_the_seeds_eleven_each_under_a_pillar():
    drivers = BusinessDriver.objects.filter(plan__slug="aurora-fy2018-2019")
    assert set(drivers.values_list("name", flat=True)) == SEED_DRIVERS
    assert not drivers.filter(pillar__isnull=True).exists()


def test_every_aurora_initiative_is_scored_against_every_pillar_and_several_drivers():
    plan = Plan.objects.get(slug="aurora-fy2018-2019")
    scores = AlignmentScore.objects.filter(initiative__plan=plan)
    assert set(scores.values_list("score", flat=True)) <= {0, 1, 2, 3}
    per_item = plan.initiatives.annotate(
        pillars=Count("alignment_scores__pillar"), drivers=Count("alignment_scores__driver")
    )
    assert all(item.pillars == 3 and item.drivers >= 2 for item in per_item)
    # 58 initiatives × 3 pillars, plus each one's 2-4 driver scores from the data module.
    assert scores.count() == 58 * 3 + sum(len(spec["driver_scores"]) for spec in aurora_initiatives.INITIATIVES)


def test_aurora_initiatives_are_ranked_one_to_58_and_plans_have_a_trend():
    plan = Plan.objects.get(slug="aurora-fy2018-2019")
    assert sorted(plan.initiatives.values_list("priority_rank", flat=True)) == list(range(1, 59))
    phoenix = Plan.objects.get(slug="phoenix-2022-2026")
    # month-end snapshots from July 2022 (FY2023 starts 2022-07-01) up to today, plus today's
    days = set(phoenix.snapshots.filter(node_type="plan").values_list("taken_on", flat=True))
    assert min(days) == datetime.date(2022, 7, 31) and len(days) >= 12


# --- Departments, alignment, IT requests, users ------------------------------------------------


def test_exactly_one_department_item_is_left_unaligned_on_purpose():
    department_items = [
        *Objective.objects.filter(goal__plan__scope="department").annotate(links=Count("aligned_to")),
        *Initiative.objects.filter(plan__scope="department").annotate(links=Count("aligned_to")),
    ]
    unaligned = [item for item in department_items if item.links == 0]
    assert len(unaligned) == 1
    assert "unaligned on purpose" in unaligned[0].description


def test_department_objective_aligns_indirectly_through_its_own_plan():
    police = Plan.objects.get(department__slug="police")
    assert police.parent == _phoenix()
    indirect = Objective.objects.get(goal__plan=police, code="1.3")
    (through,) = indirect.aligned_to.all()
    assert through.goal.plan == police
    assert set(through.aligned_to.values_list("goal__plan__slug", flat=True)) == {"phoenix-2022-2026"}


def test_one_it_request_carries_a_cio_exception():
    requests = ITRequest.objects.filter(plan=_phoenix())
    assert {"draft", "submitted", "approved", "rejected"} <= set(requests.values_list("state", flat=True))
    (exception,) = requests.filter(exception_by__isnull=False)
    assert exception.exception_by.username == "cio" and exception.exception_reason and exception.exception_at
    assert exception.state == "approved"


def test_one_user_per_role_with_the_right_group():
    role_users = User.objects.filter(username__in=["cio", "editor", "owner", "liaison", "viewer"])
    users = {user.username: user for user in role_users}
    assert set(users["cio"].groups.values_list("name", flat=True)) == {Role.ADMIN}
    assert users["cio"].is_superuser and users["cio"].is_staff
    assert set(users["editor"].groups.values_list("name", flat=True)) == {Role.EDITOR} and users["editor"].is_staff
    assert set(users["viewer"].groups.values_list("name", flat=True)) == {Role.VIEWER}
    assert permissions.actor(users["viewer"]).reads_everything and not permissions.actor(users["viewer"]).is_editor
    liaison = DepartmentMembership.objects.get(user=users["liaison"])
    assert (liaison.department.slug, liaison.role) == ("police", "liaison")
    owner = users["owner"]
    assert owner.memberships.get().department.slug == "its"
    assert owner.owned_initiatives.filter(plan=_phoenix()).count() >= 3 and owner.owned_metrics.count() >= 3
    assert all(user.check_password("planboard-demo") for user in users.values())


# --- The made-up past, as pure functions ---------------------------------------------------------


def test_period_ends_follow_the_fiscal_year():
    after, until = datetime.date(2022, 6, 30), datetime.date(2023, 7, 15)
    assert period_ends(frequency="quarterly", start_month=7, after=after, until=until) == [
        datetime.date(2022, 9, 30),
        datetime.date(2022, 12, 31),
        datetime.date(2023, 3, 31),
        datetime.date(2023, 6, 30),
    ]
    assert period_ends(frequency="annual", start_month=7, after=after, until=until) == [datetime.date(2023, 6, 30)]
    # Aurora's fiscal year is the calendar year, so its yearly figure is due on 31 December.
    assert period_ends(
        frequency="annual", start_month=1, after=datetime.date(2017, 12, 31), until=datetime.date(2020, 3, 1)
    ) == [datetime.date(2018, 12, 31), datetime.date(2019, 12, 31)]


def test_update_series_climbs_to_the_final_status_on_the_last_day():
    series = update_series(
        start=datetime.date(2024, 1, 1),
        last=datetime.date(2025, 6, 1),
        status="off_track",
        percent=40,
        note="Escalated.",
    )
    dates = [update["as_of"] for update in series]
    assert dates == sorted(dates) and dates[0] == datetime.date(2024, 1, 31) and dates[-1] == datetime.date(2025, 6, 1)
    assert [update["status"] for update in series[-2:]] == ["at_risk", "off_track"]
    assert series[-1]["narrative"] == "Escalated."
    percents = [update["percent_complete"] for update in series]
    assert percents == sorted(percents) and percents[-1] == 40
