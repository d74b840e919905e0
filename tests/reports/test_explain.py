"""One explanation: the explain page, the API and the report card print the same words for a figure.

The plan of report_card_fixtures, computed on 2025-09-15 (see test_report_card.py for the
arithmetic by hand): objective 1.1 = 0.5 × 0.5 + 0.5 × 1 = 0.75, 1.2 = 0.45, 2.1 = 0.4 (WEB-1
alone, WEB-2 on hold); goal 1 = (0.75 × 1 + 0.45 × 1) / 2 = 0.6, goal 2 = 0.4; plan =
(0.6 × 2 + 0.4 × 1) / 3 = 0.533, pace 0.642.
"""

import pytest
from django.urls import reverse

from goals.models import Objective
from reports import explain
from reports.explain import progress_explain
from reports.report_card import report_card_data, report_card_html
from tests.reports.report_card_fixtures import TODAY, build_plan, media  # noqa: F401

pytestmark = pytest.mark.django_db


def card_html(plan) -> str:
    # FY2025 has ended but the plan has no snapshot of its last day: the card reads the cached figures.
    data = report_card_data(plan, 2025, today=TODAY)
    assert data["figures"]["source"] == "cached"
    return report_card_html(data)


def test_the_report_card_prints_the_explanations_words_for_every_figure():
    plan = build_plan()
    html = card_html(plan)
    overall = progress_explain(plan)
    # (0.6 × 2 + 0.4 × 1) / 3 = 1.6 / 3 = 0.5333…, printed 0.533
    assert overall["arithmetic"] == "(0.600 × 2 + 0.400 × 1) / (2 + 1) = 0.533"
    assert f"Plan = {overall['arithmetic']}" in html
    assert f"Grade: {overall['grade_arithmetic']}" in html
    for goal in plan.goals.all():
        words = progress_explain(goal)
        assert words["arithmetic"].endswith(f" = {goal.progress:.3f}")  # 0.600 and 0.400, no .5 to round
        assert f"Goal = {words['arithmetic']}; pace" in html
        assert words["grade_arithmetic"] in html
    for objective in Objective.objects.filter(goal__plan=plan):
        assert f'<span class="arithmetic">{progress_explain(objective)["arithmetic"]}</span>' in html
    # 1.1, written out: M = 0.500 (critical patches), I = 1.000 (SEC-1 completed).
    assert "0.5 × M + 0.5 × I = 0.5 × 0.500 + 0.5 × 1.000 = 0.750" in html


def test_the_explain_page_and_the_api_print_the_same_words_as_the_report_card(client, admin_user):
    plan = build_plan()
    html = card_html(plan)
    client.force_login(admin_user)
    nodes = [
        ("plan", "plans", plan),
        *[("goal", "goals", g) for g in plan.goals.all()],
        *[("objective", "objectives", o) for o in Objective.objects.filter(goal__plan=plan)],
    ]
    for kind, prefix, node in nodes:
        words = progress_explain(node)
        assert words["arithmetic"] in html
        page = client.get(reverse("explain", args=[kind, node.pk])).content.decode()
        assert words["arithmetic"] in page and words["grade_arithmetic"] in page
        api = client.get(f"/api/v1/{prefix}/{node.pk}/explain/").json()
        assert (api["arithmetic"], api["grade_arithmetic"]) == (words["arithmetic"], words["grade_arithmetic"])


def test_the_report_card_prints_the_stored_figures_and_never_recomputes_them():
    data = report_card_data(build_plan(), 2025, today=TODAY)
    # Frozen figures that no longer add up: the card must print them as they are.
    security = data["goals"][0]
    security["progress"], security["objectives"][0]["progress"], data["overall"]["progress"] = 0.123, 0.321, 0.222
    html = report_card_html(data)
    assert "Goal = (0.321 × 1 + 0.450 × 1) / (1 + 1) = 0.123" in html
    assert "0.5 × M + 0.5 × I = 0.5 × 0.500 + 0.5 × 1.000 = 0.321" in html
    assert "Plan = (0.123 × 2 + 0.400 × 1) / (2 + 1) = 0.222" in html


