"""The form a liaison files an IT request with; the rules are the services' (initiatives.it_requests.services)."""

from django import forms

from goals.models import Department


class FileRequestForm(forms.Form):
    department = forms.ModelChoiceField(queryset=Department.objects.none())
    title = forms.CharField(max_length=200)
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, help_text="US dollars.")
    fiscal_year = forms.IntegerField(min_value=2000, max_value=2100, help_text="FY2026 is the year that ends in 2026.")
    justification = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    objectives = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Enterprise objectives the spending serves, or your department plan's objectives aligned to them.",
    )
