"""Forms for keeping a department's IT plan: the plan itself, its goals, objectives and
initiatives, and each item's `aligned_to` links.

The forms read and check input; the rules live in the models and the services
(goals.services.objective_create ..., initiatives.services.initiative_create ...), whose errors the views put
against the field at fault. The objectives a link may point to are the services' own rule
(`objectives_alignable_from`): the parent enterprise plan's and the department plan's own.
"""

from django import forms

from goals.forms import DateInput
from goals.models import Goal, Objective, Plan, Term
from goals.services import objectives_alignable_from

LINK_HELP = (
    "Tick the enterprise objectives this item serves (a direct link), or an objective of this plan that is "
    "itself aligned (an indirect link)."
)


class AlignedToForm(forms.Form):
    """A form with the `aligned_to` checkboxes, grouped by goal: enterprise goals first, then this plan's."""

    aligned_to = forms.TypedMultipleChoiceField(
        label="Aligned to",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=LINK_HELP,
        error_messages={
            "invalid_choice": "Objective %(value)s cannot be linked here; choose an objective of the "
            "enterprise plan this plan aligns to, or of this plan."
        },
    )

    def __init__(self, *args, plan: Plan, exclude: Objective | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = objectives_alignable_from(plan).select_related("goal__plan")
        if exclude is not None:
            candidates = candidates.exclude(pk=exclude.pk)
        ordered = sorted(candidates, key=lambda o: (o.goal.plan_id == plan.pk, o.goal.number, o.code, o.pk))
        self.objectives = {objective.pk: objective for objective in ordered}
        self.link_groups: list[dict] = []
        for objective in ordered:
            goal = objective.goal
            if not self.link_groups or self.link_groups[-1]["goal"] != goal:
                whose = "Department goal" if goal.plan_id == plan.pk else "Enterprise goal"
                self.link_groups.append({"goal": goal, "legend": f"{whose} {goal.number}: {goal.title}", "options": []})
            self.link_groups[-1]["options"].append(
                {
                    "value": str(objective.pk),
                    "label": f"{objective.code} {objective.title}",
                    "id": f"id_aligned_to_{objective.pk}",
                }
            )
        self.fields["aligned_to"].choices = [
            (group["legend"], [(int(o["value"]), o["label"]) for o in group["options"]]) for group in self.link_groups
        ]

    def checked(self) -> set[str]:
        """The ticked objectives as the template compares them (strings), from the post or the initial links."""
        return {str(value) for value in self["aligned_to"].value() or []}

    def aligned_objectives(self) -> list[Objective]:
        return [self.objectives[pk] for pk in self.cleaned_data["aligned_to"]]


class LinksForm(AlignedToForm):
    """Edit one objective's or initiative's links, as of the `version` the writer saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DepartmentPlanForm(forms.Form):
    """A department's IT plan; fiscal years default to the enterprise plan's it aligns to."""

    title = forms.CharField(max_length=200, help_text="For example “Police Department IT Plan FY2023-2026”.")
    slug = forms.SlugField(
        max_length=80, label="Short name in web addresses", help_text="Lower-case letters, digits and dashes."
    )
    start_fiscal_year = forms.IntegerField(label="First fiscal year", min_value=2000, max_value=2100)
    end_fiscal_year = forms.IntegerField(label="Last fiscal year", min_value=2000, max_value=2100)
    status = forms.ChoiceField(choices=Plan.Status.choices, initial=Plan.Status.DRAFT)
    vision = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    mission = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class GoalForm(forms.Form):
    number = forms.IntegerField(min_value=1, help_text="Goals are numbered 1, 2, 3… within the plan.")
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ObjectiveForm(AlignedToForm):
    goal = forms.ModelChoiceField(queryset=Goal.objects.none(), empty_label=None)
    code = forms.CharField(max_length=20, help_text="For example PD1.2")
    title = forms.CharField(max_length=300)
    term = forms.ChoiceField(choices=Term.choices, initial=Term.SHORT)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    field_order = ["goal", "code", "title", "term", "description", "aligned_to"]

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["goal"].queryset = plan.goals.order_by("number")


class InitiativeForm(AlignedToForm):
    code = forms.CharField(max_length=20, help_text="For example PD-4")
    title = forms.CharField(max_length=300)
    term = forms.ChoiceField(choices=Term.choices, initial=Term.SHORT)
    start_date = forms.DateField(widget=DateInput, required=False)
    target_date = forms.DateField(widget=DateInput, required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    field_order = ["code", "title", "term", "start_date", "target_date", "description", "aligned_to"]
