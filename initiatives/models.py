"""Initiatives and what hangs off them: status updates, milestones, alignment scores; IT requests."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from goals.models import (
    NOT_AUDITED,
    REPORT_FIELDS,
    BusinessDriver,
    Department,
    Objective,
    Pillar,
    Plan,
    ProgressCache,
    ReportingCache,
    Term,
    Theme,
    TrackedModel,
    code_validator,
    duplicate_error,
    non_negative,
    readable,
    related,
)
from planboard.core.choices import InitiativeStatus
from planboard.core.progress import NEVER_STALE_STATUSES

percent_validators = [
    MinValueValidator(0, "Percent complete must be between 0 and 100."),
    MaxValueValidator(100, "Percent complete must be between 0 and 100."),
]


def check_status_and_percent(status: str, percent_complete: int | None) -> dict[str, str]:
    """The rule shared by initiatives and status updates: completed means 100%, not started 0%."""
    if not isinstance(percent_complete, int):
        return {}  # missing or unreadable: the field itself reports it
    if status == InitiativeStatus.COMPLETED and percent_complete != 100:
        return {"percent_complete": "A completed initiative is 100% complete."}
    if status == InitiativeStatus.NOT_STARTED and percent_complete:
        return {"status": "An initiative that has made progress has started; choose another status."}
    return {}


class Initiative(TrackedModel, ProgressCache, ReportingCache):
    # Plan data (planboard.core.changes): the lookup from a row to its plan's id.
    plan_path = "plan_id"
    # Links that stay inside the plan (the services refuse others); `aligned_to` may cross plans.
    plan_links = ("supports",)
    # No index of its own: the unique (plan, code) and the dashboard's (plan, …) indexes all lead with it.
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="initiatives", db_index=False)
    code = models.CharField(max_length=20, validators=[code_validator])
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    theme = models.ForeignKey(Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="initiatives")
    term = models.CharField(max_length=8, choices=Term.choices, default=Term.SHORT)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="initiatives"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_initiatives"
    )
    status = models.CharField(max_length=16, choices=InitiativeStatus.choices, default=InitiativeStatus.NOT_STARTED)
    percent_complete = models.PositiveSmallIntegerField(default=0, validators=percent_validators)
    start_date = models.DateField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    completed_date = models.DateField(null=True, blank=True)
    budget_estimate = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[non_negative]
    )
    budget_actual = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[non_negative]
    )
    update_cadence_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1, "Must be at least one day.")],
        help_text="Days between expected status updates; empty uses the plan's cadence.",
    )
    last_update_on = models.DateField(null=True, blank=True, editable=False)
    supports = models.ManyToManyField(Objective, blank=True, related_name="initiatives")
    aligned_to = models.ManyToManyField(
        Objective,
        blank=True,
        related_name="aligned_initiatives",
        help_text="For a department plan's initiative: the objectives it serves, in the enterprise plan "
        "(direct) or in its own department plan (indirect).",
    )
    priority_score = models.FloatField(null=True, blank=True, editable=False)
    priority_rank = models.PositiveIntegerField(null=True, blank=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=[*NOT_AUDITED, *REPORT_FIELDS, "priority_score", "priority_rank"],
        m2m_fields=[supports, aligned_to],
    )

    class Meta:
        ordering = ["plan", "code"]
        # The plan dashboard (initiatives.selectors): its lists are ORDER BY … LIMIT walks of these in
        # their own order (the stalest open initiatives, those due soonest, the latest completed),
        # and its counts index-only scans (by health; stale, whose rule reads the dates and cadence
        # carried at the end of the first). The first's predicate is the stale rule's "never stale"
        # statuses, sorted as initiatives.selectors.NEVER_STALE spells them. None holds a figure
        # but `health`, so most recalculation writes leave them alone.
        indexes = [
            models.Index(
                F("plan"),
                Coalesce("last_update_on", "start_date"),
                F("code"),
                F("last_update_on"),
                F("start_date"),
                F("update_cadence_days"),
                name="initiative_plan_stale_order",
                condition=~Q(status__in=sorted(NEVER_STALE_STATUSES)),
            ),
            models.Index(fields=["plan", "target_date", "code"], name="initiative_plan_target_date"),
            models.Index(
                fields=["plan", "-completed_date", "-last_update_on", "code"],
                name="initiative_plan_completed",
                condition=Q(status=InitiativeStatus.COMPLETED),
            ),
            models.Index(fields=["plan", "health"], name="initiative_plan_health"),
            # The reporting filters and the tracker: due or late items of a plan.
            models.Index(fields=["plan", "report_state"], name="initiative_plan_report_state"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="initiative_unique_code",
                violation_error_message="This plan already has an initiative with that code.",
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0, percent_complete__lte=100),
                name="initiative_percent_0_100",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(target_date__isnull=True) | Q(target_date__gt=F("start_date")),
                name="initiative_target_after_start",
                violation_error_message="The target date must come after the start date.",
            ),
            models.CheckConstraint(
                condition=Q(budget_estimate__isnull=True) | Q(budget_estimate__gte=0),
                name="initiative_budget_estimate_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(budget_actual__isnull=True) | Q(budget_actual__gte=0),
                name="initiative_budget_actual_non_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(percent_complete=100),
                name="initiative_completed_is_100",
                violation_error_message="A completed initiative is 100% complete.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        errors = check_status_and_percent(self.status, self.percent_complete)
        errors |= duplicate_error(
            self,
            "code",
            f"This plan already has an initiative coded {self.code}; choose another code.",
            plan_id=self.plan_id,
            code=self.code,
        )
        if readable(datetime.date, self.start_date, self.target_date) and self.target_date <= self.start_date:
            errors["target_date"] = "The target date must come after the start date."
        if self.completed_date and self.status != InitiativeStatus.COMPLETED:
            errors["completed_date"] = "Only a completed initiative has a completion date."
        theme = related(self, "theme")
        if theme is not None and self.plan_id and theme.plan_id != self.plan_id:
            errors["theme"] = "The theme must belong to the initiative's plan."
        if errors:
            raise ValidationError(errors)

    @property
    def cadence_days(self) -> int:
        return self.update_cadence_days or self.plan.update_cadence_days

    @property
    def is_counted(self) -> bool:
        """Cancelled and on-hold initiatives are shown but left out of roll-ups."""
        return self.status not in (InitiativeStatus.CANCELLED, InitiativeStatus.ON_HOLD)


class StatusUpdateQuerySet(models.QuerySet):
    """Refuses bulk changes too, so no path (admin action, shell, import) rewrites the record.

    Deleting an initiative still removes its updates: Django's cascade does not go through here.
    """

    def update(self, **kwargs):
        raise ValidationError("Status updates are a permanent record and cannot be changed; post a new one.")

    def delete(self):
        raise ValidationError("Status updates are a permanent record and cannot be deleted.")


class StatusUpdate(models.Model):
    """An owner's report on an initiative at a date. Append-only: never edited, never deleted."""

    # Plan data (planboard.core.changes): the lookup from a row to its plan's id.
    plan_path = "initiative__plan_id"
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="updates")
    as_of = models.DateField()
    status = models.CharField(max_length=16, choices=InitiativeStatus.choices)
    percent_complete = models.PositiveSmallIntegerField(validators=percent_validators)
    narrative = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="status_updates"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    period_ends_on = models.DateField(
        null=True,
        blank=True,
        help_text="Last day of the reporting period the update reports for (empty: none).",
    )

    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["initiative", "-as_of", "-created_at"]
        get_latest_by = ["as_of", "created_at"]
        indexes = [
            models.Index(fields=["initiative", "-as_of"], name="update_initiative_as_of"),
            # The recalculation's latest period reported for, per initiative.
            models.Index(fields=["initiative", "-period_ends_on"], name="update_initiative_period"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0, percent_complete__lte=100),
                name="update_percent_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative.code} as of {self.as_of}: {self.get_status_display()}, {self.percent_complete}%"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Status updates are a permanent record and cannot be changed; post a new one.")
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = check_status_and_percent(self.status, self.percent_complete)
        if readable(datetime.date, self.as_of) and self.as_of > timezone.localdate():
            errors["as_of"] = "An update cannot be dated in the future."
        if errors:
            raise ValidationError(errors)

    def delete(self, *args, **kwargs):
        raise ValidationError("Status updates are a permanent record and cannot be deleted.")


class Milestone(TrackedModel):
    # Plan data (planboard.core.changes): the lookup from a row to its plan's id.
    plan_path = "initiative__plan_id"
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    due = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["initiative", "due", "title"]
        # The dashboard's "due in the next 60 days": open milestones by due date.
        indexes = [models.Index(fields=["due"], name="milestone_open_due", condition=Q(done_on__isnull=True))]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if readable(datetime.date, self.done_on) and self.done_on > timezone.localdate():
            raise ValidationError({"done_on": "A milestone cannot be done on a future date."})


class AlignmentScore(TrackedModel):
    """How well an initiative serves one pillar or one business driver: 0 (not at all) to 3 (strongly)."""

    # Plan data (planboard.core.changes): the lookup from a row to its plan's id.
    plan_path = "initiative__plan_id"
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="alignment_scores")
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, null=True, blank=True, related_name="scores")
    driver = models.ForeignKey(BusinessDriver, on_delete=models.CASCADE, null=True, blank=True, related_name="scores")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0, "Scores run from 0 to 3."), MaxValueValidator(3, "Scores run from 0 to 3.")]
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=3), name="alignment_score_0_3"),
            models.CheckConstraint(
                condition=Q(pillar__isnull=False, driver__isnull=True) | Q(pillar__isnull=True, driver__isnull=False),
                name="alignment_scores_one_criterion",
                violation_error_message="A score is for one pillar or one business driver, not both.",
            ),
            models.UniqueConstraint(fields=["initiative", "pillar"], name="alignment_unique_pillar"),
            models.UniqueConstraint(fields=["initiative", "driver"], name="alignment_unique_driver"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative.code} → {self.pillar or self.driver}: {self.score}"

    def clean(self) -> None:
        if self.pillar_id and self.driver_id:
            raise ValidationError({"driver": "A score is for one pillar or one business driver, not both; clear one."})
        if not self.pillar_id and not self.driver_id:
            raise ValidationError({"pillar": "Choose the pillar or the business driver this score is for."})
        field, label = ("pillar", "pillar") if self.pillar_id else ("driver", "business driver")
        criterion, initiative = related(self, field), related(self, "initiative")
        if criterion is None or initiative is None:
            return  # a row that does not exist: the field itself reports it
        if criterion.plan_id != initiative.plan_id:
            raise ValidationError({field: f"The {label} must belong to the initiative's plan."})
        errors = duplicate_error(
            self,
            field,
            f"This initiative already has a score for this {label}; change that score instead.",
            initiative_id=self.initiative_id,
            **{f"{field}_id": getattr(self, f"{field}_id")},
        )
        if errors:
            raise ValidationError(errors)


