"""The overdue rules of planboard.core.progress: target date passed and not completed."""

import datetime

import pytest

from planboard.core.choices import InitiativeStatus
from planboard.core.progress import is_overdue, milestone_is_overdue

TODAY = datetime.date(2026, 12, 1)
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.mark.parametrize(
    "status, target, overdue",
    [
        (InitiativeStatus.ON_TRACK, YESTERDAY, True),
        (InitiativeStatus.NOT_STARTED, YESTERDAY, True),
        (InitiativeStatus.AT_RISK, YESTERDAY, True),
        # On hold does not move the promised date: still overdue.
        (InitiativeStatus.ON_HOLD, YESTERDAY, True),
        (InitiativeStatus.COMPLETED, YESTERDAY, False),
        (InitiativeStatus.CANCELLED, YESTERDAY, False),
        # On its target date an initiative is due, not yet overdue.
        (InitiativeStatus.ON_TRACK, TODAY, False),
        (InitiativeStatus.ON_TRACK, None, False),
    ],
)
def test_overdue_is_target_passed_and_not_completed(status, target, overdue):
    assert is_overdue(status=status, target_date=target, today=TODAY) is overdue


def test_overdue_is_judged_as_of_the_date_given():
    # Target Jun 30, 2026: not overdue as of that day, overdue from Jul 1.
    target = datetime.date(2026, 6, 30)
    assert not is_overdue(status=InitiativeStatus.ON_TRACK, target_date=target, today=target)
    assert is_overdue(status=InitiativeStatus.ON_TRACK, target_date=target, today=target + datetime.timedelta(days=1))


@pytest.mark.parametrize(
    "due, done_on, overdue",
    [
        (YESTERDAY, None, True),
        (YESTERDAY, YESTERDAY, False),
        (YESTERDAY, TODAY, False),
        # Done only after the as-of date: it was still open then.
        (YESTERDAY, TODAY + datetime.timedelta(days=3), True),
        (TODAY, None, False),
    ],
)
def test_milestone_overdue_when_due_passed_and_not_done_by_then(due, done_on, overdue):
    assert milestone_is_overdue(due=due, done_on=done_on, today=TODAY) is overdue
