"""Initiatives' rules, each checked twice (see tests/goals/test_models.py): validation names the
field and stores nothing; the database refuses a row that skips validation."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from initiatives.models import StatusUpdate
from planboard.core.audit import save_audited
from tests.factories import (
    AlignmentScoreFactory,
    DepartmentFactory,
    DepartmentPlanFactory,
    DriverFactory,
    InitiativeFactory,
    ITRequestFactory,
    MilestoneFactory,
    PillarFactory,
    PlanFactory,
    StatusUpdateFactory,
    ThemeFactory,
    UserFactory,
)
from tests.goals.test_models import assert_database_refuses, assert_refused

pytestmark = pytest.mark.django_db

JULY_1 = datetime.date(2022, 7, 1)


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


# --- Builders: each returns one unsaved row that breaks exactly one rule. ------------------


def initiative(**fields):
    return lambda: InitiativeFactory.build(plan=PlanFactory(), **fields)


def status_update(**fields):
    return lambda: StatusUpdateFactory.build(initiative=InitiativeFactory(), **fields)


def it_request(**fields):
    return lambda: ITRequestFactory.build(department=DepartmentFactory(), plan=PlanFactory(), **fields)


def exception_request(reason: str):
    """A request carrying a CIO exception, recorded by a freshly made CIO, with `reason`."""
    return lambda: ITRequestFactory.build(
        department=DepartmentFactory(), plan=PlanFactory(), exception_by=UserFactory(), exception_reason=reason
    )


def score(criterion: str | None = "pillar", other_plan: bool = False, **fields):
    """An alignment score of a fresh initiative for a pillar, a driver, both ("both") or neither (None)."""

    def build():
        scored = InitiativeFactory()
        plan = PlanFactory() if other_plan else scored.plan
        criteria = {
            "pillar": {"pillar": PillarFactory(plan=plan)},
            "driver": {"pillar": None, "driver": DriverFactory(plan=plan)},
            "both": {"pillar": PillarFactory(plan=plan), "driver": DriverFactory(plan=plan)},
            None: {"pillar": None, "driver": None},
        }[criterion]
        return AlignmentScoreFactory.build(initiative=scored, **criteria, **fields)

    return build


def duplicate_initiative():
    existing = InitiativeFactory(code="PD-1")
    return InitiativeFactory.build(plan=existing.plan, code="PD-1")


def duplicate_score(criterion: str):
    def build():
        existing = score(criterion)()
        existing.save()
        return AlignmentScoreFactory.build(
            initiative=existing.initiative, pillar=existing.pillar, driver=existing.driver, score=1
        )

    return build


VALIDATION_RULES = [
    pytest.param(initiative(percent_complete=101), "percent_complete", "between 0 and 100", id="initiative % <= 100"),
    pytest.param(initiative(percent_complete=-1), "percent_complete", "between 0 and 100", id="initiative % >= 0"),
    pytest.param(status_update(percent_complete=101), "percent_complete", "between 0 and 100", id="update % <= 100"),
    pytest.param(
        duplicate_initiative, "code", "already has an initiative coded PD-1", id="initiative code unique per plan"
    ),
    pytest.param(initiative(code="PD 1"), "code", "letters, digits", id="initiative code format"),
    pytest.param(
        initiative(start_date=JULY_1, target_date=JULY_1),
        "target_date",
        "after the start date",
        id="target date after start date (same day)",
    ),
    pytest.param(
        initiative(start_date=JULY_1, target_date=datetime.date(2022, 6, 30)),
        "target_date",
        "after the start date",
        id="target date after start date (earlier)",
    ),
    pytest.param(
        initiative(status="completed", percent_complete=90),
        "percent_complete",
        "100% complete",
        id="completed initiative is 100%",
    ),
    pytest.param(
        status_update(status="completed", percent_complete=90),
        "percent_complete",
        "100% complete",
        id="completed update is 100%",
    ),
    pytest.param(
        initiative(status="not_started", percent_complete=10),
        "status",
        "has made progress",
        id="not-started initiative is 0%",
    ),
    pytest.param(
        status_update(status="not_started", percent_complete=10),
        "status",
        "has made progress",
        id="not-started update is 0%",
    ),
    pytest.param(
        initiative(status="on_track", percent_complete=40, completed_date=JULY_1),
        "completed_date",
        "Only a completed initiative",
        id="completion date only when completed",
    ),
    pytest.param(
        lambda: InitiativeFactory.build(plan=PlanFactory(), theme=ThemeFactory()),
        "theme",
        "must belong to the initiative's plan",
        id="theme of another plan",
    ),
    pytest.param(
        initiative(budget_estimate=Decimal("-1")), "budget_estimate", "zero or more", id="budget estimate >= 0"
    ),
    pytest.param(initiative(budget_actual=Decimal("-0.01")), "budget_actual", "zero or more", id="budget actual >= 0"),
    pytest.param(initiative(update_cadence_days=0), "update_cadence_days", "at least one day", id="cadence >= 1 day"),
    pytest.param(
        lambda: StatusUpdateFactory.build(initiative=InitiativeFactory(), as_of=tomorrow()),
        "as_of",
        "cannot be dated in the future",
        id="update not in the future",
    ),
    pytest.param(
        lambda: MilestoneFactory.build(initiative=InitiativeFactory(), done_on=tomorrow()),
        "done_on",
        "cannot be done on a future date",
        id="milestone not done in the future",
    ),
    pytest.param(score(score=4), "score", "0 to 3", id="alignment score <= 3"),
    pytest.param(score("both"), "driver", "not both", id="alignment: pillar or driver, not both"),
    pytest.param(score(None), "pillar", "Choose the pillar or the business driver", id="alignment: one criterion"),
    pytest.param(
        score("pillar", other_plan=True),
        "pillar",
        "belong to the initiative's plan",
        id="alignment: pillar of the same plan",
    ),
    pytest.param(
        score("driver", other_plan=True),
        "driver",
        "belong to the initiative's plan",
        id="alignment: driver of the same plan",
    ),
    pytest.param(
        duplicate_score("pillar"), "pillar", "already has a score for this pillar", id="alignment: one score per pillar"
    ),
    pytest.param(
        duplicate_score("driver"),
        "driver",
        "already has a score for this business driver",
        id="alignment: one score per driver",
    ),
    pytest.param(it_request(amount=Decimal("-1")), "amount", "zero or more", id="IT request amount >= 0"),
    pytest.param(it_request(fiscal_year=1999), "fiscal_year", "2000 or later", id="IT request fiscal year >= 2000"),
    pytest.param(it_request(fiscal_year=2101), "fiscal_year", "2100 or earlier", id="IT request fiscal year <= 2100"),
    pytest.param(exception_request(reason=""), "exception_reason", "needs a reason", id="CIO exception needs a reason"),
    pytest.param(
        exception_request(reason="   "), "exception_reason", "needs a reason", id="CIO exception reason is not blank"
    ),
    pytest.param(
        lambda: ITRequestFactory.build(department=DepartmentFactory(), plan=DepartmentPlanFactory()),
        "plan",
        "weighed against the enterprise plan",
        id="IT request weighed against the enterprise plan",
    ),
]

# Imports hand raw text to the model; clean() must leave it to the field's message, not crash.
UNREADABLE_VALUES = [
    pytest.param(initiative(start_date="next spring"), "start_date", "invalid date format", id="initiative start"),
    pytest.param(initiative(percent_complete="half"), "percent_complete", "must be an integer", id="initiative %"),
    pytest.param(status_update(as_of="today"), "as_of", "invalid date format", id="update as-of"),
    pytest.param(
        lambda: MilestoneFactory.build(initiative=InitiativeFactory(), done_on="yesterday"),
        "done_on",
        "invalid date format",
        id="milestone done on",
    ),
    pytest.param(
        lambda: InitiativeFactory.build(plan=PlanFactory(), theme_id=999_999),
        "theme",
        "not a valid choice",
        id="theme that does not exist",
    ),
    pytest.param(score(pillar_id=999_999), "pillar", "not a valid choice", id="alignment pillar that does not exist"),
]


@pytest.mark.parametrize("build, field, fragment", VALIDATION_RULES + UNREADABLE_VALUES)
def test_validation_names_the_field_and_stores_nothing(build, field, fragment):
    assert_refused(build(), field, fragment)


DATABASE_RULES = [
    pytest.param(initiative(percent_complete=101), ("initiative_percent_0_100",), id="initiative % <= 100"),
    pytest.param(status_update(percent_complete=101), ("update_percent_0_100",), id="update % <= 100"),
    pytest.param(
        duplicate_initiative,
        ("initiative_unique_code", "initiatives_initiative.plan_id, initiatives_initiative.code"),
        id="initiative code unique per plan",
    ),
    pytest.param(
        initiative(start_date=JULY_1, target_date=JULY_1),
        ("initiative_target_after_start",),
        id="target date after start date",
    ),
    pytest.param(
        initiative(status="completed", percent_complete=90),
        ("initiative_completed_is_100",),
        id="completed initiative is 100%",
    ),
    pytest.param(
        initiative(budget_estimate=Decimal("-1")),
        ("initiative_budget_estimate_non_negative",),
        id="budget estimate >= 0",
    ),
    pytest.param(
        initiative(budget_actual=Decimal("-1")), ("initiative_budget_actual_non_negative",), id="budget actual >= 0"
    ),
    pytest.param(score(score=4), ("alignment_score_0_3",), id="alignment score <= 3"),
    pytest.param(score("both"), ("alignment_scores_one_criterion",), id="alignment: pillar or driver, not both"),
    pytest.param(score(None), ("alignment_scores_one_criterion",), id="alignment: one criterion"),
    pytest.param(
        duplicate_score("pillar"),
        ("alignment_unique_pillar", "initiatives_alignmentscore.initiative_id, initiatives_alignmentscore.pillar_id"),
        id="alignment: one score per pillar",
    ),
    pytest.param(
        duplicate_score("driver"),
        ("alignment_unique_driver", "initiatives_alignmentscore.initiative_id, initiatives_alignmentscore.driver_id"),
        id="alignment: one score per driver",
    ),
    pytest.param(it_request(amount=Decimal("-1")), ("itrequest_amount_non_negative",), id="IT request amount >= 0"),
    pytest.param(exception_request(reason=""), ("itrequest_exception_has_reason",), id="CIO exception needs a reason"),
]


@pytest.mark.parametrize("build, names", DATABASE_RULES)
def test_database_refuses_a_row_that_skips_validation(build, names):
    assert_database_refuses(build(), *names)


VALID_ROWS = [
    pytest.param(initiative(status="completed", percent_complete=100, completed_date=JULY_1), id="completed at 100%"),
    pytest.param(initiative(status="not_started", percent_complete=0), id="not started at 0%"),
    pytest.param(initiative(start_date=JULY_1, target_date=None), id="no target date yet"),
    pytest.param(initiative(budget_estimate=Decimal("0"), budget_actual=Decimal("0")), id="zero budget"),
    pytest.param(
        lambda: StatusUpdateFactory.build(initiative=InitiativeFactory(), as_of=timezone.localdate()),
        id="update as of today",
    ),
    pytest.param(
        lambda: MilestoneFactory.build(initiative=InitiativeFactory(), done_on=timezone.localdate()),
        id="milestone done today",
    ),
    pytest.param(score("pillar", score=0), id="score 0 for a pillar"),
    pytest.param(score("driver", score=3), id="score 3 for a driver"),
    pytest.param(it_request(amount=Decimal("0"), fiscal_year=2000), id="request of $0 in FY2000"),
    pytest.param(exception_request(reason="Emergency 911 repair"), id="CIO exception with a reason"),
]


@pytest.mark.parametrize("build", VALID_ROWS)
def test_a_row_on_the_edge_of_each_rule_is_accepted(build):
    row = build()
    save_audited(row)
    assert type(row).objects.filter(pk=row.pk).exists()


# --- Status updates are a permanent record. -----------------------------------------------


def test_an_existing_status_update_cannot_be_changed():
    update = StatusUpdateFactory(narrative="Vendor selected", percent_complete=25)
    update.narrative = "Rewritten history"
    with pytest.raises(ValidationError, match="permanent record and cannot be changed"):
        update.save()
    stored = StatusUpdate.objects.get(pk=update.pk)
    assert (stored.narrative, stored.percent_complete) == ("Vendor selected", 25)


def test_a_status_update_cannot_be_deleted():
    update = StatusUpdateFactory()
    with pytest.raises(ValidationError, match="permanent record and cannot be deleted"):
        update.delete()
    assert StatusUpdate.objects.filter(pk=update.pk).exists()


def test_a_bulk_delete_or_update_cannot_touch_status_updates():
    update = StatusUpdateFactory(percent_complete=25)
    with pytest.raises(ValidationError):
        StatusUpdate.objects.filter(pk=update.pk).delete()
    with pytest.raises(ValidationError):
        StatusUpdate.objects.filter(pk=update.pk).update(percent_complete=90)
    assert StatusUpdate.objects.get(pk=update.pk).percent_complete == 25


def test_deleting_an_initiative_still_removes_its_updates():
    update = StatusUpdateFactory()
    update.initiative.delete()
    assert not StatusUpdate.objects.exists()


def test_a_milestone_and_an_initiative_bump_their_version_on_every_save():
    milestone = MilestoneFactory()
    milestone.done_on = datetime.date(2023, 12, 1)
    milestone.save(update_fields=["done_on"])
    milestone.initiative.save()
    milestone.refresh_from_db()
    milestone.initiative.refresh_from_db()
    assert (milestone.version, milestone.initiative.version) == (2, 2)
