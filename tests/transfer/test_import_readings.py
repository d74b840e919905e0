"""Importing metric readings: recorded through the service, corrections only when asked for."""

import datetime
from decimal import Decimal

import pytest

from goals.models import MetricReading
from planboard.transfer.imports import import_file
from planboard.transfer.problems import ImportRefused
from tests.factories import MetricFactory, ReadingFactory, UserFactory
from tests.transfer.helpers import READING_HEADER, csv_upload, xlsx_upload

METRIC = ["stp", "1.1", "Share of staff with MFA"]


def run(rows, user, *, correct=False, name="readings.csv"):
    upload = (
        csv_upload([READING_HEADER, *rows], name)
        if name.endswith(".csv")
        else xlsx_upload({"Metric readings": [READING_HEADER, *rows]}, name)
    )
    return import_file(kind="readings", upload=upload, filename=name, user=user, correct=correct)


def refused(rows, user, **kwargs) -> list:
    with pytest.raises(ImportRefused) as caught:
        run(rows, user, **kwargs)
    return caught.value.problems


def test_readings_are_recorded_by_the_person_importing(metric, owner):
    result = run(
        [[*METRIC, "2023-06-30", "61.5", "FY23 close"], [*METRIC, datetime.date(2023, 12, 31), 70, ""]],
        owner,
        name="r.xlsx",
    )

    assert result.outcome.created == 2
    stored = list(MetricReading.objects.order_by("period_end").values_list("period_end", "value", "entered_by"))
    assert stored == [
        (datetime.date(2023, 6, 30), Decimal("61.5"), owner.pk),
        (datetime.date(2023, 12, 31), Decimal("70"), owner.pk),
    ]


def test_a_different_value_for_a_period_already_read_is_refused_unless_correcting(metric, owner):
    ReadingFactory(metric=metric, period_end=datetime.date(2023, 6, 30), value=Decimal("60"))

    problems = refused([[*METRIC, "2023-06-30", "62", ""]], owner)

    assert [(p.row, p.column) for p in problems] == [(2, "period_end")]
    assert "already has a reading for the period ending 2023-06-30 (60.0000)" in problems[0].rule
    assert MetricReading.objects.get().value == Decimal("60")

    result = run([[*METRIC, "2023-06-30", "62", ""]], owner, correct=True)

    assert (result.outcome.created, result.outcome.changed) == (0, 1)
    reading = MetricReading.objects.get()
    assert reading.value == Decimal("62")
    assert reading.history.latest().history_change_reason == "Reading corrected"


def test_an_equal_reading_is_skipped_and_writes_no_history(metric, owner):
    reading = ReadingFactory(metric=metric, period_end=datetime.date(2023, 6, 30), value=Decimal("60"), note="ok")
    history = reading.history.count()

    result = run([[*METRIC, "2023-06-30", "60.00", "ok"]], owner)

    assert (result.outcome.created, result.outcome.unchanged) == (0, 1)
    assert reading.history.count() == history


def test_readings_for_a_metric_the_user_does_not_own_are_refused(metric, owner, plan):
    MetricFactory(objective=metric.objective, name="Uptime", owner=UserFactory(username="other-owner"))

    problems = refused([[*METRIC, "2023-06-30", "61", ""], ["stp", "1.1", "Uptime", "2023-06-30", "99.9", ""]], owner)

    assert [(p.row, p.column, p.value) for p in problems] == [(3, "metric", "Uptime")]
    assert "You may not record readings for “Uptime”" in problems[0].rule
    assert MetricReading.objects.count() == 0


@pytest.mark.parametrize(
    "column, value, rule",
    [
        (
            "metric",
            "No such metric",
            "Unknown metric: plan “stp” has no metric named “No such metric” under objective 1.1",
        ),
        ("value", "", "“value” is required."),
        ("value", "lots", "Not a number"),
        ("value", "1.23456", "Ensure that there are no more than 4 decimal places."),
        ("period_end", "June 2023", "Not a date"),
    ],
)
def test_bad_reading_values_are_named(metric, owner, column, value, rule):
    row = [*METRIC, "2023-06-30", "61", ""]
    row[READING_HEADER.index(column)] = value

    problems = refused([row], owner)

    assert [(p.row, p.column, p.value) for p in problems] == [(2, column, value)]
    assert rule in problems[0].rule


def test_two_readings_for_one_period_in_a_file_are_a_duplicate_row(metric, owner):
    problems = refused([[*METRIC, "2023-06-30", "61", ""], [*METRIC, "6/30/2023", "62", ""]], owner)

    assert [(p.row, p.column) for p in problems] == [(3, "period_end")]
    assert problems[0].rule.startswith("Duplicate row: row 2 already has a reading")
