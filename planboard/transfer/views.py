"""Browser pages for spreadsheets: the import page, a job's progress and problems, templates, exports.

Small files are imported during the request; larger ones (TRANSFER_INLINE_MAX_BYTES) are queued
as a Celery task and the page polls the job's progress. Without a broker (no REDIS_URL) Celery
runs the task inline, so the same redirect-then-show flow serves both.
"""

import io
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from goals import visibility as goals_visible
from planboard.transfer.exports import CONTENT_TYPES, csv_lines, kind_sheets, write_xlsx
from planboard.transfer.forms import ImportForm
from planboard.transfer.jobs import job_create, job_load, job_problems, job_run, problems_path
from planboard.transfer.layouts import KIND_LABELS, KINDS

logger = logging.getLogger(__name__)
POLL_SECONDS = 1
FORM_OVERHEAD_BYTES = 64 * 1024  # the form's other fields and multipart boundaries


@login_required
@require_http_methods(["GET", "POST"])
def transfer_home(request: HttpRequest) -> HttpResponse:
    """The import form, the blank templates, and an export of every plan the person may read."""
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if request.method == "POST" and declared > settings.TRANSFER_MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES:
        # Refused from the request's declared length, before Django spools the upload to disk.
        return render(
            request,
            "transfer/too_large.html",
            {"size": declared, "limit": settings.TRANSFER_MAX_UPLOAD_BYTES, "nav": "transfer"},
            status=413,
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = job_create(
            kind=data["kind"],
            upload=data["file"],
            user=request.user,
            correct=data["correct"] and data["kind"] == "readings",
            decimal_comma=data["number_format"] == "comma",
        )
        if data["file"].size <= settings.TRANSFER_INLINE_MAX_BYTES:
            job_run(job.id)
        else:
            _queue(job.id)
        return redirect("transfer:job", job_id=job.id)
    plans = goals_visible.visible_plans(request.user).order_by("-start_fiscal_year", "title")
    return render(
        request,
        "transfer/home.html",
        {
            "form": form,
            "plans": plans,
            "kinds": KIND_LABELS,
            "nav": "transfer",
            "limits": {"bytes": settings.TRANSFER_MAX_UPLOAD_BYTES, "rows": settings.TRANSFER_MAX_ROWS},
            "layouts": KINDS,
        },
        status=400 if form.errors else 200,
    )


def _queue(job_id: str) -> None:
    """Queue the job; if the broker cannot take it, run it now rather than leave it waiting forever."""
    from planboard.transfer.tasks import run_spreadsheet_import

    try:
        run_spreadsheet_import.apply_async(args=[job_id], retry=False)
    except Exception as error:  # kombu raises several types for an unreachable broker
        logger.warning("Could not queue spreadsheet import %s (%s); running it in the request.", job_id, error)
        job_run(job_id)


def _job_or_404(request: HttpRequest, job_id: str):
    job = job_load(job_id, request.user)
    if job is None:
        raise Http404("No such import.")
    return job


@login_required
def job_page(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _job_or_404(request, job_id)
    return render(
        request,
        "transfer/job.html",
        {
            "job": job,
            "problems": job_problems(job),
            "poll_seconds": POLL_SECONDS,
            "nav": "transfer",
            "kind_label": KIND_LABELS[job.kind],
        },
    )


@login_required
def job_status(request: HttpRequest, job_id: str) -> HttpResponse:
    """The status panel alone, polled by the job page while the import runs."""
    job = _job_or_404(request, job_id)
    if not job.working and request.htmx:
        # Finished: reload the whole page so the outcome and any problems table appear.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "transfer/job_status.html", {"job": job, "poll_seconds": POLL_SECONDS})


@login_required
def job_problems_csv(request: HttpRequest, job_id: str) -> FileResponse:
    job = _job_or_404(request, job_id)
    path = problems_path(job)
    if not path.exists():
        raise Http404("This import has no problems to download.")
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"problems-{job.filename}.csv", content_type=CONTENT_TYPES["csv"]
    )


def template_download(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """A blank template: the header row (and in .xlsx an instructions sheet). Public, it holds no data."""
    if kind not in KINDS:
        raise Http404("No such template.")
    return _spreadsheet(kind, None, fmt, f"planboard-{kind}-template")


@login_required
def export_download(request: HttpRequest, slug: str, kind: str, fmt: str) -> HttpResponse:
    """A plan, its status updates or its readings, in the import's layout, for a plan the person may read."""
    if kind not in KINDS:
        raise Http404("No such export.")
    plan = get_object_or_404(
        goals_visible.visible_plans(request.user).select_related("department", "parent"), slug=slug
    )
    return _spreadsheet(kind, plan, fmt, f"{plan.slug}-{kind}")


def _spreadsheet(kind: str, plan, fmt: str, stem: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404("Spreadsheets come as .xlsx or .csv.")
    sheets = kind_sheets(kind, plan)
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(kind, sheets), content_type=CONTENT_TYPES["csv"])
    else:
        out = io.BytesIO()
        write_xlsx(kind, sheets, out)
        response = HttpResponse(out.getvalue(), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
