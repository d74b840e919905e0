"""What every model of the plan shares: the version that guards against lost updates, the
progress figures the engine caches, and the helpers `clean()` methods use to name the field at fault."""

from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from planboard.core.choices import Health

# Written only by the progress engine; left out of audit history, which records what people changed.
PROGRESS_FIELDS = ["progress", "pace", "health", "computed_at"]
NOT_AUDITED = [*PROGRESS_FIELDS, "updated_at"]
# The reporting figures of initiatives and metrics (ReportingCache), also written only by the engine.
REPORT_FIELDS = ["report_due_on", "reported_through", "report_state"]

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


class ReportingCache(models.Model):
    """Reporting figures cached by planboard.core.progress (`plan_reporting`): the due date of the
    period the item owes now, the last day of the latest period it reported for, and its state."""

    class ReportState(models.TextChoices):
        REPORTED = "reported", "Reported"
        DUE = "due", "Due"
        LATE = "late", "Late"

    report_due_on = models.DateField(null=True, blank=True, editable=False)
    reported_through = models.DateField(null=True, blank=True, editable=False)
    report_state = models.CharField(max_length=10, choices=ReportState.choices, blank=True, editable=False)

    class Meta:
        abstract = True