class ITRequest(TrackedModel):
    """A department's request to spend on IT: the spend gate of the Phoenix plan."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="it_requests")
    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        related_name="it_requests",
        limit_choices_to={"scope": "enterprise"},
        help_text="The enterprise plan the request is weighed against.",
    )
    title = models.CharField(max_length=200)
    justification = models.TextField(blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[non_negative])
    fiscal_year = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(2000, "Must be 2000 or later."),
            MaxValueValidator(2100, "Must be 2100 or earlier."),
        ]
    )
    objectives = models.ManyToManyField(Objective, blank=True, related_name="it_requests")
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="it_requests"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    exception_reason = models.TextField(
        blank=True, help_text="The CIO's reason for approving a request that is not tied to the plan."
    )
    exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    exception_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[objectives])

    class Meta:
        ordering = ["-fiscal_year", "department", "title"]
        verbose_name = "IT request"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="itrequest_amount_non_negative"),
            models.CheckConstraint(
                condition=Q(exception_by__isnull=True) | ~Q(exception_reason=""),
                name="itrequest_exception_has_reason",
                violation_error_message="A CIO exception needs a reason.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.department}, FY{self.fiscal_year})"

    def clean(self) -> None:
        errors = {}
        if self.exception_by_id and not (self.exception_reason or "").strip():
            errors["exception_reason"] = "A CIO exception needs a reason: why is it approved outside the plan?"
        plan = related(self, "plan")
        if plan is not None and plan.scope != Plan.Scope.ENTERPRISE:
            errors["plan"] = "An IT request is weighed against the enterprise plan; choose the enterprise plan."
        if errors:
            raise ValidationError(errors)

    @property
    def has_exception(self) -> bool:
        return self.exception_by_id is not None
