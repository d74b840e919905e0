"""The vocabulary every layer shares: the choices stored in the database and read by the
progress method, the charts, the API and the pages. A leaf: it imports nothing of Planboard's,
so the method and the charts need no model to speak of health or status."""

from django.db import models


class Health(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETED = "completed", "Completed"


class Term(models.TextChoices):
    SHORT = "short", "Short term (first two fiscal years)"
    LONG = "long", "Long term (whole plan)"


class InitiativeStatus(models.TextChoices):
    """The status an owner reports. Computed health is shown beside it, never replaces it."""

    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Direction(models.TextChoices):
    UP = "up", "Higher is better"
    DOWN = "down", "Lower is better"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SEMIANNUAL = "semiannual", "Twice a year"
    ANNUAL = "annual", "Annually"


class PlanScope(models.TextChoices):
    ENTERPRISE = "enterprise", "Enterprise plan"
    DEPARTMENT = "department", "Department IT plan"


class MembershipRole(models.TextChoices):
    LIAISON = "liaison", "Department liaison"
    MEMBER = "member", "Member"
