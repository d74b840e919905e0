"""The background plan export through the API: `POST /plans/{id}/exports/` (202 and the job),
`GET /plan-exports/{id}/` and its download, who may see them, and the switch of
`GET /plans/{id}/export/` to a job above PLANBOARD_EXPORT_SYNC_MAX_INITIATIVES."""

import pytest

from goals.models import Plan
from reports.models import PlanExport
from reports.plan_export import plan_export_chunks


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def start(client, plan, capture):
    """POST the export and let its task run as after the commit (inline)."""
    with capture(execute=True):
        response = client.post(f"/api/v1/plans/{plan.pk}/exports/")
    assert response.status_code == 202, response.content
    return response


def test_a_job_is_started_polled_and_downloaded(city, api, viewer, django_capture_on_commit_callbacks):
    client = api(viewer)
    started = start(client, city.enterprise, django_capture_on_commit_callbacks)
    job = PlanExport.objects.get()
    assert started["Location"] == started.json()["url"] == f"http://testserver/api/v1/plan-exports/{job.pk}/"
    assert started.json()["state"] == "queued" and started.json()["download_url"] is None
    polled = client.get(started["Location"]).json()
    assert polled["state"] == "done" and polled["plan"] == city.enterprise.pk and polled["requested_by"] == viewer.pk
    download = client.get(polled["download_url"])
    assert download.status_code == 200 and download.streaming
    assert download["Content-Type"] == "application/json"
    assert download["Content-Disposition"] == f'attachment; filename="{city.enterprise.slug}-export.json"'
    document = body_of(download)
    assert document == b"".join(plan_export_chunks(city.enterprise.pk)) and polled["size"] == len(document)
    # Asking again while that file is fresh answers the same job.
    assert client.post(f"/api/v1/plans/{city.enterprise.pk}/exports/").json()["id"] == job.pk


def test_a_plan_the_caller_may_not_read_is_404_and_starts_nothing(city, api):
    assert api(city.member_b).post(f"/api/v1/plans/{city.plan_a.pk}/exports/").status_code == 404
    assert api(None).post(f"/api/v1/plans/{city.enterprise.pk}/exports/").status_code == 401
    assert not PlanExport.objects.exists()


def test_another_persons_job_is_served_to_readers_of_the_plan_only(
    city, api, viewer, django_capture_on_commit_callbacks
):
    start(api(city.liaison_a), city.plan_a, django_capture_on_commit_callbacks)
    job = PlanExport.objects.get()
    url, download = f"/api/v1/plan-exports/{job.pk}/", f"/api/v1/plan-exports/{job.pk}/download/"
    # Department B's member may not read department A's plan: neither the job nor its file.
    assert api(city.member_b).get(url).status_code == 404
    assert api(city.member_b).get(download).status_code == 404
    assert api(None).get(download).status_code == 404
    # A viewer may read every plan, so they may fetch the file the liaison asked for.
    fetched = api(viewer).get(download)
    assert fetched.status_code == 200 and body_of(fetched) == b"".join(plan_export_chunks(city.plan_a.pk))


def test_a_file_not_ready_is_404(city, api, viewer):
    client = api(viewer)
    response = client.post(f"/api/v1/plans/{city.enterprise.pk}/exports/")  # queued: no commit in the test
    answer = client.get(f"{response['Location']}download/")
    assert answer.status_code == 404
    assert answer.json()["detail"] == "The file is not there: the export is queued."


def test_the_export_of_a_plan_above_the_threshold_answers_202_with_a_job(
    city, api, viewer, settings, django_capture_on_commit_callbacks
):
    url = f"/api/v1/plans/{city.enterprise.pk}/export/"
    settings.PLANBOARD_EXPORT_SYNC_MAX_INITIATIVES = 1  # the enterprise plan has 1 initiative: streamed
    streamed = api(viewer).get(url)
    assert streamed.status_code == 200 and streamed.streaming
    assert not PlanExport.objects.exists()
    settings.PLANBOARD_EXPORT_SYNC_MAX_INITIATIVES = 0  # 1 > 0: written in the background
    with django_capture_on_commit_callbacks(execute=True):
        answer = api(viewer).get(url)
    assert answer.status_code == 202 and not answer.streaming
    job = PlanExport.objects.get()
    assert answer["Location"].endswith(f"/api/v1/plan-exports/{job.pk}/")
    assert api(viewer).get(url).json()["id"] == job.pk  # the fresh job again, no second one
    assert body_of(api(viewer).get(f"{answer['Location']}download/")) == body_of(streamed)


def test_the_public_gets_a_job_for_a_big_published_plan(city, api, settings, django_capture_on_commit_callbacks):
    settings.PLANBOARD_EXPORT_SYNC_MAX_INITIATIVES = 0
    Plan.objects.filter(pk=city.enterprise.pk).update(is_published=True)
    anonymous = api(None)
    with django_capture_on_commit_callbacks(execute=True):
        answer = anonymous.get(f"/api/v1/plans/{city.enterprise.pk}/export/")
    assert answer.status_code == 202 and answer.json()["requested_by"] is None
    assert anonymous.get(answer["Location"]).json()["state"] == "done"
    # Unpublished again: the public may no longer fetch it.
    Plan.objects.filter(pk=city.enterprise.pk).update(is_published=False)
    assert anonymous.get(f"{answer['Location']}download/").status_code == 404


def test_the_schema_documents_the_background_export(city, api):
    paths = api(None).get("/api/v1/schema/?format=json").json()["paths"]
    export = paths["/api/v1/plans/{id}/export/"]["get"]["responses"]
    assert {"200", "202"} <= export.keys()
    assert export["202"]["content"]["application/json"]["schema"]["$ref"].endswith("/PlanExport")
    post = paths["/api/v1/plans/{id}/exports/"]["post"]
    assert {"202", "404"} <= post["responses"].keys() and "requestBody" not in post
    assert {"200", "404"} <= paths["/api/v1/plan-exports/{id}/download/"]["get"]["responses"].keys()
    assert "get" in paths["/api/v1/plan-exports/{id}/"]
