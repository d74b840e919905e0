"""What the open transaction changed: the plans whose data its writers say they changed.

A write to plan data declares its plan inside its transaction, `plans_changed(plan_id)` (the
services do it through goals.services.plan_mark_changed, the recalculation for the figures it
writes). The declaration is a promise about every row of plan data the transaction writes: each
belongs to one of the declared plans, and so does every row a cascade from it reaches. The API's
response cache (planboard/api_cache/generation.py) leans on it: when every table a committed
transaction wrote holds plan data and the transaction declared its plans, only those plans' cached
answers are dropped; any other write, or plan data written without a declaration, drops them all.

Which tables hold plan data is read from the models, not typed here: a model says where its plan is
with a `plan_path` attribute, the lookup from one of its rows to its plan's id ("plan_id",
"goal__plan_id"; "id" for the plan itself), and names in `plan_links` the many-to-many fields whose
links stay inside the row's plan (`Initiative.supports`: objectives of its own plan). Their tables,
the django-simple-history tables that record them (and the links' history), make up `plan_tables()`.
A link that may cross plans (a department objective aligned to an enterprise one) is left out on
purpose: deleting the enterprise objective deletes the link, a change to the department plan that the
enterprise plan's writer would not declare. The rule leans on two things the code keeps: the
services refuse links and references outside an item's plan (supports, themes, pillars, alignment
scores), and the database writes nothing by itself (Django emulates `on_delete`; no triggers; a test
checks both).

The record of a transaction lives on its connection and ends with it: it is current while its
marker, an `on_commit` callback, is still queued, so a commit or a rollback forgets it, and so does
the rollback of the savepoint it was opened in. Outside a transaction (autocommit) there is nothing
to declare into: each statement commits on its own, and `plans_changed` does nothing.

A leaf: no model is imported; the app registry is read once the apps are loaded.
"""

import functools
from dataclasses import dataclass, field

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

CONNECTION_ATTRIBUTE = "_planboard_transaction_changes"


@dataclass(eq=False)
class TransactionChanges:
    """What one transaction changed, so far: the plans its writers declared, and whether it wrote
    anything a declaration cannot cover (a table outside plan data, a statement nobody can read)."""

    plans: set[int] = field(default_factory=set)
    outside_plans: bool = False
    # The list of commit callbacks in which the marker was last seen (a cheap check while Django
    # keeps the same list; it builds a new one on a commit, a rollback, or a savepoint's rollback).
    _seen_in: list | None = field(default=None, repr=False)

    def marker(self) -> None:
        """Queued as a commit callback: while it is queued, this record belongs to the open transaction."""

    @property
    def covers_everything_written(self) -> bool:
        """Every write was plan data of the declared plans (or nothing was declared to cover it)."""
        return bool(self.plans) and not self.outside_plans


def open_transaction(connection) -> TransactionChanges | None:
    """The record of `connection`'s open transaction, begun on first use; None outside a transaction."""
    if not connection.in_atomic_block:
        return None
    record = getattr(connection, CONNECTION_ATTRIBUTE, None)
    if record is not None and _still_queued(record, connection):
        return record
    record = TransactionChanges()
    connection.on_commit(record.marker)
    record._seen_in = connection.run_on_commit
    setattr(connection, CONNECTION_ATTRIBUTE, record)
    return record


def _still_queued(record: TransactionChanges, connection) -> bool:
    callbacks = connection.run_on_commit
    if record._seen_in is callbacks:
        return True
    if any(entry[1] == record.marker for entry in callbacks):  # (savepoint ids, callback, robust)
        record._seen_in = callbacks
        return True
    return False


def plans_changed(*plan_ids: int, using: str = DEFAULT_DB_ALIAS) -> None:
    """Declare, inside the transaction that changes them, that it changes the data of these plans.

    Call it in the same transaction as the writes, before or after them; the declaration covers the
    whole transaction and ends with it. Declaring a plan that was not changed only costs its cached
    answers. Outside a transaction it does nothing (each statement then commits, and counts, alone).
    """
    for plan_id in plan_ids:
        if isinstance(plan_id, bool) or not isinstance(plan_id, int):
            raise TypeError(f"plans_changed() takes plan ids (whole numbers), not {plan_id!r}.")
    record = open_transaction(connections[using])
    if record is not None:
        record.plans.update(plan_ids)


def plan_path(model: type[Model]) -> str | None:
    """The lookup from a row of `model` to its plan's id, or None when its rows are not plan data."""
    return getattr(model, "plan_path", None)


@functools.cache
def plan_tables() -> frozenset[str]:
    """The database tables of plan data: those of models with a `plan_path`, of their `plan_links`,
    and of the history django-simple-history keeps of both. Read once the apps are loaded."""
    apps.check_models_ready()
    plan_models = {model for model in apps.get_models() if plan_path(model) is not None}
    tables = {model._meta.db_table for model in plan_models}
    for model in plan_models:
        for name in getattr(model, "plan_links", ()):
            tables.add(model._meta.get_field(name).remote_field.through._meta.db_table)
    for history in apps.get_models():
        if getattr(history, "instance_type", None) in plan_models:  # a simple-history table
            tables.add(history._meta.db_table)
            for link in getattr(history, "_history_m2m_fields", ()):
                tables.add(getattr(history, link.name).model._meta.db_table)
    return frozenset(tables)
