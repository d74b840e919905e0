"""The plan export: the whole plan as one JSON document, written as it is read, in constant memory.

The API serves it (`GET /api/v1/plans/{id}/export/`, reports.api.export) and
`manage.py export_plan SLUG FILE.json` writes it to a file, both through `plan_export_chunks`:
the plan with its pillars, drivers and themes, goals → objectives → metrics → readings, and
initiatives with their supports, links, status updates and milestones. The rows come from
reports.plan_tree.stream (one query per kind of row, server-side cursors); each metric with its
readings and each initiative with its history is rendered by the API's own JSON renderer and
sent in chunks of about CHUNK_BYTES. The document is the bytes the API rendered when it built the
whole document at once (only rows the old build left in the database's order of ties, such as two
metrics of one name under an objective, now come by id), and memory holds a chunk of rows per open
cursor, one output chunk and one parent's children, whatever the size of the plan.

One snapshot. A streamed document is read by fourteen queries over many seconds; under
PostgreSQL's default READ COMMITTED each would see the commits made before it started, so a
status update saved mid-stream could appear in an initiative's updates while its status (read
earlier) is the old one. The chunks are therefore read inside one transaction, opened by the
generator when the first chunk is asked for and closed when the last is sent or the stream is
dropped (GeneratorExit rolls it back). On PostgreSQL it is `REPEATABLE READ, READ ONLY`: every
query sees the snapshot taken by the first, and a concurrent save neither waits for the export
nor is waited for (nothing is locked). SQLite's transaction is a snapshot as it stands (one read
transaction). A caller already inside a transaction (a test, a management command's atomic block)
reads within that one, whose isolation is its own. The generator runs after the view has
returned, while the WSGI server writes the answer: under gunicorn's sync workers that is the same
thread, so the same database connection, which Django closes only at the request's end (when the
server closes the response, after the last chunk). On a connection that may not use server-side
cursors (DISABLE_SERVER_SIDE_CURSORS, behind a transaction-pooling PgBouncer) `.iterator()`
fetches each query whole: the export still works, with memory that grows with the plan.

Failure mid-stream. The status (200) and headers are sent with the first chunk, so a failure
after it cannot change them. It is logged (the logger of this module, with the traceback), then
the stream writes FAILED_MARK, which can continue no JSON document (the document's object is
never closed), and raises again, so that the server drops the connection without the final
chunk of a chunked answer: an HTTP client reports an incomplete body, and any JSON parser fails.
A failure before the first chunk is only raised, and the server answers 500.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import BinaryIO

from django.db import connection, transaction

from planboard.core.api import EscapingJSONRenderer
from planboard.core.progress import grade
from reports.plan_tree import PlanStream, plan_stream
from reports.plan_tree.nodes import InitiativeNode, MetricNode, ObjectiveNode, PartNode, PlanNode

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "planboard-plan-export/1"
CHUNK_BYTES = 64 * 1024
FAILED_MARK = b"\n!! The export failed here; this document is incomplete (see the server log).\n"
_render = EscapingJSONRenderer().render


def _exact(value: Decimal | None) -> str | None:
    """Decimals as strings, as everywhere in the API: a float would round money and targets."""
    return None if value is None else str(value)


def _figures(node) -> dict:
    return {
        "progress": node.progress,
        "pace": node.pace,
        "health": node.health,
        "grade": grade(node.progress, node.pace),
        "computed_at": node.computed_at,
    }


def _plan(plan: PlanNode) -> dict:
    return {
        "id": plan.id,
        "title": plan.title,
        "slug": plan.slug,
        "scope": plan.scope,
        "department": plan.department_name,
        "parent": plan.parent_id,
        "vision": plan.vision,
        "mission": plan.mission,
        "start_fiscal_year": plan.start_fiscal_year,
        "end_fiscal_year": plan.end_fiscal_year,
        "fiscal_year_start_month": plan.fiscal_year_start_month,
        "status": plan.status,
        "is_published": plan.is_published,
        "is_sample": plan.is_sample,
        "metric_share": _exact(plan.metric_share),
        **_figures(plan),
    }


def _parts(rows: list[PartNode]) -> list[dict]:
    return [{"id": p.id, "name": p.name, "description": p.description, "order": p.order} for p in rows]


def _goal(goal) -> dict:
    """A goal without its objectives (they follow, streamed)."""
    return {
        "id": goal.id,
        "number": goal.number,
        "title": goal.title,
        "description": goal.description,
        "weight": _exact(goal.weight),
        **_figures(goal),
    }


def _objective(objective: ObjectiveNode, aligned_to: list[int]) -> dict:
    """An objective without its metrics (they follow, streamed)."""
    return {
        "id": objective.id,
        "code": objective.code,
        "title": objective.title,
        "description": objective.description,
        "term": objective.term,
        "weight": _exact(objective.weight),
        **_figures(objective),
        "aligned_to": aligned_to,
    }


def _metric(metric: MetricNode, readings: list) -> dict:
    # The rows below a node (a million at scale 1) are made plain strings here, as the renderer's
    # encoder would (date.isoformat(); a reading's value is never None), to spare it a call per value.
    return {
        "id": metric.id,
        "name": metric.name,
        "description": metric.description,
        "unit": metric.unit,
        "direction": metric.direction,
        "baseline": _exact(metric.baseline),
        "baseline_date": metric.baseline_date,
        "target": _exact(metric.target),
        "target_date": metric.target_date,
        "frequency": metric.frequency,
        **_figures(metric),
        "readings": [{"period_end": r.period_end.isoformat(), "value": str(r.value), "note": r.note} for r in readings],
    }


def _initiative(initiative: InitiativeNode, stream: PlanStream) -> dict:
    return {
        "id": initiative.id,
        "code": initiative.code,
        "title": initiative.title,
        "description": initiative.description,
        "theme": initiative.theme_id,
        "term": initiative.term,
        "department": initiative.department_id,
        "status": initiative.status,
        "percent_complete": initiative.percent_complete,
        "start_date": initiative.start_date,
        "target_date": initiative.target_date,
        "completed_date": initiative.completed_date,
        "budget_estimate": _exact(initiative.budget_estimate),
        "budget_actual": _exact(initiative.budget_actual),
        "last_update_on": initiative.last_update_on,
        **_figures(initiative),
        "supports": stream.supports.of(initiative.id),
        "aligned_to": stream.initiative_links.of(initiative.id),
        "updates": [
            {
                "as_of": u.as_of.isoformat(),
                "status": u.status,
                "percent_complete": u.percent_complete,
                "narrative": u.narrative,
            }
            for u in stream.updates.of(initiative.id)
        ],
        "milestones": [
            {"title": m.title, "due": m.due.isoformat(), "done_on": m.done_on and m.done_on.isoformat()}
            for m in stream.milestones.of(initiative.id)
        ],
    }


def _opened(data: dict, key: str) -> bytes:
    """`data` rendered with one more key, `key`, whose list is left open: `{…,"key":[`."""
    return _render(data)[:-1] + b',"' + key.encode() + b'":['


def _document(stream: PlanStream) -> Iterator[bytes]:
    """The document's bytes in pieces (one per goal, objective, metric, initiative)."""
    head = {
        "format": EXPORT_FORMAT,
        "plan": _plan(stream.plan),
        "pillars": _parts(stream.pillars),
        "drivers": _parts(stream.drivers),
        "themes": _parts(stream.themes),
    }
    yield _opened(head, "goals")
    for n, goal in enumerate(stream.goals):
        yield (b"," if n else b"") + _opened(_goal(goal), "objectives")
        for m, objective in enumerate(stream.objectives.of(goal.id)):
            aligned_to = stream.objective_links.of(objective.id)
            yield (b"," if m else b"") + _opened(_objective(objective, aligned_to), "metrics")
            for k, metric in enumerate(stream.metrics.of(objective.id)):
                yield (b"," if k else b"") + _render(_metric(metric, stream.readings.of(metric.id)))
            yield b"]}"
        yield b"]}"
    yield b'],"initiatives":['
    for n, initiative in enumerate(stream.initiatives):
        yield (b"," if n else b"") + _render(_initiative(initiative, stream))
    stream.finish()
    yield b"]}"


