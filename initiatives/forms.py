"""The "Post an update" form. The rules (completed means 100%, no future dates, the version
check, a reason to reopen a completed initiative) live in initiatives.services.initiative_post_update
and the models; this form reads the input and carries the version the writer saw."""

from django import forms
from django.utils import timezone

from goals.forms import DateInput
from initiatives.models import InitiativeStatus
from initiatives.reopening import REOPEN_REASON_MAX


class StatusUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=InitiativeStatus.choices)
    percent_complete = forms.IntegerField(
        label="Percent complete",
        min_value=0,
        max_value=100,
        help_text="0 to 100; a completed initiative is 100.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    narrative = forms.CharField(
        label="What happened since the last update",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Progress, blockers and next steps, in plain words for the plan's readers. Required when "
        "the initiative turns at risk or off track.",
    )
    as_of = forms.DateField(label="As of", widget=DateInput, help_text="The date this update describes.")
    reopen_reason = forms.CharField(
        label="Reason for reopening",
        required=False,
        max_length=REOPEN_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to reopen a completed initiative (a status other than Completed); kept in its history.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    correction_reason = forms.CharField(
        label="Correction reason (closed periods, CIO only)",
        required=False,
        max_length=500,
        help_text="Only to correct a reporting period that has been closed: why the record must change.",
    )

    @classmethod
    def for_initiative(cls, initiative) -> "StatusUpdateForm":
        """An empty form for `initiative`: its current status and percentage, today's date, its version."""
        return cls(
            initial={
                "status": initiative.status,
                "percent_complete": initiative.percent_complete,
                "as_of": timezone.localdate(),
                "version": initiative.version,
            }
        )
