"""One entry point for every import: read the file, check every row, then apply all or nothing.

`import_file` is what the browser pages, the management commands and the Celery task call. It
raises FileRefused when the file cannot be read at all, ImportRefused with every problem when any
row is bad (nothing is stored), and otherwise returns what was written.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings

from planboard.transfer import layouts
from planboard.transfer.plan_apply import PlanApply
from planboard.transfer.plan_check import PlanCheck
from planboard.transfer.problems import ImportRefused, Outcome, Problem
from planboard.transfer.read import WRONG_LAYOUT, read_rows
from planboard.transfer.readings import readings_apply, readings_check
from planboard.transfer.updates import updates_apply, updates_check

# progress(stage, done, total): stage is "checking" (total unknown, 0) or "saving".
Progress = Callable[[str, int, int], None]


@dataclass
class ImportResult:
    kind: str
    outcome: Outcome = field(default_factory=Outcome)
    plan_slug: str = ""

    @property
    def message(self) -> str:
        noun = {"plan": "rows of the plan", "updates": "status updates", "readings": "readings"}[self.kind]
        return f"Imported {noun}: {self.outcome.summary()}"


def import_file(
    *,
    kind: str,
    upload: IO[bytes],
    filename: str,
    user,
    correct: bool = False,
    decimal_comma: bool | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import `upload` (named `filename`, .xlsx or .csv) of `kind` ("plan", "updates", "readings") as `user`.

    `correct` lets a readings file replace readings already stored for the same period.
    `decimal_comma` says numbers typed as text use a decimal comma (4,8); None uses the setting
    TRANSFER_DECIMAL_COMMA.
    """
    if kind not in layouts.KINDS:
        raise ValueError(f"Unknown import kind {kind!r}")
    if decimal_comma is None:
        decimal_comma = settings.TRANSFER_DECIMAL_COMMA
    problems: list[Problem] = []
    rows = _counted(read_rows(upload, filename, layouts.KINDS[kind], problems, decimal_comma=decimal_comma), progress)
    result = ImportResult(kind)
    saving = None if progress is None else (lambda done, total: progress("saving", done, total))
    if kind == "plan":
        checked = PlanCheck(user, problems)
        checked.run(rows)
        _refuse_if(problems)
        plan, result.outcome = PlanApply(checked, user, saving).run()
        result.plan_slug = plan.slug
    elif kind == "updates":
        to_post, unchanged = updates_check(rows, user, problems)
        _refuse_if(problems)
        result.outcome = Outcome(created=updates_apply(to_post, user, saving), unchanged=unchanged)
    else:
        to_record, unchanged = readings_check(rows, user, problems, correct=correct)
        _refuse_if(problems)
        added, corrected = readings_apply(to_record, user, saving)
        result.outcome = Outcome(created=added, changed=corrected, unchanged=unchanged)
    return result


def _refuse_if(problems: list[Problem]) -> None:
    # A file in the wrong layout (the Instructions sheet, a plan CSV saved as .xlsx) is named alone:
    # the rows checked against a layout they were never in would only bury it.
    wrong_layout = [problem for problem in problems if problem.rule.startswith(WRONG_LAYOUT)]
    if problems:
        raise ImportRefused(wrong_layout or problems)


def _counted(rows, progress: Progress | None):
    for count, row in enumerate(rows, start=1):
        if progress is not None and count % 500 == 0:
            progress("checking", count, 0)
        yield row
