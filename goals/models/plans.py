"""Plans and the parts that hang off a plan beside its goals: pillars, business drivers, themes."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from simple_history.models import HistoricalRecords

from goals.models.base import NOT_AUDITED, ProgressCache, TrackedModel, duplicate_error, non_negative, readable, related
from goals.models.departments import Department
from planboard.core.choices import PlanScope
from planboard.core.fiscal import fiscal_year_end, fiscal_year_start
from planboard.core.periods import Period, ReportingCalendar


class Plan(TrackedModel, ProgressCache):
    Scope = PlanScope
    # Plan data (planboard.core.changes): the lookup from a row to its plan's id.
    plan_path = "id"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"

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

    reporting_cadence = models.CharField(
        max_length=12,
        choices=Cadence.choices,
        default=Cadence.QUARTERLY,
        help_text="How often owners report: one status update per initiative per period.",
    )
    reporting_due_days = models.PositiveSmallIntegerField(
        default=15,
        validators=[MaxValueValidator(366, "Must be at most 366 days.")],
        help_text="A period's updates are due this many days after the period ends.",
    )
    reporting_grace_days = models.PositiveSmallIntegerField(
        default=10,
        validators=[MaxValueValidator(366, "Must be at most 366 days.")],
        help_text="A period is closed automatically this many days after its due date.",
    )

    history = HistoricalRecords(excluded_fields=NOT_AUDITED)

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
                condition=Q(reporting_cadence__in=["monthly", "quarterly"]), name="plan_reporting_cadence_valid"
            ),
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
    def reporting_calendar(self) -> ReportingCalendar:
        """The plan's reporting periods (planboard.core.periods)."""
        return ReportingCalendar(self.reporting_cadence, self.fiscal_year_start_month, self.reporting_due_days)

    def reporting_period_owed(self, day) -> Period:
        """The period an update made on `day` reports for."""
        return self.reporting_calendar.owed_on(day)

    def reporting_period_containing(self, day) -> Period:
        return self.reporting_calendar.containing(day)

    def period_from_key(self, key: str) -> Period:
        """The plan's period named by `key` ("FY2027-Q2", "2026-11"); ValueError if it names none."""
        return self.reporting_calendar.from_key(key)

    @property
    def fiscal_years(self) -> range:
        return range(self.start_fiscal_year, self.end_fiscal_year + 1)

    @property
    def needs_recalculation(self) -> bool:
        """Whether plan data changed after the figures were last computed: a PlanChange is pending.
        Lists annotate it with `Plan.pending_changes()` (as `has_pending_changes`), one query for all."""
        if "has_pending_changes" in self.__dict__:
            return self.__dict__["has_pending_changes"]
        return PlanChange.objects.filter(plan_id=self.pk).exists()

    @staticmethod
    def pending_changes() -> Exists:
        """An expression for querysets of plans: true where a change awaits its recalculation."""
        return Exists(PlanChange.objects.filter(plan_id=OuterRef("pk")))


class PlanChange(models.Model):
    """A change to a plan's data that its cached figures do not include yet (the dirty mark).

    Every write to plan data inserts one row in its own transaction (goals.services.plan_mark_changed);
    a recalculation deletes the rows it has seen before it read the plan, in the transaction that
    stores the figures. Rows are only ever inserted and deleted, never updated, and the plan's row
    is not touched: marking a plan changed never waits for a lock, neither behind another editor
    nor behind a running recalculation, so it cannot take part in a deadlock. The foreign key has
    no database constraint for the same reason (a constraint makes each insert take a share lock
    on the plan's row); Django still deletes a plan's changes with the plan.
    """

    # Plan data (planboard.core.changes): the lookup from a row to its plan's id. The plans' list shows
    # whether changes are pending (`needs_recalculation`), so a change mark is plan data too.
    plan_path = "plan_id"
    id = models.BigAutoField(primary_key=True)
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, db_constraint=False, db_index=False, related_name="recalculation_changes"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["plan", "id"], name="plan_change_plan_id")]

    def __str__(self) -> str:
        return f"Change {self.pk} to plan {self.plan_id}"


class PlanPart(TrackedModel):
    """Something that belongs directly to one plan and is ordered within it."""

    # Plan data (planboard.core.changes): the lookup from a row to its plan's id.
    plan_path = "plan_id"
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
