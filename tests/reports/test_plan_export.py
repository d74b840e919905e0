"""The streamed plan export (reports.plan_export, `GET /api/v1/plans/{id}/export/`): the same
document as the whole-plan build it replaced, a fixed number of queries, one snapshot, and a
failure mid-stream that no client can take for a whole document.

The plan of report_card_fixtures (2 goals, 3 objectives, 2 metrics with 3 readings, 4 initiatives)
is grown by grow_plan or grow (below) where sizes matter.
"""

import json
import logging
import threading
from operator import itemgetter

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from goals.models import Objective, Plan
from initiatives.models import Initiative, StatusUpdate
from initiatives.services import initiative_post_update
from reports import plan_export
from reports.plan_export import FAILED_MARK, plan_export_chunks, plan_export_write
from reports.plan_tree.stream import OrderError, Runs
from tests.factories import (
    GoalFactory,
    InitiativeFactory,
    MetricFactory,
    MilestoneFactory,
    ObjectiveFactory,
    ReadingFactory,
    StatusUpdateFactory,
    UserFactory,
)
from tests.reports.export_reference import reference_bytes
from tests.reports.report_card_fixtures import build_plan, grow_plan

pytestmark = pytest.mark.django_db


def streamed(plan_id: int) -> bytes:
    return b"".join(plan_export_chunks(plan_id))


def export_url(plan) -> str:
    return f"/api/v1/plans/{plan.pk}/export/"


def test_the_stream_is_the_document_the_whole_plan_build_made():
    plan = build_plan()
    grow_plan(plan, 3)
    body = streamed(plan.pk)
    assert body == reference_bytes(plan.pk)
    document = json.loads(body)
    # 2 + 3 goals; 4 + 3 × 2 initiatives, each grown one with its update, milestone and link to 1.1.
    assert (len(document["goals"]), len(document["initiatives"])) == (5, 10)
    grown = document["initiatives"][4]
    assert (len(grown["updates"]), len(grown["milestones"]), len(grown["aligned_to"])) == (1, 1, 1)


def test_the_stream_is_the_old_document_for_every_demo_plan():
    call_command("load_demo", quiet=True)
    plans = list(Plan.objects.order_by("slug"))
    assert len(plans) == 4  # Phoenix, Aurora and the two department plans
    for plan in plans:
        body = streamed(plan.pk)
        assert body == reference_bytes(plan.pk), plan.slug
    phoenix = json.loads(streamed(Plan.objects.get(slug="phoenix-2022-2026").pk))
    assert (
        sum(len(i["updates"]) for i in phoenix["initiatives"])
        == StatusUpdate.objects.filter(initiative__plan__slug="phoenix-2022-2026").count()
    )


def test_the_answer_streams_as_a_json_attachment_without_a_length(admin_user):
    plan = build_plan()
    client = APIClient()
    client.force_authenticate(admin_user)
    response = client.get(export_url(plan))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="riverside-export.json"'
    assert not response.has_header("Content-Length")
    assert b"".join(response.streaming_content) == reference_bytes(plan.pk)


def test_a_plan_the_caller_may_not_read_is_404_before_anything_streams():
    plan = build_plan()
    response = APIClient().get(export_url(plan))
    assert response.status_code == 404 and not response.streaming


def grow(plan, first: int, count: int) -> None:
    """`count` initiatives more, numbered from `first`, each under a goal, objective and metric of
    its own, with a reading, a status update, a milestone, the objective supported and 1.1 as an
    `aligned_to` link (also the new objective's)."""
    patching = Objective.objects.get(goal__plan=plan, code="1.1")
    for n in range(first, first + count):
        objective = ObjectiveFactory(goal=GoalFactory(plan=plan, number=10 + n), code=f"{10 + n}.1")
        objective.aligned_to.add(patching)
        ReadingFactory(metric=MetricFactory(objective=objective))
        initiative = InitiativeFactory(plan=plan, code=f"G-{n:03}")
        initiative.supports.add(objective)
        initiative.aligned_to.add(patching)
        StatusUpdateFactory(initiative=initiative)
        MilestoneFactory(initiative=initiative)


