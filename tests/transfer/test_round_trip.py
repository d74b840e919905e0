"""Export → import of the demo plans (Phoenix, Aurora, two department plans) changes nothing at all."""

import io

from goals.models import Plan
from planboard.demo.loader import load_demo
from planboard.transfer.exports import csv_lines, kind_sheets, write_xlsx
from planboard.transfer.imports import import_file
from tests.transfer.helpers import counts, snapshot


def exported(kind: str, plan: Plan, fmt: str) -> io.BytesIO:
    out = io.BytesIO()
    if fmt == "xlsx":
        write_xlsx(kind, kind_sheets(kind, plan), out)
    else:
        out.write("".join(csv_lines(kind, kind_sheets(kind, plan))).encode("utf-8"))
    out.seek(0)
    return out


def test_exporting_and_importing_every_demo_plan_leaves_the_database_identical(cio):
    load_demo(password="demo-password-for-tests")
    plans = list(Plan.objects.select_related("department", "parent").order_by("slug"))
    before = snapshot()
    assert counts(before)["initiatives.StatusUpdate"] > 100 and counts(before)["goals.MetricReading"] > 100

    unchanged = 0
    for fmt in ("xlsx", "csv"):
        for plan in plans:
            for kind in ("plan", "updates", "readings"):
                result = import_file(kind=kind, upload=exported(kind, plan, fmt), filename=f"{kind}.{fmt}", user=cio)
                assert (result.outcome.created, result.outcome.changed) == (0, 0), (fmt, plan.slug, kind)
                unchanged += result.outcome.unchanged

    # Every row compared equal: same counts (history tables included), same values, same versions.
    after = snapshot()
    assert counts(after) == counts(before)
    assert after == before
    # Both formats matched every status update and every reading to the stored one.
    assert unchanged >= 2 * (counts(before)["initiatives.StatusUpdate"] + counts(before)["goals.MetricReading"])
