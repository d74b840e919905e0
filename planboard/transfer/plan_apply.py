"""Writing a checked whole-plan file through the services, in one transaction.

Only rows that are new or differ are written (see plan_check). New rows go through their model's
named create service (`plan_create`, `goal_create`, ... `initiative_create`), changed ones through
its update service with the version read inside this transaction; both validate, check
permission, record history and mark the plan for recalculation (queued once, after commit).

Order: the plan, themes, goals, objectives, metrics, initiatives. An objective aligned to another
objective that is itself new in the file gets that link in a second pass, once both exist.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model

from goals import services as plan_services
from goals.models import Goal, Metric, Objective, Plan, Theme
from initiatives import services as initiative_services
from initiatives.models import Initiative
from planboard.core.exceptions import ConflictError
from planboard.transfer.plan_check import PlanCheck
from planboard.transfer.plan_items import Item
from planboard.transfer.problems import ImportRefused, Outcome, Problem

Progress = Callable[[int, int], None]
ORDER = (Theme, Goal, Objective, Metric, Initiative)


class PlanApply:
    """Writes the rows of a PlanCheck that found no problem."""

    def __init__(self, checked: PlanCheck, user, progress: Progress | None = None):
        self.checked = checked
        self.user = user
        self.progress = progress
        self.outcome = Outcome()
        self.deferred: list[tuple[Item, list]] = []

    def run(self) -> tuple[Plan, Outcome]:
        items = [self.checked.plan] + [item for model in ORDER for item in self.checked.items[model]]
        with transaction.atomic():
            for done, item in enumerate(items, start=1):
                self._write(item)
                if self.progress is not None:
                    self.progress(done, len(items))
            for item, targets in self.deferred:
                self._call(
                    item,
                    lambda item=item, targets=targets: initiative_or_plan_update(
                        item.saved, self.user, {"aligned_to": targets}, item.saved.version
                    ),
                )
        return self.checked.plan.saved, self.outcome

    def _write(self, item: Item) -> None:
        if not item.needs_write:
            item.saved = item.existing
            self.outcome.unchanged += 1
            return
        data = dict(
            item.values
            if item.existing is None
            else {k: v for k, v in item.changed.items() if k not in item.refs and k not in item.links}
        )
        if item.model in (Theme, Goal, Initiative):
            data["plan"] = self.checked.plan.saved
        for name, (model, key) in item.refs.items():
            if item.existing is None or name in item.changed:
                data[name] = self._saved(model, key)
        for name in item.links:
            if item.existing is None or name in item.changed:
                targets = self._targets(item, name)
                if None in targets:
                    self.deferred.append(
                        (
                            item,
                            [
                                self._saved(Objective, code.rpartition(":")[2]) if t is None else t
                                for t, code in zip(targets, item.links[name], strict=True)
                            ],
                        )
                    )
                else:
                    data[name] = targets
        if item.existing is None:
            item.saved = self._call(item, lambda: initiative_or_plan_create(item.model, self.user, data))
            self.outcome.created += 1
        else:
            item.saved = (
                self._call(
                    item, lambda: initiative_or_plan_update(item.existing, self.user, data, item.existing.version)
                )
                if data
                else item.existing
            )
            self.outcome.changed += 1

    def _saved(self, model: type[Model], key) -> Model | None:
        if key is None:
            return None
        stored = self.checked.known[model].get(key)
        if stored is not None:
            return stored
        return next(item.saved for item in self.checked.items[model] if item.key == key)

    def _targets(self, item: Item, name: str) -> list:
        """Objectives a link names; None for one of this plan not saved yet (linked in the second pass)."""
        targets = []
        for code in item.links[name]:
            slug, _, own = code.rpartition(":")
            if slug and slug != self.checked.plan.key:
                targets.append(self.checked.parent_objectives[own])
                continue
            saved = self.checked.known[Objective].get(own) or next(
                (other.saved for other in self.checked.items[Objective] if other.key == own), None
            )
            targets.append(saved)
        return targets

    def _call(self, item: Item, write: Callable[[], Model]) -> Model:
        try:
            return write()
        except ValidationError as error:
            messages = (
                [
                    f"{field}: {' '.join(m)}" if field != "__all__" else " ".join(m)
                    for field, m in error.message_dict.items()
                ]
                if hasattr(error, "error_dict")
                else error.messages
            )
            rule = " ".join(messages)
        except (PermissionDenied, ConflictError) as error:
            rule = str(error)
        raise ImportRefused([Problem(item.row.sheet, item.row.number, "", str(item.key), rule)])


# Each sheet's rows are written through their model's named services.
CREATE: dict[type[Model], Callable[..., Model]] = {
    Plan: plan_services.plan_create,
    Theme: plan_services.theme_create,
    Goal: plan_services.goal_create,
    Objective: plan_services.objective_create,
    Metric: plan_services.metric_create,
    Initiative: initiative_services.initiative_create,
}
UPDATE: dict[type[Model], Callable[..., Model]] = {
    Plan: plan_services.plan_update,
    Theme: plan_services.theme_update,
    Goal: plan_services.goal_update,
    Objective: plan_services.objective_update,
    Metric: plan_services.metric_update,
    Initiative: initiative_services.initiative_update,
}


def initiative_or_plan_create(model: type[Model], user, data: dict) -> Model:
    """Create through the named service of `model`."""
    return CREATE[model](actor=user, data=data)


def initiative_or_plan_update(instance: Model, user, data: dict, version: int) -> Model:
    """Update through the named service of the row's model."""
    return UPDATE[type(instance)](instance=instance, actor=user, data=data, version=version)
