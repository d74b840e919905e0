"""Importing a batch of status updates: check every row, then post them through the service.

The rows are posted by `initiatives.services.initiative_post_updates`, the batch form of the
service behind the browser's "Post an update": the same permission check, validation, audit
entry and recalculation, in a fixed number of queries per chunk of rows instead of per row.

A file carries no version: the service reads each initiative's current state under a lock
inside the import's transaction. That is safe because a status update is appended, never
overwrites anything.

A row that would reopen a completed initiative (the newest update for it, as the file's rows
before it leave it, with another status) is refused unless its "reopen_reason" column says why:
initiatives.services.reopen_check, the rule every path shares.

A row identical to an update already recorded (same initiative, date, status, percent and
narrative) is skipped, so importing a file twice, or re-importing an export, posts nothing twice.
A row repeated within the file, and not already recorded, is a duplicate row. Two different
updates for the same initiative and date are both posted: the record is append-only, and a
second update on a day is how an owner corrects the first.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from goals.services import closed_containing, closed_periods_by_plan, closed_refusal
from initiatives.models import Initiative, InitiativeStatus, StatusUpdate
from initiatives.services import UpdateSpec, initiative_post_updates, reopen_check
from planboard.core import permissions
from planboard.transfer.cells import RowCheck
from planboard.transfer.problems import ImportRefused, Problem
from planboard.transfer.read import Row

Progress = Callable[[int, int], None]


@dataclass
class UpdateRow:
    row: Row
    plan: str
    code: str
    as_of: object
    status: str | None
    percent: int | None
    narrative: str
    reopen_reason: str = ""
    initiative: Initiative | None = None
    update: StatusUpdate | None = None


def _read(rows: Iterable[Row], problems: list[Problem]) -> list[UpdateRow]:
    parsed = []
    for row in rows:
        check = RowCheck(row, problems)
        parsed.append(
            UpdateRow(
                row=row,
                plan=check.text("plan", required=True),
                code=check.text("initiative", required=True),
                as_of=check.date("as_of", required=True),
                status=check.choice("status", InitiativeStatus, required=True),
                percent=check.whole("percent_complete", required=True, low=0, high=100, percent=True),
                narrative=check.text("narrative"),
                reopen_reason=check.text("reopen_reason"),
            )
        )
    return parsed


def _initiatives(parsed: list[UpdateRow]) -> dict[tuple[str, str], Initiative]:
    """The initiatives the file names, by (plan slug, code), in one query."""
    keys = {(entry.plan, entry.code) for entry in parsed if entry.plan and entry.code}
    if not keys:
        return {}
    condition = Q(plan__slug__in={plan for plan, _ in keys}, code__in={code for _, code in keys})
    found = Initiative.objects.filter(condition).select_related("plan")
    return {(item.plan.slug, item.code): item for item in found if (item.plan.slug, item.code) in keys}


def updates_check(rows: Iterable[Row], user, problems: list[Problem]) -> tuple[list[UpdateRow], int]:
    """Every row checked without writing; returns the rows to post and how many are already recorded."""
    parsed = _read(rows, problems)
    initiatives = _initiatives(parsed)
    # How many times each update is already recorded: the file's copies of it are matched off one by
    # one, so an export (which may hold two identical updates) imports back unchanged.
    recorded = Counter(
        (initiative_id, as_of, status, percent, (narrative or "").strip())
        for initiative_id, as_of, status, percent, narrative in StatusUpdate.objects.filter(
            initiative__in=[i.pk for i in initiatives.values()]
        ).values_list("initiative_id", "as_of", "status", "percent_complete", "narrative")
    )
    closed = closed_periods_by_plan({i.plan_id for i in initiatives.values()})
    first_row: dict[tuple, int] = {}
    to_post, unchanged = [], 0
    for entry in parsed:
        check = RowCheck(entry.row, problems)
        initiative = initiatives.get((entry.plan, entry.code))
        if entry.plan and entry.code and (initiative is None or not permissions.can_view_plan(user, initiative.plan)):
            check.problem(
                "initiative",
                f"Unknown initiative: plan “{entry.plan}” has no initiative coded “{entry.code}” that you can see.",
            )
            continue
        if initiative is None or entry.as_of is None or entry.status is None or entry.percent is None:
            continue
        key = (initiative.pk, entry.as_of, entry.status, entry.percent, entry.narrative)
        if recorded[key]:
            recorded[key] -= 1
            unchanged += 1
            continue
        if key in first_row:
            check.problem(
                "as_of",
                f"Duplicate row: row {first_row[key]} already has this update for "
                f"{entry.code} as of {entry.as_of:%Y-%m-%d}; keep one.",
            )
            continue
        first_row[key] = entry.row.number
        if not permissions.can_edit_initiative(user, initiative):
            check.problem(
                "initiative",
                f"You may not post updates for initiative {entry.code}: you do not own it "
                "and are not in its department.",
            )
            continue
        update = StatusUpdate(
            initiative=initiative,
            as_of=entry.as_of,
            status=entry.status,
            percent_complete=entry.percent,
            narrative=entry.narrative,
        )
        check.model_problems(update, exclude=["initiative", "author", "created_at"])
        if check.ok:
            # The row reports for the period owed on its date (a file names no period); its date
            # passed the model's checks, so it lies within the plan's years.
            reports_for = initiative.plan.reporting_period_owed(entry.as_of).ends_on
            closed_one = closed_containing(closed[initiative.plan_id], reports_for)
            if closed_one is not None:
                check.problem("as_of", closed_refusal(closed_one, what="its status updates"))
                continue
            entry.initiative = initiative
            entry.update = update
            to_post.append(entry)
    _reopen_problems(to_post, problems)
    return [entry for entry in to_post if entry.initiative is not None], unchanged


def _reopen_problems(to_post: list[UpdateRow], problems: list[Problem]) -> None:
    """Rows that would reopen a completed initiative without a reason: a problem on the row's
    "reopen_reason", and the row is dropped (its `initiative` cleared)."""
    refused, _reasons = reopen_check(
        items=[(n, entry.initiative, entry.update, entry.reopen_reason) for n, entry in enumerate(to_post)]
    )
    for n in refused:
        entry = to_post[n]
        rule = f"{refused[n]} Add the reason in the “reopen_reason” column (“Reopen reason”) of this row."
        RowCheck(entry.row, problems).problem("reopen_reason", rule, entry.reopen_reason)
        entry.initiative = None


# Rows posted per call of the batch service; the progress bar moves after each chunk.
CHUNK = 500


def updates_apply(to_post: list[UpdateRow], user, progress: Progress | None = None) -> int:
    """Post every checked update in one transaction; any refusal rolls all of them back."""
    problems: list[Problem] = []
    # Grouped by initiative (file order kept within each), so the chunks lock initiatives in one
    # primary-key order from first to last: two imports, or an import and a save, cannot deadlock.
    ordered = sorted(to_post, key=lambda entry: entry.initiative.pk)
    with transaction.atomic():
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            specs = [
                UpdateSpec(
                    initiative_id=entry.initiative.pk,
                    status=entry.status,
                    percent_complete=entry.percent,
                    as_of=entry.as_of,
                    narrative=entry.narrative,
                    reopen_reason=entry.reopen_reason,
                )
                for entry in chunk
            ]
            try:
                initiative_post_updates(author=user, updates=specs, reason="Status updates imported from a file")
            except ValidationError as error:
                for index, messages in error.message_dict.items():
                    entry = chunk[int(index)]
                    problems.append(
                        Problem(entry.row.sheet, entry.row.number, "initiative", entry.code, " ".join(messages))
                    )
            if progress is not None:
                progress(start + len(chunk), len(to_post))
        if problems:
            raise ImportRefused(sorted(problems, key=lambda problem: (problem.sheet, problem.row)))
    return len(to_post)


def _message(error: Exception) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
