"""Forms for the plan pages. They read and check input; the rules themselves live in the models
and services (goals.services), whose errors `attach_errors` puts against the field at fault."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone


class DateInput(forms.DateInput):
    input_type = "date"


def attach_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: each message against its field when the form
    has that field, otherwise at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


class ReadingForm(forms.Form):
    """ "Add a reading" on the metric page (one reading per period; see metric_record_reading)."""

    period_end = forms.DateField(
        label="Period ending",
        widget=DateInput,
        help_text="The last day of the period the reading covers.",
    )
    value = forms.DecimalField(label="Value", max_digits=16, decimal_places=4)
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: the source of the figure, or what moved it.",
    )
    correct = forms.BooleanField(
        label="Correct the existing reading for this period",
        required=False,
        help_text="Tick only when a reading for this period was already entered and was wrong.",
    )

    def clean_period_end(self):
        period_end = self.cleaned_data["period_end"]
        if period_end > timezone.localdate():
            raise ValidationError("A reading cannot cover a period that has not ended yet; choose today or earlier.")
        return period_end
