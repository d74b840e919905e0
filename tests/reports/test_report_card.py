"""The report card: its frozen data, the PDF read back, rendering as a task, and final cards.

The plan of report_card_fixtures, computed on 2025-09-15 (plan window 2022-07-01 .. 2027-07-01,
1,826 days; 1,172 elapsed, so pace = 1172 / 1826 = 0.642):

- metric "Critical patches": (70 − 50) / (90 − 50) = 0.5; "Accounts with MFA": (84 − 20) / 80 = 0.8
- objective 1.1 = 0.5 × 0.5 + 0.5 × 1 (SEC-1 completed) = 0.75; 1.2 = 0.5 × 0.8 + 0.5 × 0.1 = 0.45;
  2.1 = WEB-1 alone (WEB-2 is on hold, not counted) = 0.4
- goal 1 = (0.75 + 0.45) / 2 = 0.6 → ratio 0.6 / 0.642 = 0.935 → A; goal 2 = 0.4 → 0.623 → D
- plan = (0.6 × 2 + 0.4 × 1) / 3 = 0.533 → 0.831 → B
"""

import datetime
import os
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from goals.models import Goal
from planboard.core.progress import grade
from reports import services
from reports.models import ProgressSnapshot, ReportCard
from reports.recalculation import plan_recalculate
from reports.report_card import report_card_data, report_card_document, report_card_html, report_card_pdf
from reports.tasks import render_report_card
from tests.reports.report_card_fixtures import TODAY, build_plan, media, pdf_text  # noqa: F401

pytestmark = pytest.mark.django_db


def request_and_render(plan, year, actor, capture, **kwargs) -> ReportCard:
    """Request a card and run what is queued on commit (the render task, inline)."""
    with capture(execute=True):
        card = services.report_card_request(plan=plan, fiscal_year=year, actor=actor, today=TODAY, **kwargs)
    card.refresh_from_db()
    return card


def card_files(media_root) -> list[str]:
    folder = media_root / "report-cards"
    return sorted(os.listdir(folder)) if folder.exists() else []


def test_data_holds_the_cached_figures_and_the_lists_of_the_year():
    plan = build_plan()
    data = report_card_data(plan, 2025, today=TODAY)
    goals = {g["number"]: g for g in data["goals"]}
    assert data["figures"]["source"] == "cached"
    assert goals[1]["progress"] == pytest.approx(0.6) and goals[1]["grade"] == "A"
    assert goals[2]["progress"] == pytest.approx(0.4) and goals[2]["grade"] == "D"
    assert data["overall"]["progress"] == pytest.approx(1.6 / 3) and data["overall"]["grade"] == "B"
    # SEC-1 was completed on 2025-02-14, inside FY2025 (2024-07-01 .. 2025-06-30).
    assert [i["code"] for i in goals[1]["completed"]] == ["SEC-1"]
    # SEC-2: 10% with its whole window elapsed is off track; its last update (2025-01-10) is
    # 248 days before 2025-09-15, more than the 30-day cadence, so it is stale too.
    assert [i["code"] for i in goals[1]["needs_attention"]] == ["SEC-2"]
    assert [i["code"] for i in goals[1]["stale"]] == ["SEC-2"]
    # WEB-2 is on hold: listed among the supporters, but not counted in I.
    portal = goals[2]["objectives"][0]
    assert portal["initiatives"] == [
        {"code": "WEB-1", "progress": 0.4, "counted": True},
        {"code": "WEB-2", "progress": 0.05, "counted": False},
    ]
    assert portal["initiative_mean"] == pytest.approx(0.4)


def test_pdf_grades_progress_and_goal_titles_equal_the_database(django_capture_on_commit_callbacks, admin_user):
    plan = build_plan()
    card = request_and_render(plan, 2025, admin_user, django_capture_on_commit_callbacks)
    assert card.status == ReportCard.Status.DONE, card.error
    text = pdf_text(card.pdf.read())
    for goal in Goal.objects.filter(plan=plan):
        assert f"Goal {goal.number}: {goal.title}" in text
        assert (
            f"Grade {grade(goal.progress, goal.pace)}. "
            f"Progress {goal.progress * 100:.1f}%, expected {goal.pace * 100:.1f}%" in text
        )
    plan.refresh_from_db()
    # 0.5333 → "53.3%", pace 0.642 → "64.2%", grade B.
    assert f"Grade B. The plan is {plan.progress * 100:.1f}% complete; {plan.pace * 100:.1f}%" in text
    assert "53.3%" in text and "64.2%" in text
    # The appendix writes out the plan's weighted mean.
    assert "Plan = (0.600 × 2 + 0.400 × 1) / (2 + 1) = 0.533" in text
    assert "Page 2 of" in text


