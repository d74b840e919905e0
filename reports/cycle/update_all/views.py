"""`/my/update/` (URL name `cycle:update_all`): everything the signed-in user owes for the current
period on one page, saved together. The reminder e-mail's signed link lands here after sign-in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from reports.cycle.update_all import forms
from reports.cycle.update_all.rows import Row, owed_rows


def _context(rows: list[Row], *, bad: list[Row], today, saved_now: int = 0) -> dict:
    open_rows = [row for row in rows if not row.saved]
    good = [row for row in open_rows if row not in bad and forms.filled_in(row)] if bad else []
    return {
        "initiative_rows": [row for row in rows if row.kind == "initiative"],
        "metric_rows": [row for row in rows if row.kind == "metric"],
        "bad_rows": bad,
        "good_count": len(good),
        "saved_count": saved_now,
        "periods": sorted({row.period_label for row in rows}),
        "today": today,
        "nav": "my",
    }


def _counted(rows: list[Row]) -> str:
    """ "3 status updates and 2 readings" """
    updates = sum(row.kind == "initiative" for row in rows)
    readings = len(rows) - updates
    parts = [f"{updates} status update{'s' if updates != 1 else ''}"] if updates else []
    parts += [f"{readings} reading{'s' if readings != 1 else ''}"] if readings else []
    return " and ".join(parts)


@login_required
def update_all(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = owed_rows(user=request.user, today=today)
    if request.method != "POST":
        forms.bind(rows)
        return render(request, "cycle/update_all.html", _context(rows, bad=[], today=today))
    forms.bind(rows, request.POST)
    bad = forms.check(rows, author=request.user, today=today)
    only_good = request.POST.get("action") == "save-good"
    if bad and not only_good:
        return render(request, "cycle/update_all.html", _context(rows, bad=bad, today=today), status=400)
    good = [row for row in rows if row not in bad]
    outcome = forms.save(good, author=request.user, today=today)
    if outcome.refused:
        bad = bad + outcome.refused
        return render(request, "cycle/update_all.html", _context(rows, bad=bad, today=today), status=400)
    count = len(outcome.saved)
    if not bad:
        if count:
            messages.success(request, f"Saved {_counted(outcome.saved)}. Thank you.")
        else:
            messages.info(request, "Nothing was saved: no row was filled in.")
        return redirect("cycle:update_all")
    messages.success(
        request,
        f"Saved {_counted(outcome.saved)}. The {len(bad)} row{'s' if len(bad) != 1 else ''} "
        "with errors below were not saved: correct them and save again.",
    )
    return render(request, "cycle/update_all.html", _context(rows, bad=bad, today=today, saved_now=count), status=400)
