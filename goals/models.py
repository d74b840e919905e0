"""The plan itself: departments, plans, pillars, drivers, themes, goals, objectives, metrics.

Rules live in the database where a constraint can hold them, and in field validators or
`clean()` so that forms, serializers and imports report them against the field at fault.
"""

import datetime
import numbers
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from planboard.core.choices import Direction, Frequency, Health, MembershipRole, PlanScope, Term
from planboard.core.fiscal import fiscal_year_end, fiscal_year_start

# Written only by the progress engine; left out of audit history, which records what people changed.
PROGRESS_FIELDS = ["progress", "pace", "health", "computed_at"]
NOT_AUDITED = [*PROGRESS_FIELDS, "updated_at"]

non_negative = MinValueValidator(Decimal("0"), "Must be zero or more.")
code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9.\-]*$", "Use letters, digits, dots and dashes only, for example 2.3 or PD-1."
)


def readable(kind: type | tuple[type, ...], *values) -> bool:
    """True when every value was read as `kind`: clean() runs even after a field refused its input."""
    return all(isinstance(value, kind) for value in values)


def related(instance: models.Model, name: str):
    """The row `instance.<name>` points to, or None when unset or missing (the field reports that)."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def duplicate_error(instance: models.Model, field: str, message: str, **same) -> dict[str, str]:
    """`{field: message}` when another row already has the values in `same`, else nothing.

    The unique constraints remain the final guard, but on their own they report a clash as a
    form-wide error; this check puts it against the field the person typed.
    """
    if any(value in (None, "") for value in same.values()):
        return {}
    try:
        others = type(instance)._default_manager.filter(**same)
        if instance.pk is not None:
            others = others.exclude(pk=instance.pk)
        return {field: message} if others.exists() else {}
    except (TypeError, ValueError, ValidationError):
        # A value its own field refuses (clean() runs even then) is already reported there.
        return {}


class TrackedModel(models.Model):
    """Creation and change times, plus the `version` that guards against lost updates."""

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Every saved change bumps the version, whichever path made it (service, admin, import).
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version", "updated_at"}
        super().save(*args, **kwargs)


class ProgressCache(models.Model):
    """Figures cached by planboard.core.progress; pages and the API read them, never compute them."""

    progress = models.FloatField(null=True, blank=True, editable=False)
    pace = models.FloatField(null=True, blank=True, editable=False)
    health = models.CharField(max_length=16, choices=Health.choices, blank=True, editable=False)
    computed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class Department(TrackedModel):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    is_active = models.BooleanField(default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="DepartmentMembership", related_name="departments", blank=True
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DepartmentMembership(models.Model):
    Role = MembershipRole

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["department", "user"], name="membership_unique_user")]

    def __str__(self) -> str:
        return f"{self.user} in {self.department} ({self.get_role_display()})"

    def clean(self) -> None:
        errors = duplicate_error(
            self,
            "user",
            "This person is already a member of the department; change their role instead.",
            department_id=self.department_id,
            user_id=self.user_id,
        )
        if errors:
            raise ValidationError(errors)


class Plan(TrackedModel, ProgressCache):
    Scope = PlanScope

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.ENTERPRISE)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        help_text="The department that owns a department IT plan; empty for the enterprise plan.",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="department_plans",
        limit_choices_to={"scope": "enterprise"},
        help_text="The enterprise plan a department plan aligns to.",
    )
    vision = models.TextField(blank=True)
    mission = models.TextField(blank=True)
    start_fiscal_year = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(2000, "Must be 2000 or later."),
            MaxValueValidator(2100, "Must be 2100 or earlier."),
        ]
    )
    end_fiscal_year = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(2000, "Must be 2000 or later."),
            MaxValueValidator(2100, "Must be 2100 or earlier."),
        ]
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        default=7,
        validators=[
            MinValueValidator(1, "Must be a month, 1 to 12."),
            MaxValueValidator(12, "Must be a month, 1 to 12."),
        ],
        help_text="Month the fiscal year begins (7 = July).",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    is_published = models.BooleanField(default=False, help_text="Published plans can be read by the public.")
    is_sample = models.BooleanField(default=False, help_text="Sample data: parts are illustrative, not adopted text.")
    metric_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[
            MinValueValidator(Decimal("0"), "Must be between 0 and 1."),
            MaxValueValidator(Decimal("1"), "Must be between 0 and 1."),
        ],
        help_text="Share of an objective's progress that comes from its metrics (the rest from initiatives).",
    )
    update_cadence_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1, "Must be at least one day.")],
        help_text="An initiative with no status update for this many days is stale.",
    )
    needs_recalculation = models.BooleanField(
        default=False, editable=False, help_text="Set when plan data changed after the figures were last computed."
    )

    history = HistoricalRecords(excluded_fields=[*NOT_AUDITED, "needs_recalculation"])

    class Meta:
        ordering = ["-start_fiscal_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_fiscal_year__gte=F("start_fiscal_year")),
                name="plan_fiscal_years_in_order",
                violation_error_message="The last fiscal year cannot come before the first.",
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year_start_month__gte=1, fiscal_year_start_month__lte=12),
                name="plan_fiscal_month_valid",
            ),
            models.CheckConstraint(condition=Q(metric_share__gte=0, metric_share__lte=1), name="plan_metric_share_0_1"),
            models.CheckConstraint(
                condition=Q(scope="enterprise", department__isnull=True, parent__isnull=True)
                | Q(scope="department", department__isnull=False),
                name="plan_scope_matches_department",
                violation_error_message="A department plan needs a department; the enterprise plan has none.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        # clean() runs even when a field could not read its value; that field reports it, so
        # each rule here compares only values that were read.
        years = (self.start_fiscal_year, self.end_fiscal_year)
        if readable(int, *years) and self.end_fiscal_year < self.start_fiscal_year:
            errors["end_fiscal_year"] = "The last fiscal year cannot come before the first."
        if self.scope == self.Scope.DEPARTMENT and not self.department_id:
            errors["department"] = "A department plan needs a department."
        if self.scope == self.Scope.ENTERPRISE and self.department_id:
            errors["department"] = "The enterprise plan belongs to no single department; leave this empty."
        if self.scope == self.Scope.ENTERPRISE and self.parent_id:
            errors["parent"] = "Only a department plan aligns to a parent enterprise plan."
        parent = related(self, "parent")
        if parent is not None and parent.scope != self.Scope.ENTERPRISE:
            errors["parent"] = "The parent must be an enterprise plan."
        if errors:
            raise ValidationError(errors)

    @property
    def starts_on(self):
        return fiscal_year_start(self.start_fiscal_year, self.fiscal_year_start_month)

    @property
    def ends_on(self):
        return fiscal_year_end(self.end_fiscal_year, self.fiscal_year_start_month)

    @property
    def fiscal_years(self) -> range:
        return range(self.start_fiscal_year, self.end_fiscal_year + 1)


class PlanPart(TrackedModel):
    """Something that belongs directly to one plan and is ordered within it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["plan", "order", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = self.rule_errors()
        if errors:
            raise ValidationError(errors)

    def rule_errors(self) -> dict[str, str]:
        """What is wrong with this part, by field; subclasses add their own rules."""
        return duplicate_error(
            self,
            "name",
            f"This plan already has a {self._meta.verbose_name} named “{self.name}”; choose another name.",
            plan_id=self.plan_id,
            name=self.name,
        )


class Pillar(PlanPart):
    """A guiding principle (Aurora: One IT, Customer Experience, Agility / Smart Sourcing)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="pillars")
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("1"), validators=[non_negative])

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta(PlanPart.Meta):
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="pillar_unique_name"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="pillar_weight_non_negative"),
        ]


class BusinessDriver(PlanPart):
    """A business driver that guides decisions (Aurora: "Maintain highly secure technology environment")."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="drivers")
    pillar = models.ForeignKey(Pillar, on_delete=models.SET_NULL, null=True, blank=True, related_name="drivers")
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("1"), validators=[non_negative])

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta(PlanPart.Meta):
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="driver_unique_name"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="driver_weight_non_negative"),
        ]

    def rule_errors(self) -> dict[str, str]:
        errors = super().rule_errors()
        pillar = related(self, "pillar")
        if pillar is not None and self.plan_id and pillar.plan_id != self.plan_id:
            errors["pillar"] = "The pillar must belong to the same plan as the business driver."
        return errors


