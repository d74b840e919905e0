"""The report card pages: list and generate, follow the rendering, preview, download, word, finalise.

Generating redirects to a progress page that refreshes itself (a meta refresh without
JavaScript, htmx polling of the status panel with it) until the PDF is ready. The preview is
the very HTML the PDF is printed from.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from planboard.core import permissions
from planboard.core.fiscal import fiscal_year_of
from reports import services
from reports.forms import ReportCardNarrativeForm, ReportCardRequestForm
from reports.models import ReportCard
from reports.report_card import report_card_document, report_card_html
from reports.report_card.selectors import report_card_rows, visible_report_cards

POLL_SECONDS = 2


def _card(request: HttpRequest, pk: int) -> ReportCard:
    return get_object_or_404(visible_report_cards(request.user), pk=pk)


def _form_errors(form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


def _list_context(request: HttpRequest, form: ReportCardRequestForm) -> dict:
    cards = list(report_card_rows(request.user))
    groups: dict = {}
    for card in cards:
        groups.setdefault(card.plan, []).append(card)
    return {"groups": groups, "form": form, "nav": "report-cards"}


@require_GET
def report_card_list(request: HttpRequest) -> HttpResponse:
    """Every report card the person may read, by plan and year, and the form to generate one."""
    today = timezone.localdate()
    form = ReportCardRequestForm(user=request.user, initial={"fiscal_year": fiscal_year_of(today, 7) - 1})
    return render(request, "reports/report_card_list.html", _list_context(request, form))


@login_required
@require_POST
def report_card_generate(request: HttpRequest) -> HttpResponse:
    form = ReportCardRequestForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            card = services.report_card_request(
                plan=form.cleaned_data["plan"], fiscal_year=form.cleaned_data["fiscal_year"], actor=request.user
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return redirect("report-card-progress", pk=card.pk)
    return render(request, "reports/report_card_list.html", _list_context(request, form), status=400)


def _detail(request: HttpRequest, card: ReportCard, form: ReportCardNarrativeForm | None = None, status: int = 200):
    may_edit = not card.is_final and permissions.can_generate_report_card(request.user, card.plan)
    if form is None and may_edit:
        form = ReportCardNarrativeForm(instance=card)
    later = ReportCard.objects.filter(plan=card.plan_id, fiscal_year=card.fiscal_year, revision__gt=card.revision)
    return render(
        request,
        "reports/report_card_detail.html",
        {
            "card": card,
            "form": form,
            "may_edit": may_edit,
            "nav": "report-cards",
            "may_regenerate": permissions.can_generate_report_card(request.user, card.plan),
            "may_finalise": may_edit and permissions.can_generate_report_card(request.user, card.plan, final=True),
            "newer": later.order_by("-revision").first(),
        },
        status=status,
    )


@require_GET
def report_card_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _card(request, pk))


@require_GET
def report_card_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Where "Generate" leads: refreshes itself until the PDF is ready or the rendering failed."""
    card = _card(request, pk)
    context = {
        "card": card,
        "working": card.status in (ReportCard.Status.QUEUED, ReportCard.Status.RENDERING),
        "poll_seconds": POLL_SECONDS,
        "nav": "report-cards",
    }
    if request.htmx:
        return render(request, "reports/report_card_status.html", context)
    return render(request, "reports/report_card_progress.html", context)


@require_GET
def report_card_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The report card as the HTML its PDF is printed from."""
    card = _card(request, pk)
    if not card.data:
        raise Http404("This report card has no figures yet.")
    return HttpResponse(report_card_html(report_card_document(card)))


@require_GET
def report_card_download(request: HttpRequest, pk: int) -> FileResponse:
    card = _card(request, pk)
    if not card.pdf:
        raise Http404("This report card's PDF is not ready yet.")
    filename = f"{card.plan.slug}-fy{card.fiscal_year}-report-card-rev{card.revision}.pdf"
    return FileResponse(card.pdf.open("rb"), content_type="application/pdf", filename=filename)


def _write(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    """Run a service on the card; its refusal is shown on the card's page, nothing changes."""
    card = _card(request, pk)
    try:
        result = action(card)
    except PermissionDenied:
        raise
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("report-card-page", pk=card.pk)
    messages.success(request, success)
    return result


@login_required
@require_POST
def report_card_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    def regenerate(card):
        fresh = services.report_card_regenerate(card=card, actor=request.user)
        return redirect("report-card-progress", pk=fresh.pk)

    return _write(request, pk, regenerate, "The report card is being drawn again from the plan's current figures.")


@login_required
@require_POST
def report_card_mark_final(request: HttpRequest, pk: int) -> HttpResponse:
    def finalise(card):
        services.report_card_mark_final(card=card, actor=request.user)
        return redirect("report-card-page", pk=card.pk)

    return _write(request, pk, finalise, "The report card is final: it will not change again.")


@login_required
@require_POST
def report_card_narrative(request: HttpRequest, pk: int) -> HttpResponse:
    card = _card(request, pk)
    if not permissions.can_generate_report_card(request.user, card.plan):
        raise PermissionDenied("You may not edit this report card.")
    form = ReportCardNarrativeForm(request.POST, instance=ReportCard.objects.get(pk=card.pk))
    if form.is_valid():
        try:
            services.report_card_save_narrative(
                card=card,
                actor=request.user,
                summary=form.cleaned_data["summary"],
                recommendations=form.cleaned_data["recommendations"],
            )
        except services.ReportCardFinalError as error:
            for message in error.messages:
                messages.error(request, message)
            return _detail(request, ReportCard.objects.select_related("plan").get(pk=card.pk), status=400)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Saved. The PDF is being drawn again with your words.")
            return redirect("report-card-progress", pk=card.pk)
    return _detail(request, card, form, status=400)
