"""Report card writes: request (or regenerate), the CIO's narrative, mark final, and rendering.

Each write runs in one transaction, records an audit entry, and queues the PDF rendering only
after the transaction commits. The figures are frozen into the row when the card is requested
(reports.report_card.data); rendering draws the frozen figures and never reads the live plan,
so running it twice gives the same card and a final card never changes.

`actor=None` means the system itself (the year-end beat task, `manage.py report_card`); views
and the API always pass the signed-in user, whose permission is checked here.
"""

import datetime
import hashlib
import logging
import os
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone

from goals.models import Plan
from planboard.core import permissions
from planboard.core.audit import save_audited
from planboard.core.fiscal import fiscal_year_end, fiscal_year_of
from reports.models import ReportCard
from reports.report_card import report_card_data, report_card_document, report_card_html, report_card_pdf

logger = logging.getLogger(__name__)
Status = ReportCard.Status
FOLDER = "report-cards"
# A card still queued or rendering this long after it was requested lost its task; queue it again.
STUCK_AFTER = datetime.timedelta(minutes=30)
# The year-end draft is made within this many days after a fiscal year ends, never for older years.
DRAFT_WITHIN_DAYS = 31


class ReportCardFinalError(ValidationError):
    """A final report card was asked to change. It never does: regenerating makes a new revision."""

    def __init__(self, card: ReportCard, field: str = "__all__"):
        super().__init__(
            {
                field: (
                    f"FY{card.fiscal_year} report card revision {card.revision} is final and cannot be changed. "
                    "Regenerate it to start a new revision."
                )
            }
        )


def _check(actor, plan: Plan, *, final: bool = False) -> None:
    if actor is not None and not permissions.can_generate_report_card(actor, plan, final=final):
        doing = "mark report cards final" if final else "generate or edit report cards"
        raise PermissionDenied(f"You may not {doing} for “{plan}”.")


def _queue_after_commit(card: ReportCard) -> None:
    transaction.on_commit(lambda: queue_report_card_render(card.pk))


def queue_report_card_render(card_id: int) -> bool:
    """Queue the rendering of one card; never raises. When the broker is down the card stays
    queued, and the daily catch-up (reports.tasks.report_cards_catch_up) queues it again."""
    from reports.tasks import render_report_card

    try:
        render_report_card.apply_async(args=[card_id], retry=False)
    except Exception as exc:  # kombu raises several types for an unreachable broker
        logger.error(
            "Could not queue the rendering of report card %s (%s: %s); it stays queued.",
            card_id,
            type(exc).__name__,
            exc,
        )
        return False
    return True


def report_card_request(*, plan: Plan, fiscal_year, actor, today=None) -> ReportCard:
    """Freeze the plan's figures for `fiscal_year` into its report card and queue the PDF.

    The card's newest revision is refreshed while it is a draft; once it is final, a new
    revision is started (the final one is never overwritten). Bad years are refused on the
    `fiscal_year` field and nothing is stored.
    """
    _check(actor, plan)
    data = report_card_data(plan, fiscal_year, today=today)
    with transaction.atomic():
        # One request per plan at a time, so two clicks cannot both start "revision 2".
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        latest = ReportCard.objects.filter(plan=plan, fiscal_year=fiscal_year).order_by("-revision").first()
        if latest is not None and not latest.is_final:
            card, reason = latest, "Regenerated from the plan's current figures"
        else:
            revision = latest.revision + 1 if latest else 1
            card, reason = ReportCard(plan=plan, fiscal_year=fiscal_year, revision=revision), "Requested"
        card.data = data
        card.status, card.error = Status.QUEUED, ""
        card.generated_by = actor if actor is not None and actor.is_authenticated else None
        save_audited(card, actor=actor, reason=reason)
        _queue_after_commit(card)
    return card


def report_card_regenerate(*, card: ReportCard, actor) -> ReportCard:
    """Regenerate a card: its draft is refreshed, or after a final one a new revision begins."""
    return report_card_request(plan=card.plan, fiscal_year=card.fiscal_year, actor=actor)


def report_card_save_narrative(
    *, card: ReportCard, actor, summary: str, recommendations: str, reason: str = ""
) -> ReportCard:
    """Store the CIO's summary and recommendations on a draft card and queue its PDF again
    (audited with `reason`, "Narrative edited" by default)."""
    _check(actor, card.plan)
    with transaction.atomic():
        card = ReportCard.objects.select_for_update(of=("self",)).select_related("plan").get(pk=card.pk)
        if card.is_final:
            raise ReportCardFinalError(card, "summary")
        card.summary, card.recommendations = summary.strip(), recommendations.strip()
        card.status, card.error = Status.QUEUED, ""
        save_audited(card, actor=actor, reason=reason or "Narrative edited")
        _queue_after_commit(card)
    return card


def report_card_delete(*, card: ReportCard, actor, reason: str = "") -> None:
    """Delete a draft card (administrators only); a final card is never deleted. Audited."""
    if not permissions.actor(actor).is_admin:
        raise PermissionDenied(f"You may not delete report cards for “{card.plan}”.")
    with transaction.atomic():
        card = ReportCard.objects.select_for_update(of=("self",)).select_related("plan").get(pk=card.pk)
        if card.is_final:
            raise ReportCardFinalError(card)
        card._history_user = actor
        if reason:
            card._change_reason = reason
        card.delete()