class Theme(PlanPart):
    """A thematic category (Aurora: Infrastructure, Innovation Projects, Governance & Security, IT Management)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta(PlanPart.Meta):
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="theme_unique_name")]


class Goal(TrackedModel, ProgressCache):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1, "Goal numbers start at 1.")])
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("1"), validators=[non_negative])

    history = HistoricalRecords(excluded_fields=NOT_AUDITED)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="goal_unique_number",
                violation_error_message="This plan already has a goal with that number.",
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="goal_weight_non_negative"),
            models.CheckConstraint(condition=Q(number__gte=1), name="goal_number_positive"),
        ]

    def __str__(self) -> str:
        return f"Goal {self.number}: {self.title}"

    def clean(self) -> None:
        errors = duplicate_error(
            self,
            "number",
            f"This plan already has a goal numbered {self.number}; choose another number.",
            plan_id=self.plan_id,
            number=self.number,
        )
        if errors:
            raise ValidationError(errors)


class Objective(TrackedModel, ProgressCache):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(max_length=20, validators=[code_validator], help_text="For example 2.3")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    term = models.CharField(max_length=8, choices=Term.choices, default=Term.SHORT)
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("1"), validators=[non_negative])
    aligned_to = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="aligned_from",
        help_text="For a department plan's objective: the objectives it serves, in the enterprise plan "
        "(direct) or in its own department plan (indirect, through that objective's links).",
    )

    history = HistoricalRecords(excluded_fields=NOT_AUDITED, m2m_fields=[aligned_to])

    class Meta:
        ordering = ["goal__plan", "goal__number", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "code"],
                name="objective_unique_code",
                violation_error_message="This goal already has an objective with that code.",
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="objective_weight_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        errors = duplicate_error(
            self,
            "code",
            f"This goal already has an objective coded {self.code}; choose another code.",
            goal_id=self.goal_id,
            code=self.code,
        )
        if errors:
            raise ValidationError(errors)

    @property
    def plan(self) -> Plan:
        return self.goal.plan


class Metric(TrackedModel, ProgressCache):
    Direction = Direction
    Frequency = Frequency

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=40, help_text="For example %, days, count, $")
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.UP)
    baseline = models.DecimalField(max_digits=16, decimal_places=4)
    baseline_date = models.DateField()
    target = models.DecimalField(max_digits=16, decimal_places=4)
    target_date = models.DateField()
    frequency = models.CharField(max_length=12, choices=Frequency.choices, default=Frequency.QUARTERLY)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_metrics"
    )

    history = HistoricalRecords(excluded_fields=NOT_AUDITED)

    class Meta:
        ordering = ["objective", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(baseline=F("target")),
                name="metric_target_differs_from_baseline",
                violation_error_message="The target must differ from the baseline.",
            ),
            models.CheckConstraint(
                condition=Q(target_date__gt=F("baseline_date")),
                name="metric_target_after_baseline",
                violation_error_message="The target date must come after the baseline date.",
            ),
            models.CheckConstraint(
                condition=Q(direction="up", target__gt=F("baseline")) | Q(direction="down", target__lt=F("baseline")),
                name="metric_direction_matches_target",
                violation_error_message="The target must lie in the metric's direction from the baseline.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if readable(numbers.Number, self.baseline, self.target):
            if self.baseline == self.target:
                errors["target"] = "The target must differ from the baseline, or there is nothing to measure."
            elif self.direction == self.Direction.UP and self.target < self.baseline:
                errors["target"] = "Higher is better, so the target must be above the baseline."
            elif self.direction == self.Direction.DOWN and self.target > self.baseline:
                errors["target"] = "Lower is better, so the target must be below the baseline."
        if readable(datetime.date, self.baseline_date, self.target_date) and self.target_date <= self.baseline_date:
            errors["target_date"] = "The target date must come after the baseline date."
        if errors:
            raise ValidationError(errors)


class MetricReading(TrackedModel):
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="readings")
    period_end = models.DateField(help_text="Last day of the period the reading covers.")
    value = models.DecimalField(max_digits=16, decimal_places=4)
    note = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="metric_readings"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["metric", "period_end"]
        get_latest_by = "period_end"
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "period_end"],
                name="reading_unique_period",
                violation_error_message="This metric already has a reading for that period.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric}: {self.value} ({self.period_end})"

    def clean(self) -> None:
        if not isinstance(self.period_end, datetime.date):
            return  # missing or unreadable: the field itself reports it
        errors = duplicate_error(
            self,
            "period_end",
            f"This metric already has a reading for the period ending {self.period_end:%Y-%m-%d}; "
            "correct that reading instead of adding another.",
            metric_id=self.metric_id,
            period_end=self.period_end,
        )
        if errors:
            raise ValidationError(errors)
