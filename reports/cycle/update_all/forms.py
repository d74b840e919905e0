"""The forms of the update-all page and the logic of saving them together.

Every row is checked first (its form, then the services' own rules, dry-run: `status_update_check`),
so one POST reports every bad row at once, naming the row and the field, and keeps all the input.
Then, in one transaction, the rows are posted through the services: initiatives in one batch
(`initiative_post_updates`, each row carrying the version its writer saw) and metric readings one by
one (`metric_record_reading`). The services check again (permissions, versions, closed periods); a
refusal there undoes the whole save and is shown on its row.

The user's choice when some rows have errors: "Save all" saves nothing and shows the errors; the
re-shown page offers "Save the N rows without errors", which saves the good rows and keeps the
others on the page, with their input, to fix.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from goals.services.readings import metric_record_reading
from initiatives.models import InitiativeStatus
from initiatives.services import UpdateSpec, initiative_post_updates, status_update_check
from planboard.core.exceptions import ConflictError
from reports.cycle.update_all.rows import Row

BATCH_REASON = "Status updates posted on the update-all page"


class InitiativeRowForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=InitiativeStatus.choices)
    percent_complete = forms.IntegerField(
        label="Percent complete", min_value=0, max_value=100, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    narrative = forms.CharField(
        label="What happened",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the initiative turns at risk or off track.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # The period the row was shown for: if the CIO closes it before the POST, the row now owes
    # another period, and saving the words written for the closed one there would misfile them.
    shown_for = forms.DateField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Not "(optional)" on the page: the help text says when it is required (includes/field.html).
        self.fields["narrative"].required_when = "at risk or off track"


class MetricRowForm(forms.Form):
    value = forms.DecimalField(
        label="Value", required=False, max_digits=16, decimal_places=4, widget=forms.NumberInput(attrs={"step": "any"})
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    shown_for = forms.DateField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("value") is None and (data.get("note") or "").strip() and "value" not in self.errors:
            self.add_error("value", "Enter the reading's value, or clear the note to leave this metric for later.")
        return data


def bind(rows: list[Row], data=None) -> None:
    """Give each row its form: empty (current status, percent and version) or bound to `data`."""
    for row in rows:
        if row.kind == "initiative":
            initial = {
                "status": row.item.status,
                "percent_complete": row.item.percent_complete,
                "narrative": "",
                "version": row.item.version,
                "shown_for": row.period_end,
            }
            row.form = InitiativeRowForm(data, prefix=row.prefix, initial=initial)
        else:
            row.form = MetricRowForm(data, prefix=row.prefix, initial={"shown_for": row.period_end})
            row.form.fields["value"].label = f"Value ({row.item.unit})" if row.item.unit else "Value"


def filled_in(row: Row) -> bool:
    """A row the user filled in: an initiative whose status, percent or narrative moved, a metric with a value."""
    if row.saved:
        return False
    if row.kind == "initiative":
        return bool(set(row.form.changed_data) - {"version", "shown_for"})
    return row.form.is_valid() and row.form.cleaned_data.get("value") is not None


def check(rows: list[Row], *, author, today: datetime.date) -> list[Row]:
    """Validate every row (no query); the rows with errors, each error also listed on its row."""
    rows = [row for row in rows if not row.saved]  # reported already: shown, not posted
    for row in rows:
        form = row.form
        shown_for = form.cleaned_data.get("shown_for") if form.is_valid() else None
        if shown_for is not None and shown_for != row.period_end and filled_in(row):
            form.add_error(
                None,
                f"The period this row was shown for (ending {shown_for:%b %-d, %Y}) has been closed since; "
                f"it now reports for {row.period_label}. Check the row and save again.",
            )
        if form.is_valid() and row.kind == "initiative" and filled_in(row):
            data = form.cleaned_data
            problems = status_update_check(
                initiative=row.item,
                author=author,
                status=data["status"],
                percent_complete=data["percent_complete"],
                narrative=data["narrative"],
                as_of=today,
                period_ends_on=row.period_end,
            )
            for name, messages in problems.items():
                form.add_error(name if name in form.fields else None, messages)
    return [row for row in rows if _collect_errors(row)]


def _collect_errors(row: Row) -> bool:
    row.errors = []
    for name, messages in row.form.errors.items():
        bound = row.form[name] if name in row.form.fields else None
        label = bound.label if bound is not None else "Row"
        target = bound.auto_id if bound is not None and not bound.is_hidden else f"row-{row.prefix}"
        row.errors.extend((label, message, target) for message in messages)
    return bool(row.errors)


def _spec(row: Row, today: datetime.date) -> UpdateSpec:
    data = row.form.cleaned_data
    return UpdateSpec(
        initiative_id=row.item.pk,
        status=data["status"],
        percent_complete=data["percent_complete"],
        narrative=data["narrative"],
        as_of=today,
        version=data["version"],
        period_ends_on=row.period_end,
    )


class _Refused(Exception):
    """Raised inside the transaction so that a refusal by a service undoes every row saved before it."""


@dataclass
class Outcome:
    saved: list[Row]
    refused: list[Row]


def save(rows: list[Row], *, author, today: datetime.date) -> Outcome:
    """Post the filled-in rows among `rows` (all of them checked and free of errors) in one transaction."""
    chosen = [row for row in rows if filled_in(row)]
    initiatives = [row for row in chosen if row.kind == "initiative"]
    refused: list[Row] = []
    try:
        with transaction.atomic():
            try:
                initiative_post_updates(
                    author=author, updates=[_spec(row, today) for row in initiatives], reason=BATCH_REASON
                )
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    row = initiatives[int(key)] if key.isdigit() else None
                    if row is not None:
                        row.form.add_error(None, messages)
                        refused.append(row)
            for row in chosen:
                if row.kind != "metric":
                    continue
                data = row.form.cleaned_data
                try:
                    metric_record_reading(
                        metric=row.item,
                        entered_by=author,
                        period_end=row.period_end,
                        value=data["value"],
                        note=data["note"],
                    )
                except (ValidationError, PermissionDenied, ConflictError) as error:
                    _attach(row, error)
                    refused.append(row)
            if refused:
                raise _Refused
    except _Refused:
        for row in refused:
            _collect_errors(row)
        return Outcome(saved=[], refused=refused)
    for row in chosen:
        row.saved = True
    return Outcome(saved=chosen, refused=[])


def _attach(row: Row, error: Exception) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            row.form.add_error(name if name in row.form.fields else None, messages)
    else:
        row.form.add_error(None, str(getattr(error, "message", None) or error))
