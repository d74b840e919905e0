"""The upload form of the import page."""

from pathlib import PurePath

from django import forms
from django.conf import settings

from planboard.transfer.layouts import KIND_LABELS

NUMBER_FORMATS = [
    ("point", "Decimal point: 4.8 and 1,250.5"),
    ("comma", "Decimal comma: 4,8 and 1.250,5"),
]


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

    number_format = forms.ChoiceField(
        label="Numbers typed as text",
        choices=NUMBER_FORMATS,
        widget=forms.RadioSelect,
        required=False,
        help_text="How the file writes decimals in text and CSV cells. Number cells of an .xlsx are "
        "read as numbers whatever this says.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number_format"].initial = "comma" if settings.TRANSFER_DECIMAL_COMMA else "point"

    def clean_number_format(self) -> str:
        """Not chosen (a script posting the form): the setting's number format."""
        return self.cleaned_data["number_format"] or self.fields["number_format"].initial

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
