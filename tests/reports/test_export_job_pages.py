"""The background plan export from the browser: the button, the progress page that polls, the
download, and who may see them (reports.export_jobs.views)."""

import pytest
from django.urls import reverse

from goals.models import DepartmentMembership
from reports.models import PlanExport
from reports.plan_export import plan_export_chunks
from tests.factories import DepartmentFactory, DepartmentPlanFactory, MembershipFactory, UserFactory
from tests.reports.report_card_fixtures import build_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_button_starts_a_job_and_the_progress_page_offers_the_file(
    client, viewer, django_capture_on_commit_callbacks
):
    plan = build_plan()
    client.force_login(viewer)
    start = reverse("plan-export-start", args=[plan.slug])
    for page in (reverse("plan-dashboard", args=[plan.slug]), reverse("transfer:home")):
        assert f'action="{start}"' in client.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(start)
    job = PlanExport.objects.get()
    assert started.status_code == 302 and started["Location"] == reverse("plan-export-progress", args=[job.pk])
    page = client.get(started["Location"]).content.decode()
    download = reverse("plan-export-download", args=[job.pk])
    assert "Ready." in page and f'href="{download}"' in page and "hx-get" not in page
    response = client.get(download)
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content) == b"".join(plan_export_chunks(plan.pk))


def test_the_progress_page_polls_while_the_job_is_queued(client, viewer):
    plan = build_plan()
    client.force_login(viewer)
    client.post(reverse("plan-export-start", args=[plan.slug]))  # no commit in the test: stays queued
    job = PlanExport.objects.get()
    url = reverse("plan-export-progress", args=[job.pk])
    page = client.get(url).content.decode()
    assert "Queued." in page and f'hx-get="{url}"' in page and 'http-equiv="refresh"' in page
    panel = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'id="plan-export-status"' in panel and "<h1>" not in panel
    assert client.get(reverse("plan-export-download", args=[job.pk])).status_code == 404
    # A second click while it is queued leads to the same job.
    assert client.post(reverse("plan-export-start", args=[plan.slug]))["Location"] == url


def test_a_plan_or_job_the_person_may_not_read_is_404(client, django_capture_on_commit_callbacks):
    water, police = DepartmentFactory(slug="water"), DepartmentFactory(slug="police")
    plan = DepartmentPlanFactory(department=water, slug="water-it")
    liaison, outsider = UserFactory(), UserFactory()
    MembershipFactory(user=liaison, department=water, role=DepartmentMembership.Role.LIAISON)
    MembershipFactory(user=outsider, department=police)
    client.force_login(outsider)
    assert client.post(reverse("plan-export-start", args=[plan.slug])).status_code == 404
    client.force_login(liaison)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("plan-export-start", args=[plan.slug]))
    job = PlanExport.objects.get()
    client.force_login(outsider)
    assert client.get(reverse("plan-export-progress", args=[job.pk])).status_code == 404
    assert client.get(reverse("plan-export-download", args=[job.pk])).status_code == 404
    client.logout()
    assert client.post(reverse("plan-export-start", args=[plan.slug])).status_code == 302  # to sign in
    assert PlanExport.objects.count() == 1