def report_card_mark_final(*, card: ReportCard, actor) -> ReportCard:
    """Mark a finished card final: from then on it is never changed (CIO only)."""
    _check(actor, card.plan, final=True)
    with transaction.atomic():
        card = ReportCard.objects.select_for_update(of=("self",)).select_related("plan").get(pk=card.pk)
        if card.is_final:
            raise ReportCardFinalError(card, "is_final")
        if card.status != Status.DONE or not card.pdf:
            raise ValidationError(
                {
                    "is_final": (
                        "Only a finished report card can be marked final; "
                        f"this one is {card.get_status_display().lower()}."
                        " Wait until its PDF is ready (or regenerate it if it failed)."
                    )
                }
            )
        card.is_final = True
        save_audited(card, actor=actor, reason="Marked final")
    return card


# --- Rendering -----------------------------------------------------------------------------


def _pdf_name(card: ReportCard, pdf: bytes) -> str:
    digest = hashlib.sha256(pdf).hexdigest()[:12]
    return f"{FOLDER}/{card.plan.slug}-fy{card.fiscal_year}-rev{card.revision}-{digest}.pdf"


def _store(name: str, pdf: bytes, storage) -> str:
    """Write the whole file under a hidden temporary name, then rename it into place: a reader
    (or a crash) never sees half a PDF. Object stores write whole objects, so they save directly."""
    if not isinstance(storage, FileSystemStorage):
        return storage.save(name, ContentFile(pdf))
    final_path = storage.path(name)
    os.makedirs(os.path.dirname(final_path), exist_ok=True)
    partial = os.path.join(os.path.dirname(final_path), f".{os.path.basename(name)}.{uuid.uuid4().hex}.part")
    try:
        with open(partial, "wb") as handle:
            handle.write(pdf)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, final_path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return name


def _remove_leftovers(card: ReportCard, storage) -> None:
    """Temporary files of this card left by a worker that was killed while writing one."""
    if not isinstance(storage, FileSystemStorage):
        return
    folder = storage.path(FOLDER)
    stem = f".{card.plan.slug}-fy{card.fiscal_year}-rev{card.revision}-"
    if os.path.isdir(folder):
        for entry in os.scandir(folder):
            if entry.name.startswith(stem) and entry.name.endswith(".part"):
                os.remove(entry.path)


def _start(card_id: int) -> ReportCard | None:
    """Claim a card for rendering; None when there is nothing to do (gone, done, or final)."""
    with transaction.atomic():
        card = ReportCard.objects.select_for_update(of=("self",)).select_related("plan").filter(pk=card_id).first()
        if card is None or card.is_final or (card.status == Status.DONE and card.pdf):
            return None
        ReportCard.objects.filter(pk=card.pk).update(status=Status.RENDERING, error="")
        card.status = Status.RENDERING
    return card


def report_card_render(*, card_id: int) -> ReportCard | None:
    """Draw a card's frozen figures and narrative into its PDF. Idempotent and safe to retry.

    A card already done (or final) is left as it is, so a task delivered twice renders once. A
    card found `rendering` was left by a worker that died; it is rendered again. Any error
    leaves the card `failed` with the message and no new file; regenerating retries it. If the
    card's words or figures changed while it was drawn, this result is dropped: the change
    queued another rendering, which draws the new content.
    """
    card = _start(card_id)
    if card is None:
        return ReportCard.objects.filter(pk=card_id).first()
    storage = card.pdf.storage
    name = None
    try:
        _remove_leftovers(card, storage)
        pdf = report_card_pdf(report_card_html(report_card_document(card)))
        name = _store(_pdf_name(card, pdf), pdf, storage)
        with transaction.atomic():
            current = ReportCard.objects.select_for_update().get(pk=card.pk)
            content = (current.data, current.summary, current.recommendations, current.status)
            if current.is_final or content != (card.data, card.summary, card.recommendations, Status.RENDERING):
                storage.delete(name)
                return current
            replaced = current.pdf.name
            current.pdf.name, current.status, current.error = name, Status.DONE, ""
            current.generated_at = timezone.now()
            save_audited(current, reason="PDF rendered", validate=False)
            if replaced and replaced != name:
                transaction.on_commit(lambda: storage.delete(replaced))
        return current
    except Exception as exc:
        logger.exception("Rendering report card %s failed.", card_id)
        if name is not None and storage.exists(name):
            storage.delete(name)
        current = ReportCard.objects.get(pk=card_id)
        current.status, current.error = Status.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        save_audited(current, reason="PDF rendering failed", validate=False)
        return current


def report_cards_catch_up(*, today: datetime.date | None = None) -> int:
    """The daily run: draft the card of each active enterprise plan for the fiscal year that has
    just ended (once, in the month after it ends), and queue again cards whose rendering was lost.
    Returns how many cards were queued."""
    today = today or timezone.localdate()
    plans = list(Plan.objects.filter(scope=Plan.Scope.ENTERPRISE, status=Plan.Status.ACTIVE))
    existing = set(ReportCard.objects.filter(plan__in=plans).values_list("plan_id", "fiscal_year"))
    queued = 0
    for plan in plans:
        ended = fiscal_year_of(today, plan.fiscal_year_start_month) - 1
        if not plan.start_fiscal_year <= ended <= plan.end_fiscal_year or (plan.pk, ended) in existing:
            continue
        if (today - fiscal_year_end(ended, plan.fiscal_year_start_month)).days > DRAFT_WITHIN_DAYS:
            continue
        report_card_request(plan=plan, fiscal_year=ended, actor=None, today=today)
        queued += 1
    stuck = ReportCard.objects.filter(
        status__in=[Status.QUEUED, Status.RENDERING], is_final=False, requested_at__lt=timezone.now() - STUCK_AFTER
    ).values_list("pk", flat=True)
    for card_id in stuck:
        queued += queue_report_card_render(card_id)
    return queued
