from django import forms

from reports.models import ReminderSetting


class ReminderSettingForm(forms.Form):
    reminders = forms.ChoiceField(
        label="Reminder e-mails",
        choices=ReminderSetting.Choice.choices,
        widget=forms.RadioSelect,
        help_text="Escalations (late reports of your department or plan) are always sent.",
    )
