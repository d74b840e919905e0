"""Forms of the report card pages. The rules themselves live in reports.services and
reports.report_card.data; these only read what a person typed."""

from django import forms

from goals import visibility as goals_visible
from goals.models import Plan
from planboard.core import permissions
from reports.models import ReportCard


class ReportCardRequestForm(forms.Form):
    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), empty_label=None)
    fiscal_year = forms.IntegerField(
        min_value=2000,
        max_value=2100,
        label="Fiscal year",
        help_text="The year the fiscal year ends in: FY2025 is entered as 2025.",
        error_messages={"invalid": "Enter the fiscal year as a four-digit number, for example 2025."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        plans = [
            p
            for p in goals_visible.visible_plans(user).order_by("scope", "title")
            if permissions.can_generate_report_card(user, p)
        ]
        self.fields["plan"].queryset = Plan.objects.filter(pk__in=[p.pk for p in plans]).order_by("scope", "title")

    @property
    def has_choices(self) -> bool:
        return self.fields["plan"].queryset.exists()


class ReportCardNarrativeForm(forms.ModelForm):
    class Meta:
        model = ReportCard
        fields = ["summary", "recommendations"]
        labels = {"summary": "CIO summary", "recommendations": "Recommendations for adjustment"}
        help_texts = {
            "summary": "Opens the report card. Blank lines start new paragraphs.",
            "recommendations": "What the plan should change, for the Mayor and Council.",
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 8}), "recommendations": forms.Textarea(attrs={"rows": 8})}