@contextmanager
def _snapshot():
    """One read-only snapshot for every query inside (see the module's docstring)."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The transaction's first statement, so it applies before any snapshot is taken.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def plan_export_chunks(plan_id: int) -> Iterator[bytes]:
    """The export document of plan `plan_id` in chunks of about CHUNK_BYTES, read in one snapshot.
    Whether the caller may read the plan is decided before (the view); a plan that is gone by
    the first chunk raises Plan.DoesNotExist. A failure after the first chunk is logged and ends
    the stream with FAILED_MARK before it is raised again."""
    sent = False
    try:
        with _snapshot():
            stream = plan_stream(plan_id)
            try:
                pending, size = [], 0
                for piece in _document(stream):
                    pending.append(piece)
                    size += len(piece)
                    if size >= CHUNK_BYTES:
                        sent = True
                        yield b"".join(pending)
                        pending, size = [], 0
                sent = True
                yield b"".join(pending)
            finally:
                stream.close()
    except Exception:
        logger.exception("The export of plan %s failed %s.", plan_id, "mid-stream" if sent else "before its first byte")
        if sent:
            yield FAILED_MARK
        raise


def plan_export_write(plan_id: int, out: BinaryIO) -> int:
    """Write the export document of plan `plan_id` to the binary file `out`; the bytes written."""
    written = 0
    for chunk in plan_export_chunks(plan_id):
        out.write(chunk)
        written += len(chunk)
    return written
