"""The management commands: import_updates, import_readings, import_plan and export_plan."""

import json

import pytest
from django.core.management import CommandError, call_command

from goals.models import MetricReading
from initiatives.models import StatusUpdate
from tests.reports.export_reference import reference_bytes
from tests.transfer.helpers import READING_HEADER, UPDATE_HEADER, csv_upload


def write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_bytes(csv_upload(rows).getvalue())
    return path


def test_import_updates_prints_every_problem_writes_them_to_csv_and_stores_nothing(
    tmp_path, owner, initiatives, capsys
):
    path = write(
        tmp_path,
        "u.csv",
        [
            UPDATE_HEADER,
            ["stp", "PD-1", "2024-01-15", "on_track", 40, ""],
            ["stp", "PD-2", "not a date", "on_track", 40, ""],
        ],
    )
    report = tmp_path / "problems.csv"

    with pytest.raises(CommandError, match="Nothing was imported: 1 problem found."):
        call_command("import_updates", str(path), user=owner.username, problems_csv=str(report))

    assert "Status updates row 3, column as_of (value “not a date”): Not a date" in capsys.readouterr().err
    assert report.read_text().splitlines()[1].startswith("Status updates,3,as_of,not a date,Not a date")
    assert StatusUpdate.objects.count() == 0


def test_import_readings_with_correct_replaces_a_stored_reading(tmp_path, owner, metric, capsys):
    MetricReading.objects.create(metric=metric, period_end="2023-06-30", value=60)
    path = write(tmp_path, "r.csv", [READING_HEADER, ["stp", "1.1", metric.name, "2023-06-30", "64", ""]])

    call_command("import_readings", str(path), user=owner.username, correct=True)

    assert "0 added, 1 changed, 0 already up to date." in capsys.readouterr().out
    assert MetricReading.objects.get().value == 64


def test_an_unknown_user_is_named(tmp_path, db):
    with pytest.raises(CommandError, match="--user: no active user named 'nobody'."):
        call_command("import_plan", str(write(tmp_path, "p.csv", [["sheet"]])), user="nobody")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_plan_then_import_plan_changes_nothing(tmp_path, cio, initiatives, fmt, capsys):
    path = tmp_path / f"plan.{fmt}"
    call_command("export_plan", "stp", str(path))

    call_command("import_plan", str(path), user=cio.username)

    # 1 plan row + 5 initiatives, all as stored.
    assert "0 added, 0 changed, 6 already up to date." in capsys.readouterr().out


def test_export_plan_to_json_writes_the_api_export_document(tmp_path, plan, initiatives, capsys):
    path = tmp_path / "plan.json"
    call_command("export_plan", "stp", str(path))
    assert path.read_bytes() == reference_bytes(plan.pk)
    assert [i["code"] for i in json.loads(path.read_bytes())["initiatives"]] == ["PD-1", "PD-2", "PD-3", "PD-4", "PD-5"]
    assert f"Wrote {path} ({path.stat().st_size:,} bytes)." in capsys.readouterr().out


def test_export_plan_to_json_is_the_whole_plan_only(tmp_path, plan):
    with pytest.raises(CommandError, match="--kind: the .json export is the whole plan; --kind updates is for"):
        call_command("export_plan", "stp", str(tmp_path / "u.json"), kind="updates")
    with pytest.raises(CommandError, match=r"OUTPUT: .*plan.txt must end in .xlsx, .csv or .json."):
        call_command("export_plan", "stp", str(tmp_path / "plan.txt"))
    assert list(tmp_path.iterdir()) == []


def test_a_json_export_that_fails_leaves_no_file(tmp_path, plan, monkeypatch):
    from reports import plan_export

    def broken(stream):
        yield b"{"
        raise RuntimeError("disk or database gone")

    monkeypatch.setattr(plan_export, "_document", broken)
    with pytest.raises(RuntimeError, match="gone"):
        call_command("export_plan", "stp", str(tmp_path / "plan.json"))
    assert list(tmp_path.iterdir()) == []
