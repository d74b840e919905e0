"""The upload form of the import page."""

from pathlib import PurePath

from django import forms
from django.conf import settings

from planboard.transfer.layouts import KIND_LABELS


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds",
        choices=[(kind, label.capitalize()) for kind, label in KIND_LABELS.items()],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label="Spreadsheet",
        help_text="An .xlsx workbook or a .csv file (UTF-8) in the layout of the templates below.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    correct = forms.BooleanField(
        label="Correct existing readings",
        required=False,
        help_text="For metric readings: replace a reading already stored for the same period "
        "(recorded as a correction).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError("Upload an .xlsx or a .csv file; save other formats as one of these first.")
        limit = settings.TRANSFER_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 1_048_576:.1f} MB; "
                f"the largest file accepted is {limit / 1_048_576:.1f} MB."
            )
        return upload
