"""Queueing Celery tasks from services: after the transaction commits, in one hop, and never
failing a save because the broker is down.

As in pretix's TransactionAwareTask, the task class itself waits for the commit: a service calls
`apply_async` inside its transaction and the message is sent once the data it is about is there
for the worker to read (at once when no transaction is open; never after a rollback). Services
of an app below the one that owns a task (goals queueing the recalculation of reports) reach it
by name through `registered`, so the layers hold and there is no signal relay in between.
"""

import logging

from celery import Task, current_app

logger = logging.getLogger(__name__)

# The tasks queued by name from below the app that defines them.
RECALCULATE_PLAN = "reports.tasks.recalculate_plan"


def registered(name: str) -> Task:
    """The task registered under `name` (its app registers it when Django starts)."""
    return current_app.tasks[name]


class TransactionAwareTask(Task):
    """A task sent when the current transaction commits, whose sending never raises.

    When the broker cannot be reached the failure is logged once (not on every save) and the
    caller's own state must let a scheduled run catch up (the plan's dirty flag, for instance);
    the next message that goes through says the broker answers again. `apply_async` returns
    nothing: the result does not exist until the commit.
    """

    abstract = True
    broker_unreachable = False
    # What a failure to queue means, for the log: "{what} {args}" (e.g. "the recalculation of plan 7").
    queued_what = "the task"

    def apply_async(self, args=None, kwargs=None, **options) -> None:
        from django.db import transaction

        transaction.on_commit(lambda: self.send_now(args, kwargs, **options))

    def send_now(self, args=None, kwargs=None, **options) -> bool:
        """Send the message now; False (and logged once) when the broker cannot be reached."""
        try:
            super().apply_async(args, kwargs, retry=False, **options)
        except Exception as exc:  # kombu raises several types for an unreachable broker
            if not self.broker_unreachable:
                logger.error(
                    "Could not queue %s %s (%s: %s). It is caught up by the next scheduled run. "
                    "Further failures are not logged until the broker answers again.",
                    self.queued_what,
                    ", ".join(map(str, args or ())),
                    type(exc).__name__,
                    exc,
                )
            type(self).broker_unreachable = True
            return False
        if self.broker_unreachable:
            logger.warning("The task broker answers again; %s and others are queued as usual.", self.name)
            type(self).broker_unreachable = False
        return True
