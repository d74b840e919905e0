"""The closed-period rule every write path shares: an update reporting for a closed period, or a
reading within one, is refused (PeriodClosed, naming the field) unless the CIO (an administrator)
gives a correction reason, which then goes into the audit entry. Closing itself is
reports.cycle.services.period_close."""

import datetime

from goals.models import ReportingPeriod
from planboard.core import permissions
from planboard.core.exceptions import PeriodClosed


def closed_period(*, plan_id: int, day: datetime.date) -> ReportingPeriod | None:
    """The plan's closed period that `day` falls in, or None (one query)."""
    return ReportingPeriod.objects.filter(plan_id=plan_id, starts_on__lte=day, ends_on__gte=day).first()


def closed_ends_by_plan(plan_ids) -> dict[int, set[datetime.date]]:
    """The last days of the closed periods of several plans, in one query (for batches)."""
    result: dict[int, set[datetime.date]] = {pk: set() for pk in plan_ids}
    for plan_id, ends_on in ReportingPeriod.objects.filter(plan_id__in=result).values_list("plan_id", "ends_on"):
        result[plan_id].add(ends_on)
    return result


def closed_periods_by_plan(plan_ids) -> dict[int, list[ReportingPeriod]]:
    """The closed periods of several plans, in one query (for imports, which check days)."""
    result: dict[int, list[ReportingPeriod]] = {pk: [] for pk in plan_ids}
    for period in ReportingPeriod.objects.filter(plan_id__in=result).order_by("ends_on"):
        result[period.plan_id].append(period)
    return result


def closed_containing(periods: list[ReportingPeriod], day: datetime.date) -> ReportingPeriod | None:
    """The one of `periods` that `day` falls in, or None."""
    return next((p for p in periods if p.starts_on <= day <= p.ends_on), None)


def closed_refusal(closed: ReportingPeriod, *, what: str) -> str:
    return (
        f"The reporting period {closed.key} ({closed.starts_on:%Y-%m-%d} to {closed.ends_on:%Y-%m-%d}) is closed: "
        f"{what} can no longer be changed. Only the CIO may correct it, giving a reason."
    )


def closed_period_allow(*, closed: ReportingPeriod | None, actor, correction_reason: str, field: str, what: str) -> str:
    """ "" when the period is open; the audit reason of a CIO correction of a closed one; otherwise
    PeriodClosed against `field`. A correction reason from anyone but the CIO is refused too."""
    if closed is None:
        return ""
    reason = (correction_reason or "").strip()
    if not reason or not permissions.actor(actor).is_admin:
        raise PeriodClosed(closed_refusal(closed, what=what), field=field)
    return f"Correction of closed period {closed.key}: {reason}"