def test_the_queries_do_not_grow_with_the_initiatives():
    # plan + pillars, drivers, themes (4) + goals, objectives, their links, metrics, readings (5)
    # + initiatives, supports, links, updates, milestones (5) = 14, for 5 initiatives as for 50.
    plan = build_plan()
    grow(plan, 0, 1)
    with CaptureQueriesContext(connection) as few:
        small = json.loads(streamed(plan.pk))
    grow(plan, 1, 45)
    with CaptureQueriesContext(connection) as many:
        large = json.loads(streamed(plan.pk))
    assert (len(small["initiatives"]), len(large["initiatives"])) == (5, 50)
    assert len(few) == len(many) == 14, [q["sql"][:100] for q in many.captured_queries]


def test_a_failure_mid_stream_leaves_invalid_json_and_a_log_line(monkeypatch, caplog):
    plan = build_plan()
    monkeypatch.setattr(plan_export, "CHUNK_BYTES", 1)  # every piece is sent as it is made

    def broken(initiative, stream):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(plan_export, "_initiative", broken)
    chunks = []
    with caplog.at_level(logging.ERROR, logger="reports.plan_export"):
        with pytest.raises(RuntimeError, match="went away"):
            for chunk in plan_export_chunks(plan.pk):
                chunks.append(chunk)
    body = b"".join(chunks)
    assert body.startswith(b'{"format":"planboard-plan-export/1"') and body.endswith(FAILED_MARK)
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    (record,) = caplog.records
    assert record.getMessage() == f"The export of plan {plan.pk} failed mid-stream."
    assert record.exc_info[0] is RuntimeError


def test_a_failure_before_the_first_byte_sends_nothing(monkeypatch, caplog):
    plan = build_plan()
    chunks = []
    with caplog.at_level(logging.ERROR, logger="reports.plan_export"):
        with pytest.raises(Plan.DoesNotExist):
            for chunk in plan_export_chunks(plan.pk + 1000):
                chunks.append(chunk)
    assert chunks == []
    assert caplog.records[0].getMessage() == f"The export of plan {plan.pk + 1000} failed before its first byte."


def test_the_file_written_is_the_document(tmp_path):
    plan = build_plan()
    path = tmp_path / "plan.json"
    with path.open("wb") as out:
        written = plan_export_write(plan.pk, out)
    assert path.read_bytes() == reference_bytes(plan.pk) and written == path.stat().st_size


# --- One snapshot (PostgreSQL: the stream's own transaction) --------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_save_committed_mid_stream_is_not_in_the_document(monkeypatch):
    plan = build_plan()
    grow_plan(plan, 2)
    owner = UserFactory()
    initiative = Initiative.objects.get(code="WEB-2")  # on hold at 5 %, no update yet
    Initiative.objects.filter(pk=initiative.pk).update(owner=owner)
    initiative.refresh_from_db()
    monkeypatch.setattr(plan_export, "CHUNK_BYTES", 1)
    chunks = plan_export_chunks(plan.pk)
    body = [next(chunks)]  # the plan's head: the snapshot is taken, no initiative read yet

    def save():
        initiative_post_update(
            initiative=initiative, author=owner, status="on_track", percent_complete=30, version=initiative.version
        )
        connection.close()

    writer = threading.Thread(target=save)
    writer.start()
    writer.join()
    body.extend(chunks)
    seen = next(i for i in json.loads(b"".join(body))["initiatives"] if i["code"] == "WEB-2")
    assert (seen["status"], seen["percent_complete"], seen["updates"]) == ("on_hold", 5, [])
    after = next(i for i in json.loads(streamed(plan.pk))["initiatives"] if i["code"] == "WEB-2")
    assert (after["status"], [u["status"] for u in after["updates"]]) == ("on_track", ["on_track"])


def test_rows_out_of_the_documents_order_are_an_error_never_a_loss():
    # Children of parents 1, 2, 1: the second run of parent 1 cannot be reached in order.
    runs = Runs("readings", (row for row in [(1, "a"), (2, "b"), (1, "c")]), itemgetter(0), itemgetter(1))
    assert (runs.of(1), runs.of(2), runs.of(3)) == (["a"], ["b"], [])
    with pytest.raises(OrderError, match="readings: rows of parent 1 were left over"):
        runs.finish()
