"""One row of a whole-plan file as the check sees it, and how a row is named in messages: an
`Item` carries a row's key, its values and links by code, the stored row it matches and what would
change; `row_key_column` and `describe` name the row in problems. Shared by the per-sheet row
checks (`plan_rows`), the comparison and permission check (`plan_check`) and the writer
(`plan_apply`).
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from goals.models import Goal, Metric, Objective, Plan, Theme
from initiatives.models import Initiative
from planboard.transfer.read import Row


@dataclass
class Item:
    """One row of the file: its key, field values, links by code, and what it is in the database."""

    model: type[Model]
    row: Row
    key: Any
    values: dict[str, Any]
    refs: dict[str, tuple[type[Model], Any]] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)
    existing: Model | None = None
    changed: dict[str, Any] = field(default_factory=dict)
    saved: Model | None = None
    candidate: Model | None = None

    @property
    def needs_write(self) -> bool:
        return self.existing is None or bool(self.changed)


KEY_FIELDS = ("slug", "name", "number", "code")


def row_key_column(model) -> str:
    return {Plan: "slug", Theme: "name", Goal: "number", Objective: "code", Metric: "name", Initiative: "code"}[model]


def describe(model, key) -> str:
    if model is Metric:
        return f"the metric “{key[1]}” under objective {key[0]}"
    noun = model._meta.verbose_name
    return {Goal: f"goal {key}", Theme: f"the theme “{key}”"}.get(model, f"{noun} {key}")
