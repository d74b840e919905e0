"""Chart geometry (planboard.core.charts) and the SVG partials that draw it."""

import datetime
from decimal import Decimal
from xml.etree import ElementTree

from django.template.loader import render_to_string

from planboard.core import charts


def test_clean_label_removes_characters_xml_forbids_and_keeps_text():
    assert charts.clean_label("Fiber\x00 to\x0b every\x1f site\ufffe\ttab\nline") == "Fiber to every site\ttab\nline"


def test_svg_with_control_characters_in_labels_is_well_formed_xml():
    chart = charts.trend_chart(
        readings=[(datetime.date(2023, 6, 30), Decimal("60"))],
        baseline=50,
        baseline_date=datetime.date(2021, 6, 30),
        target=90,
        target_date=datetime.date(2026, 6, 30),
        unit="%\x07",
        title="Uptime <core>\x00 &\x1b network",
    )
    svg = render_to_string("includes/charts/trend_chart.html", {"chart": chart, "table": False})
    root = ElementTree.fromstring(svg)  # raises on a forbidden character
    assert "Uptime <core> & network" in "".join(root.itertext())


def test_progress_bar_fill_and_pace_marker_are_shares_of_100_units():
    bar = charts.progress_bar(0.624, 0.7, "at_risk", "Goal 1")
    # 0.624 × 100 = 62.4 units filled; pace 0.7 → marker at 70.
    assert bar.fill_width == 62.4
    assert bar.pace_x == 70.0
    assert bar.summary == "Goal 1: 62% complete against 70% expected by now; at risk"


def test_progress_bar_without_figure_says_so_rather_than_zero():
    bar = charts.progress_bar(None, 0.5)
    assert bar.fill_width == 0 and bar.progress_text == "no figure"
    assert bar.summary == "No figure yet against 50% expected by now; not rated"


def test_sparkline_scale_is_fixed_zero_to_hundred_percent():
    series = [(datetime.date(2024, 1, 1), 0.0), (datetime.date(2024, 1, 11), 1.0), (datetime.date(2024, 1, 6), None)]
    line = charts.sparkline(series, "Plan", width=120, height=32)
    # x: 3..117 over ten days; y: 0% at 32 − 3 = 29, 100% at 3. The None day is left out.
    assert line.points == [(3.0, 29.0), (117.0, 3.0)]
    assert line.path == "M3 29 L117 3"
    assert line.summary == "Plan trend: 0% on 2024-01-01, 100% on 2024-01-11"


def test_sparkline_without_history_draws_nothing_and_says_so():
    line = charts.sparkline([], "Goal 2")
    assert line.path == "" and line.summary == "Goal 2: no history yet"
    assert "No trend yet" in render_to_string("includes/charts/sparkline.html", {"chart": line})


def test_trend_chart_places_baseline_below_target_for_higher_is_better():
    chart = charts.trend_chart(
        readings=[(datetime.date(2022, 6, 30), 55), (datetime.date(2023, 6, 30), 70)],
        baseline=50,
        baseline_date=datetime.date(2021, 6, 30),
        target=90,
        target_date=datetime.date(2026, 6, 30),
        unit="%",
        title="Uptime",
    )
    # Ticks 50..90 step 10; y runs from bottom (224) up to top (16): 50 → 224, 90 → 16.
    assert [t.label for t in chart.y_ticks] == ["50", "60", "70", "80", "90"]
    assert chart.baseline_y == 224 and chart.target_y == 16
    assert [p.value_text for p in chart.points] == ["55 %", "70 %"]
    assert chart.desc.startswith("Baseline 50 % (2021-06-30); Target 90 % by 2026-06-30. 2 readings")


def test_nice_ticks_cover_the_range_with_round_steps():
    assert charts.nice_ticks(3, 47, 5) == [0, 20, 40, 60]
    # A flat range is widened by one: 0.5..1.5; raw step 0.25 rounds up to 0.5 (1, 2, 5 × 10^n).
    assert charts.nice_ticks(0.5, 0.5) == [0.5, 1.0, 1.5]


def _three_readings_chart(**options) -> charts.TrendChart:
    return charts.trend_chart(
        readings=[(datetime.date(2022, 6, 30), 55), (datetime.date(2023, 6, 30), 70), (datetime.date(2024, 6, 30), 80)],
        baseline=50,
        baseline_date=datetime.date(2021, 6, 30),
        target=90,
        target_date=datetime.date(2026, 6, 30),
        unit="%",
        title="Uptime",
        **options,
    )


def test_browser_trend_chart_still_marks_every_reading_with_its_value():
    svg = render_to_string("includes/charts/trend_chart.html", {"chart": _three_readings_chart(), "table": False})
    titles = [
        c.findtext("{http://www.w3.org/2000/svg}title") or c.findtext("title")
        for c in ElementTree.fromstring(svg).iter()
        if c.tag.endswith("circle") and len(c)
    ]
    # One titled circle per reading (the target's ring has no title); five y ticks by default.
    assert titles == ["2022-06-30: 55 %", "2023-06-30: 70 %", "2024-06-30: 80 %"]
    assert len(_three_readings_chart().y_ticks) == 5


def test_report_card_chart_draws_the_line_and_marks_only_the_latest_reading():
    chart = _three_readings_chart(y_tick_count=3, note="The latest reading is marked.")
    svg = render_to_string("reports/report_card/metric_chart.html", {"chart": chart})
    circles = [c for c in ElementTree.fromstring(svg).iter() if c.tag.endswith("circle")]
    assert len(circles) == 1 and (float(circles[0].get("cx")), float(circles[0].get("cy"))) == (
        chart.points[-1].x,
        chart.points[-1].y,
    )
    assert chart.path.count("L") == 2  # the line still joins all three readings
    # Three ticks over 50..90: raw step (90 − 50) / 2 = 20, so steps of 20 from 40 (the floor) to 100.
    assert [t.label for t in chart.y_ticks] == ["40", "60", "80", "100"]
    assert chart.desc.endswith("latest 80 %. The latest reading is marked.")
