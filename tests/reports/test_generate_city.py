"""manage.py generate_city: the synthetic "big city", at a tiny scale so the tests stay quick.

At scale 0.01 the scale-1 counts (40 departments, 12 goals, 80 objectives, 3,000 initiatives,
2,500 metrics, 300,000 readings, 720,000 updates) become 1 (0.4 → at least one), 1 (0.12 → at
least one), 1 (0.8 → 1), 30, 25, 3,000 and 7,200.
"""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max
from django.utils import timezone

from goals.models import Department, Goal, Metric, MetricReading, Objective, Plan
from initiatives.models import AlignmentScore, Initiative, Milestone, StatusUpdate
from reports.models import ProgressSnapshot
from tests.factories import (
    AlignmentScoreFactory,
    DepartmentPlanFactory,
    InitiativeFactory,
    ITRequestFactory,
    MilestoneFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_city", *args, stdout=out)
    return out.getvalue()


def plan_counts(slug: str) -> dict[str, int]:
    plan = Plan.objects.get(slug=slug)
    return {
        "departments": Department.objects.filter(slug__startswith=f"{slug}-dept-").count(),
        "goals": Goal.objects.filter(plan=plan).count(),
        "objectives": Objective.objects.filter(goal__plan=plan).count(),
        "initiatives": Initiative.objects.filter(plan=plan).count(),
        "metrics": Metric.objects.filter(objective__goal__plan=plan).count(),
        "readings": MetricReading.objects.filter(metric__objective__goal__plan=plan).count(),
        "updates": StatusUpdate.objects.filter(initiative__plan=plan).count(),
    }


def plan_content(slug: str) -> dict[str, list]:
    """Everything the random generator drew, without database ids."""
    plan = Plan.objects.get(slug=slug)
    return {
        "initiatives": list(
            Initiative.objects.filter(plan=plan)
            .order_by("code")
            .values_list(
                "code",
                "title",
                "status",
                "percent_complete",
                "start_date",
                "target_date",
                "last_update_on",
                "supports__code",
            )
        ),
        "metrics": list(
            Metric.objects.filter(objective__goal__plan=plan)
            .order_by("pk")
            .values_list("name", "direction", "baseline", "target", "baseline_date", "target_date", "objective__code")
        ),
        "readings": list(
            MetricReading.objects.filter(metric__objective__goal__plan=plan)
            .order_by("metric_id", "period_end")
            .values_list("period_end", "value")
        ),
        "updates": list(
            StatusUpdate.objects.filter(initiative__plan=plan)
            .order_by("pk")
            .values_list("initiative__code", "as_of", "status", "percent_complete")
        ),
    }


def test_counts_are_the_scale_one_counts_times_the_scale():
    generate("--scale", "0.01", "--plan-slug", "tiny")
    generate("--scale", "0.02", "--plan-slug", "twice-tiny")
    assert plan_counts("tiny") == {
        "departments": 1,
        "goals": 1,
        "objectives": 1,
        "initiatives": 30,
        "metrics": 25,
        "readings": 3_000,
        "updates": 7_200,
    }
    # 0.02: 40 × 0.02 = 0.8 → 1; 12 × 0.02 = 0.24 → 1; 80 × 0.02 = 1.6 → 2; the rest exactly twice the above
    assert plan_counts("twice-tiny") == {
        "departments": 1,
        "goals": 1,
        "objectives": 2,
        "initiatives": 60,
        "metrics": 50,
        "readings": 6_000,
        "updates": 14_400,
    }


def test_the_same_seed_gives_the_same_city_and_another_seed_a_different_one():
    generate("--scale", "0.01", "--seed", "7", "--plan-slug", "first")
    generate("--scale", "0.01", "--seed", "7", "--plan-slug", "second")
    generate("--scale", "0.01", "--seed", "8", "--plan-slug", "third")
    first = plan_content("first")
    assert plan_content("second") == first
    third = plan_content("third")
    assert third["initiatives"] != first["initiatives"] and third["readings"] != first["readings"]


def test_a_rerun_replaces_the_generated_plan_instead_of_adding_a_second():
    generate("--scale", "0.01", "--plan-slug", "again")
    first_id = Plan.objects.get(slug="again").pk
    generate("--scale", "0.01", "--plan-slug", "again")
    assert not Plan.objects.filter(pk=first_id).exists()
    assert Plan.objects.filter(slug="again").count() == 1
    assert plan_counts("again")["initiatives"] == 30 and plan_counts("again")["updates"] == 7_200
    # nothing of the first run is left behind, anywhere
    assert Initiative.objects.count() == 30 and MetricReading.objects.count() == 3_000
    assert StatusUpdate.objects.count() == 7_200 and Department.objects.count() == 1


def test_a_rerun_also_removes_what_people_attached_by_hand_and_spares_other_plans():
    generate("--scale", "0.01", "--plan-slug", "handled")
    plan = Plan.objects.get(slug="handled")
    initiative = Initiative.objects.filter(plan=plan).first()
    MilestoneFactory(initiative=initiative)
    AlignmentScoreFactory(initiative=initiative)
    department_initiative = InitiativeFactory(plan=DepartmentPlanFactory(parent=None))
    department_initiative.aligned_to.add(Objective.objects.get(goal__plan=plan))
    generate("--scale", "0.01", "--plan-slug", "handled")
    assert not Milestone.objects.exists() and not AlignmentScore.objects.exists()
    department_initiative.refresh_from_db()
    assert department_initiative.aligned_to.count() == 0  # the link went with the old objective, the initiative stayed


def test_a_generated_plan_with_an_it_request_against_it_is_not_replaced():
    generate("--scale", "0.01", "--plan-slug", "requested")
    plan = Plan.objects.get(slug="requested")
    ITRequestFactory(plan=plan)
    with pytest.raises(CommandError, match="--plan-slug: Plan 'requested' has IT requests that point to it"):
        generate("--scale", "0.01", "--plan-slug", "requested")
    assert Plan.objects.get(slug="requested").pk == plan.pk
    assert plan_counts("requested")["updates"] == 7_200  # the old city is intact


def test_readings_are_one_per_month_and_never_in_the_future():
    generate("--scale", "0.01", "--plan-slug", "readings")
    today = timezone.localdate()
    readings = MetricReading.objects.all()
    assert readings.aggregate(latest=Max("period_end"))["latest"] <= today
    assert readings.values("metric_id", "period_end").distinct().count() == readings.count()
    # every period ends on the last day of a month: the next day is the 1st
    assert all((day + datetime.timedelta(days=1)).day == 1 for day in readings.values_list("period_end", flat=True))
    assert not StatusUpdate.objects.filter(as_of__gt=today).exists()


def test_each_initiative_shows_its_latest_status_update():
    generate("--scale", "0.01", "--plan-slug", "latest")
    updated = 0
    for initiative in Initiative.objects.annotate(update_count=Count("updates")):
        if not initiative.update_count:
            assert (initiative.status, initiative.percent_complete, initiative.last_update_on) == (
                "not_started",
                0,
                None,
            )
            continue
        latest = initiative.updates.latest()
        assert (initiative.status, initiative.percent_complete, initiative.last_update_on) == (
            latest.status,
            latest.percent_complete,
            latest.as_of,
        )
        updated += 1
    assert updated > 20  # most of the 30 have started by now; the plan began on 2022-07-01


def test_generated_rows_pass_the_models_own_validation_and_vary():
    generate("--scale", "0.02", "--plan-slug", "valid")
    for row in [*Initiative.objects.all(), *Metric.objects.all(), *list(StatusUpdate.objects.order_by("pk"))[::50]]:
        row.full_clean()
    assert {"up", "down"} <= set(Metric.objects.values_list("direction", flat=True))
    assert len(set(Initiative.objects.values_list("status", flat=True))) >= 4
    plan = Plan.objects.get(slug="valid")
    assert all(plan.starts_on <= i.start_date < i.target_date <= plan.ends_on for i in Initiative.objects.all())


def test_the_recalculation_ran_with_a_snapshot():
    generate("--scale", "0.01", "--plan-slug", "figures")
    plan = Plan.objects.get(slug="figures")
    assert plan.computed_at is not None and plan.progress is not None
    assert not Initiative.objects.filter(computed_at__isnull=True).exists()
    assert not Metric.objects.filter(computed_at__isnull=True).exists()
    # plan 1 + goal 1 + objective 1 + metrics 25 + initiatives 30 = 58 nodes, one snapshot each today
    assert ProgressSnapshot.objects.filter(plan=plan, taken_on=timezone.localdate()).count() == 58


@pytest.mark.parametrize("scale", ["0", "-1", "50.5", "nan"])
def test_a_scale_out_of_range_is_refused_naming_the_option(scale):
    with pytest.raises(CommandError, match="--scale must be more than 0 and at most 50"):
        generate("--scale", scale)
    assert not Plan.objects.exists()


def test_a_scale_that_is_not_a_number_is_refused_naming_the_option():
    with pytest.raises(CommandError, match="--scale"):
        generate("--scale", "big")


@pytest.mark.parametrize("slug, problem", [("Big City!", "only letters"), ("x" * 41, "at most 40 characters")])
def test_a_bad_plan_slug_is_refused_naming_the_option(slug, problem):
    with pytest.raises(CommandError, match=f"--plan-slug must .*{problem}"):
        generate("--scale", "0.01", "--plan-slug", slug)
    assert not Plan.objects.exists()


def test_a_plan_it_did_not_generate_is_never_replaced():
    adopted = PlanFactory(slug="phoenix-2022")
    with pytest.raises(CommandError, match="--plan-slug: Plan 'phoenix-2022' was not made by generate_city"):
        generate("--scale", "0.01", "--plan-slug", "phoenix-2022")
    assert Plan.objects.get(slug="phoenix-2022").pk == adopted.pk
    assert not Initiative.objects.exists()


def test_initiatives_have_the_audit_trail_a_person_would_have_left():
    generate("--scale", "0.01", "--plan-slug", "audited")
    history = Initiative.history.model
    for initiative in Initiative.objects.annotate(update_count=Count("updates")):
        entries = history.objects.filter(id=initiative.pk)
        wanted = min(initiative.update_count, 500 if int(initiative.code[4:]) % 100 == 0 else 20)
        assert entries.filter(history_type="+").count() == 1
        assert entries.filter(history_type="~").count() == wanted
        if wanted:
            # the newest entry is the latest update, with the initiative's links beside it
            newest = entries.filter(history_type="~").latest("history_date")
            latest = initiative.updates.latest()
            assert (newest.status, newest.percent_complete, newest.last_update_on) == (
                latest.status,
                latest.percent_complete,
                latest.as_of,
            )
            assert newest.history_change_reason == f"Status update as of {latest.as_of:%Y-%m-%d}"
            assert sorted(newest.supports.values_list("objective_id", flat=True)) == sorted(
                initiative.supports.values_list("pk", flat=True)
            )
    total = history.objects.count()
    assert total > 30 * 10
    generate("--scale", "0.01", "--plan-slug", "audited")  # a rerun leaves no entry of the first behind
    assert history.objects.count() == total
    assert history.objects.exclude(id__in=Initiative.objects.values("pk")).count() == 0