def test_preview_html_is_the_html_the_pdf_is_printed_from(django_capture_on_commit_callbacks, admin_user, client):
    plan = build_plan()
    card = request_and_render(plan, 2025, admin_user, django_capture_on_commit_callbacks)
    client.force_login(admin_user)
    preview = client.get(f"/reports/{card.pk}/preview").content.decode()
    # Chart ids are counters, so compare with them taken out.
    strip = lambda html: re.sub(r"(bar|trend|spark)-\d+", "id", html)  # noqa: E731
    assert strip(preview) == strip(report_card_html(report_card_document(card)))
    assert "Goal 1: Secure City Systems" in preview


def test_past_year_reads_the_snapshot_of_its_last_day():
    plan = build_plan()
    plan_recalculate(plan_id=plan.pk, today=datetime.date(2025, 6, 30), snapshot=True)
    snapshot_goal = ProgressSnapshot.objects.get(node_type="goal", node_id=plan.goals.get(number=2).pk)
    # Later the portal jumps to 90%: the live figure moves, FY2025's card keeps the year-end one.
    plan.initiatives.filter(code="WEB-1").update(percent_complete=90)
    plan_recalculate(plan_id=plan.pk, today=TODAY)
    data = report_card_data(plan, 2025, today=TODAY)
    goal = next(g for g in data["goals"] if g["number"] == 2)
    assert data["figures"] == {**data["figures"], "source": "snapshot", "as_of": "2025-06-30"}
    assert goal["progress"] == pytest.approx(snapshot_goal.progress)
    assert report_card_data(plan, 2026, today=TODAY)["figures"]["source"] == "cached"


@pytest.mark.parametrize(
    "year, message",
    [
        (2030, "covers FY2023 to FY2027; FY2030 is outside it"),
        (2027, "FY2027 has not begun yet"),
        ("2025", "four-digit number"),
    ],
)
def test_a_year_outside_the_plan_or_not_begun_is_refused_and_nothing_stored(admin_user, year, message):
    plan = build_plan()
    with pytest.raises(ValidationError) as refused:
        services.report_card_request(plan=plan, fiscal_year=year, actor=admin_user, today=TODAY)
    assert message in refused.value.message_dict["fiscal_year"][0]
    assert not ReportCard.objects.exists()


def test_running_the_task_twice_leaves_one_file_and_the_same_data(
    django_capture_on_commit_callbacks, admin_user, media
):
    plan = build_plan()
    card = request_and_render(plan, 2025, admin_user, django_capture_on_commit_callbacks)
    first = (card.pdf.name, card.data, card_files(media))
    assert render_report_card.delay(card.pk).get() == "done"
    card.refresh_from_db()
    assert (card.pdf.name, card.data, card_files(media)) == first
    assert len(first[2]) == 1 and ReportCard.objects.count() == 1


def test_a_crash_while_writing_leaves_no_file_and_a_failed_card_and_retrying_succeeds(
    django_capture_on_commit_callbacks,
    admin_user,
    media,
    monkeypatch,
):
    plan = build_plan()

    def disk_full(source, target):
        raise OSError("No space left on device")

    monkeypatch.setattr(services.os, "replace", disk_full)
    card = request_and_render(plan, 2025, admin_user, django_capture_on_commit_callbacks)
    assert card.status == ReportCard.Status.FAILED
    assert card.error == "OSError: No space left on device"
    assert not card.pdf and card_files(media) == []  # not even the temporary file
    monkeypatch.undo()
    retried = request_and_render(plan, 2025, admin_user, django_capture_on_commit_callbacks)
    assert (retried.pk, retried.status, retried.error) == (card.pk, "done", "")
    assert len(card_files(media)) == 1


def test_a_card_left_rendering_by_a_lost_worker_is_rendered_once_when_redelivered(admin_user, media):
    plan = build_plan()
    card = services.report_card_request(plan=plan, fiscal_year=2025, actor=admin_user, today=TODAY)
    # The worker died after claiming the card and while writing: state "rendering", a partial file.
    ReportCard.objects.filter(pk=card.pk).update(status=ReportCard.Status.RENDERING)
    folder = media / "report-cards"
    folder.mkdir(parents=True)
    (folder / ".riverside-fy2025-rev1-0123456789ab.pdf.dead.part").write_bytes(b"%PDF-1.7 half")
    assert render_report_card.delay(card.pk).get() == "done"
    assert render_report_card.delay(card.pk).get() == "done"  # the late ack's second delivery
    card.refresh_from_db()
    files = card_files(media)
    assert files == [os.path.basename(card.pdf.name)] and files[0].startswith("riverside-fy2025-rev1-")
    assert ReportCard.objects.filter(plan=plan, fiscal_year=2025).count() == 1