def test_the_words_from_plain_values():
    assert explain.weighted_arithmetic([{"progress": None, "weight": 3}]) == (
        "No child has a figure yet, so there is none here (none never counts as zero)."
    )
    assert explain.objective_arithmetic(metric_share=0.7, metric_mean=None, initiative_mean=0.4, result=0.4) == (
        "M = none, I = 0.400: only one side has a figure, so it stands alone."
    )
    assert explain.grade_arithmetic(progress_value=0.3, pace=0, ratio=1.0, grade="A") == (
        "Nothing was expected yet (pace 0), so the ratio is 1 → A."
    )
    assert explain.initiative_arithmetic(status="on_hold", percent_complete=40) == (
        "On hold: shown, left out of roll-ups."
    )
    assert explain.metric_arithmetic(baseline=50, target=90, latest=100) == (
        "clamp((100 − 50) / (90 − 50), 0, 1) = clamp(1.250, 0, 1) = 1.000"
    )


def test_inputs_are_printed_with_the_digits_that_reproduce_the_printed_figure():
    # Stored: goal = (0.3864 × 3 + 0.38704 × 1) / 4 = (1.1592 + 0.38704) / 4 = 1.54624 / 4 = 0.38656.
    # To three decimals the inputs are 0.386 and 0.387: (1.158 + 0.387) / 4 = 0.38625, which a
    # reader rounds to 0.386 while the figure prints 0.387. To four: (1.1592 + 0.3870) / 4 =
    # 0.38655 → 0.3866, and the figure prints 0.3866: four decimals reproduce it.
    children = [{"progress": 0.3864, "weight": 3}, {"progress": 0.38704, "weight": 1}]
    assert explain.weighted_arithmetic(children, 0.38656) == "(0.3864 × 3 + 0.3870 × 1) / (3 + 1) = 0.3866"
    # Where three decimals reproduce the figure, three it is: (0.600 × 2 + 0.400 × 1) / 3 = 0.5333 → 0.533
    two = [{"progress": 0.6, "weight": 2}, {"progress": 0.4, "weight": 1}]
    assert explain.weighted_arithmetic(two, 1.6 / 3) == "(0.600 × 2 + 0.400 × 1) / (2 + 1) = 0.533"


def test_the_blend_and_the_grade_print_enough_digits():
    # 0.5 × 0.3855 + 0.5 × 0.3870 = 0.38625 (stored). Three decimals: 0.5 × 0.386 + 0.5 × 0.387 =
    # 0.3865 → 0.387 half up, but the figure prints 0.386. Four: 0.5 × 0.3855 + 0.5 × 0.3870 = 0.38625
    # → 0.3863, the figure 0.3863.
    assert explain.objective_arithmetic(
        metric_share=0.5, metric_mean=0.3855, initiative_mean=0.387, result=0.38625
    ) == ("0.5 × M + 0.5 × I = 0.5 × 0.3855 + 0.5 × 0.3870 = 0.3863")
    # 0.7199 / 0.80 = 0.899875, a B. Three decimals would print min(0.720 / 0.800, 1) = 0.900 → B,
    # a ratio on the A line; four print 0.8999 → B.
    assert explain.grade_arithmetic(progress_value=0.7199, pace=0.8, ratio=0.899875, grade="B") == (
        "ratio = min(0.7199 / 0.8000, 1) = 0.8999 → B"
    )
    # On the line: 0.72 / 0.80 = 0.90 exactly, an A, three decimals suffice.
    assert explain.grade_arithmetic(progress_value=0.72, pace=0.8, ratio=0.9, grade="A") == (
        "ratio = min(0.720 / 0.800, 1) = 0.900 → A"
    )
