"""Report cards, plan exports written in the background, and the daily progress snapshots behind trend charts."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from goals.models import Health, Plan


class ReportCard(models.Model):
    """The CIO's annual report card for one plan and fiscal year; a final one is never changed."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="report_cards")
    fiscal_year = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(2000, "Must be 2000 or later."),
            MaxValueValidator(2100, "Must be 2100 or earlier."),
        ]
    )
    revision = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    data = models.JSONField(null=True, blank=True, editable=False, help_text="The figures the report was drawn from.")
    pdf = models.FileField(upload_to="report-cards/", blank=True)
    summary = models.TextField(blank=True, help_text="The CIO's summary.")
    recommendations = models.TextField(blank=True, help_text="Recommendations for adjustment.")
    is_final = models.BooleanField(default=False)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    generated_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["data"])

    class Meta:
        ordering = ["plan", "-fiscal_year", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "fiscal_year", "revision"],
                name="reportcard_unique_revision",
                violation_error_message="That revision of the report card already exists.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} FY{self.fiscal_year} report card (rev. {self.revision})"


class PlanExport(models.Model):
    """A plan's export document written in the background (reports.export_jobs) for one person, kept
    for download until `expires_at`. At most one queued or running export per plan and person."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"  # done once; its file was deleted when it expired

    WORKING = (State.QUEUED, State.RUNNING)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    file = models.FileField(upload_to="plan-exports/", max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True, help_text="The document's size in bytes.")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="When the file is deleted.")
    error = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # Two clicks (or a client retrying) never start two exports of one plan for one person.
            models.UniqueConstraint(
                fields=["plan", "requested_by"],
                condition=Q(state__in=["queued", "running"]),
                name="planexport_one_working_per_plan_and_person",
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "requested_by", "state"], name="planexport_plan_person_state"),
            models.Index(fields=["state", "expires_at"], name="planexport_state_expiry"),
        ]

    def __str__(self) -> str:
        return f"Export {self.pk} of {self.plan} ({self.get_state_display().lower()})"


class ProgressSnapshot(models.Model):
    """One node's figures on one day. Taking a snapshot twice in a day replaces the first."""

    # Plan data (planboard.core.changes): the lookup from a row to its plan's id.
    plan_path = "plan_id"

    class Node(models.TextChoices):
        PLAN = "plan", "Plan"
        GOAL = "goal", "Goal"
        OBJECTIVE = "objective", "Objective"
        METRIC = "metric", "Metric"
        INITIATIVE = "initiative", "Initiative"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="snapshots")
    node_type = models.CharField(max_length=12, choices=Node.choices)
    node_id = models.BigIntegerField()
    taken_on = models.DateField()
    progress = models.FloatField(null=True, blank=True)
    pace = models.FloatField(null=True, blank=True)
    health = models.CharField(max_length=16, choices=Health.choices, blank=True)
    stale_count = models.PositiveIntegerField(default=0)
    # Set on the snapshot of a closed reporting period (taken on its last day, reports.cycle.services):
    # the figures as the period's updates and readings gave them when it was closed.
    period_ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["node_type", "node_id", "taken_on"]
        constraints = [
            models.UniqueConstraint(fields=["node_type", "node_id", "taken_on"], name="snapshot_one_per_node_per_day"),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=1), name="snapshot_progress_0_1"
            ),
        ]
        indexes = [models.Index(fields=["plan", "taken_on"], name="snapshot_plan_day")]

    def __str__(self) -> str:
        return f"{self.get_node_type_display()} {self.node_id} on {self.taken_on}"