def test_a_final_card_never_changes_and_regenerating_makes_revision_two(
    django_capture_on_commit_callbacks,
    admin_user,
):
    plan = build_plan()
    card = request_and_render(plan, 2025, admin_user, django_capture_on_commit_callbacks)
    services.report_card_mark_final(card=card, actor=admin_user)
    card.refresh_from_db()
    issued = (card.pdf.read(), card.data, card.pdf.name)

    with pytest.raises(ValidationError) as refused:
        services.report_card_save_narrative(card=card, actor=admin_user, summary="Rewritten", recommendations="")
    assert "is final and cannot be changed" in refused.value.message_dict["summary"][0]
    Goal.objects.filter(plan=plan, number=1).update(title="Renamed goal")
    plan_recalculate(plan_id=plan.pk, today=TODAY)
    assert render_report_card.delay(card.pk).get() == "done"

    second = request_and_render(plan, 2025, admin_user, django_capture_on_commit_callbacks)
    card.refresh_from_db()
    card.pdf.open("rb")
    assert (card.pdf.read(), card.data, card.pdf.name, card.summary) == (*issued, "")
    assert (second.revision, second.is_final, second.status) == (2, False, "done")
    assert "Goal 1: Renamed goal" in pdf_text(second.pdf.read())


def test_editing_the_narrative_of_a_draft_redraws_the_pdf_with_it(django_capture_on_commit_callbacks, admin_user):
    plan = build_plan()
    card = request_and_render(plan, 2025, admin_user, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_card_save_narrative(
            card=card,
            actor=admin_user,
            summary="Security is ahead of pace.",
            recommendations="Fund the portal.",
        )
    card.refresh_from_db()
    text = pdf_text(card.pdf.read())
    assert "Security is ahead of pace." in text and "Fund the portal." in text
    assert card.history.filter(history_change_reason="Narrative edited", history_user=admin_user).exists()


def test_only_a_finished_card_can_be_marked_final(admin_user):
    card = services.report_card_request(plan=build_plan(), fiscal_year=2025, actor=admin_user, today=TODAY)
    with pytest.raises(ValidationError) as refused:
        services.report_card_mark_final(card=card, actor=admin_user)
    assert "Only a finished report card can be marked final" in refused.value.message_dict["is_final"][0]


def test_viewer_cannot_generate_editor_drafts_but_cannot_finalise_cio_can(
    django_capture_on_commit_callbacks,
    viewer,
    editor,
    admin_user,
):
    plan = build_plan()
    with pytest.raises(PermissionDenied):
        services.report_card_request(plan=plan, fiscal_year=2025, actor=viewer, today=TODAY)
    assert not ReportCard.objects.exists()
    card = request_and_render(plan, 2025, editor, django_capture_on_commit_callbacks)
    assert card.generated_by == editor
    with pytest.raises(PermissionDenied):
        services.report_card_mark_final(card=card, actor=editor)
    services.report_card_mark_final(card=card, actor=admin_user)
    assert ReportCard.objects.get(pk=card.pk).is_final


def test_labels_with_control_characters_still_print(django_capture_on_commit_callbacks, admin_user):
    plan = build_plan()
    Goal.objects.filter(plan=plan, number=2).update(title="Resident\x0b digital\x01 services")
    html = report_card_html(report_card_data(plan, 2025, today=TODAY))
    assert "Goal 2: Resident digital services" in pdf_text(report_card_pdf(html))


def test_year_end_catch_up_drafts_the_card_once(admin_user, django_capture_on_commit_callbacks):
    plan = build_plan()
    after_year_end = datetime.date(2025, 7, 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.report_cards_catch_up(today=after_year_end) == 1
    card = ReportCard.objects.get()
    assert (card.fiscal_year, card.generated_by, card.status) == (2025, None, "done")
    assert services.report_cards_catch_up(today=after_year_end) == 0
    # More than a month after the year ended, no card is drafted for it automatically.
    assert services.report_cards_catch_up(today=datetime.date(2026, 8, 15)) == 0
    assert ReportCard.objects.filter(plan=plan).count() == 1


def test_the_alignment_section_counts_direct_and_indirect_links_as_the_alignment_rule_does():
    from tests.factories import DepartmentPlanFactory, GoalFactory, InitiativeFactory, ObjectiveFactory

    plan = build_plan()
    enterprise_objective = plan.goals.get(number=1).objectives.first()
    police = DepartmentPlanFactory(parent=plan, title="Police IT plan")
    police_goal = GoalFactory(plan=police, number=1)
    direct = ObjectiveFactory(goal=police_goal, code="P1")
    direct.aligned_to.add(enterprise_objective)
    indirect = ObjectiveFactory(goal=police_goal, code="P2")
    indirect.aligned_to.add(direct)  # aligned through P1
    ObjectiveFactory(goal=police_goal, code="P3")  # linked to nothing
    InitiativeFactory(plan=police, code="PD-1").aligned_to.add(indirect)
    InitiativeFactory(plan=police, code="PD-2")

    rows = report_card_data(plan, 2025, today=TODAY)["alignment"]["department_plans"]

    # P1 directly, P2 through P1; P3 not. PD-1 through P2; PD-2 not.
    assert rows == [
        {
            "title": "Police IT plan",
            "department": police.department.name,
            "objectives_aligned": 2,
            "objectives_unaligned": 1,
            "initiatives_aligned": 1,
            "initiatives_unaligned": 1,
        }
    ]
