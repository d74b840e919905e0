"""The plan itself: departments, plans, pillars, drivers, themes, goals, objectives, metrics.

Rules live in the database where a constraint can hold them, and in field validators or
`clean()` so that forms, serializers and imports report them against the field at fault.
One module per part of the plan (base, departments, plans, goals, metrics); everything is
importable from `goals.models`, as Django expects. The shared choices live in
planboard.core.choices and are re-exported here for the models' users.
"""

from goals.models.base import (
    NOT_AUDITED,
    PROGRESS_FIELDS,
    REPORT_FIELDS,
    ProgressCache,
    ReportingCache,
    TrackedModel,
    code_validator,
    duplicate_error,
    non_negative,
    readable,
    related,
)
from goals.models.departments import Department, DepartmentMembership
from goals.models.goals import Goal, Objective
from goals.models.metrics import Metric, MetricReading
from goals.models.periods import ReportingPeriod
from goals.models.plans import BusinessDriver, Pillar, Plan, PlanChange, PlanPart, Theme
from planboard.core.choices import Direction, Frequency, Health, MembershipRole, PlanScope, Term

__all__ = [
    "NOT_AUDITED",
    "PROGRESS_FIELDS",
    "REPORT_FIELDS",
    "BusinessDriver",
    "Department",
    "DepartmentMembership",
    "Direction",
    "Frequency",
    "Goal",
    "Health",
    "MembershipRole",
    "Metric",
    "MetricReading",
    "Objective",
    "Pillar",
    "Plan",
    "PlanChange",
    "PlanPart",
    "PlanScope",
    "ProgressCache",
    "ReportingCache",
    "ReportingPeriod",
    "Term",
    "Theme",
    "TrackedModel",
    "code_validator",
    "duplicate_error",
    "non_negative",
    "readable",
    "related",
]
