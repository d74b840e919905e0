"""The spreadsheet pages: upload, progress, problems on one page and as a CSV, templates and exports."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from initiatives.models import StatusUpdate
from tests.factories import DepartmentPlanFactory, UserFactory
from tests.transfer.helpers import UPDATE_HEADER, csv_upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(rows, name="updates.csv"):
    return SimpleUploadedFile(name, csv_upload(rows).getvalue(), content_type="text/csv")


def good_rows():
    return [
        UPDATE_HEADER,
        ["stp", "PD-1", "2024-01-15", "on_track", 40, ""],
        ["stp", "PD-2", "2024-01-15", "at_risk", 20, "Vendor late"],
    ]


def test_the_import_page_needs_a_signed_in_person(client, db):
    response = client.get(reverse("transfer:home"))

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_good_file_is_imported_and_the_page_says_what_was_stored(client, owner, initiatives):
    client.force_login(owner)

    response = client.post(reverse("transfer:home"), {"kind": "updates", "file": upload(good_rows())}, follow=True)

    assert StatusUpdate.objects.count() == 2
    assert "Imported.</strong> Imported status updates: 2 added, 0 changed, 0 already up to date." in response.text


def test_a_bad_file_lists_every_problem_on_the_page_and_in_a_csv(client, owner, initiatives):
    client.force_login(owner)
    rows = good_rows() + [["stp", "PD-404", "2024-01-15", "on_track", 140, ""]]

    response = client.post(reverse("transfer:home"), {"kind": "updates", "file": upload(rows)}, follow=True)

    assert StatusUpdate.objects.count() == 0
    assert "2 problems to correct" in response.text
    assert "Must be between 0 and 100." in response.text and "Unknown initiative" in response.text
    job_id = response.redirect_chain[-1][0].rstrip("/").rsplit("/", 1)[-1]
    problems = client.get(reverse("transfer:job-problems", args=[job_id]))
    lines = b"".join(problems.streaming_content).decode().splitlines()
    assert lines[0] == "sheet,row,column,value,problem"
    assert lines[1].startswith("Status updates,4,initiative,PD-404,Unknown initiative")
    assert lines[2] == "Status updates,4,percent_complete,140,Must be between 0 and 100."


def test_a_large_file_runs_as_a_task_and_another_person_cannot_see_its_job(client, owner, initiatives, settings):
    settings.TRANSFER_INLINE_MAX_BYTES = 10  # every file is "large": queued (inline without a broker)
    client.force_login(owner)

    response = client.post(reverse("transfer:home"), {"kind": "updates", "file": upload(good_rows())})
    job_url = response["Location"]
    status = client.get(job_url + "status/", HTTP_HX_REQUEST="true")

    assert StatusUpdate.objects.count() == 2
    assert status.status_code == 204 and status["HX-Refresh"] == "true"  # finished: the page reloads itself
    client.force_login(UserFactory(username="curious"))
    assert client.get(job_url).status_code == 404


def test_a_zip_bomb_upload_gets_a_clear_refusal(client, owner, settings):
    from tests.transfer.test_files import zip_bomb

    settings.TRANSFER_MAX_UNCOMPRESSED_BYTES = 4 * 1024 * 1024
    client.force_login(owner)
    bomb = SimpleUploadedFile("bomb.xlsx", zip_bomb(8 * 1024 * 1024).getvalue())

    response = client.post(reverse("transfer:home"), {"kind": "updates", "file": bomb}, follow=True)

    assert "Nothing was imported.</strong> The .xlsx file would expand to 8 MB; the limit is 4 MB." in response.text


def test_a_wrong_file_type_is_refused_by_the_form(client, owner):
    client.force_login(owner)

    response = client.post(reverse("transfer:home"), {"kind": "updates", "file": SimpleUploadedFile("a.pdf", b"%PDF")})

    assert response.status_code == 400
    assert "Upload an .xlsx or a .csv file" in response.text


def test_a_blank_template_has_instructions_and_the_header(client, db):
    response = client.get(reverse("transfer:template", args=["updates", "xlsx"]))

    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["Instructions", "Status updates"]
    assert next(workbook["Status updates"].iter_rows(values_only=True)) == tuple(
        ["plan", "initiative", "as_of", "status", "percent_complete", "narrative", "reopen_reason", "author"]
    )


def test_a_plan_export_is_offered_only_for_plans_the_person_may_read(client, owner, plan):
    hidden = DepartmentPlanFactory(slug="police-it")
    client.force_login(owner)

    shown = client.get(reverse("transfer:export", args=[plan.slug, "plan", "csv"]))
    refused = client.get(reverse("transfer:export", args=[hidden.slug, "plan", "csv"]))

    assert shown.status_code == 200 and shown["Content-Disposition"] == 'attachment; filename="stp-plan.csv"'
    assert b"".join(shown.streaming_content).decode().splitlines()[1].startswith("Plan,stp,")
    assert refused.status_code == 404


def test_an_upload_declared_larger_than_the_limit_is_refused_before_it_is_read(client, owner, settings):
    settings.TRANSFER_MAX_UPLOAD_BYTES = 1024
    client.force_login(owner)
    big = SimpleUploadedFile("u.csv", b"x" * (200 * 1024))

    response = client.post(reverse("transfer:home"), {"kind": "updates", "file": big})

    # 200 KiB is over the 1 KiB limit plus 64 KiB for the rest of the form.
    assert response.status_code == 413
    assert "the largest file accepted is 1.0\xa0KB" in response.text


def test_job_folders_untouched_for_a_week_are_removed_when_a_new_job_starts(owner, settings, tmp_path):
    import os
    import time

    from planboard.transfer.jobs import job_create

    old = tmp_path / "transfer" / "0123abcd"
    old.mkdir(parents=True)
    eight_days_ago = time.time() - 8 * 24 * 3600
    os.utime(old, (eight_days_ago, eight_days_ago))

    job = job_create(kind="updates", upload=upload(good_rows()), user=owner)

    assert not old.exists()
    assert (tmp_path / "transfer" / job.id / "state.json").exists()


def test_a_running_import_shows_a_progress_bar_that_polls_itself(client, owner):
    from planboard.transfer.jobs import job_create, job_save

    job = job_create(kind="updates", upload=upload(good_rows()), user=owner)
    job.status, job.done, job.total = "saving", 50, 200
    job_save(job)
    client.force_login(owner)

    page = client.get(reverse("transfer:job", args=[job.id]))

    assert '<progress max="200" value="50" aria-label="Rows saved">25%</progress>' in page.text  # 50 of 200
    assert f'hx-get="{reverse("transfer:job-status", args=[job.id])}" hx-trigger="every 1s"' in page.text
    assert '<meta http-equiv="refresh" content="1">' in page.text  # without JavaScript, the page reloads
