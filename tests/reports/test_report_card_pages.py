"""The report card's entry points: the pages, the API, the management command, and the demo plan."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from goals.models import Plan
from initiatives.models import ITRequest
from reports import services
from reports.models import ReportCard
from reports.report_card import report_card_data, report_card_html, report_card_pdf
from tests.factories import PlanFactory
from tests.reports.report_card_fixtures import TODAY, build_plan, media, pdf_text  # noqa: F401

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def plan():
    return build_plan()


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Pages and the API prepare cards "today"; make that the fixtures' day (in FY2026)."""
    monkeypatch.setattr("reports.report_card.data.timezone.localdate", lambda *args: TODAY)


# --- Pages -------------------------------------------------------------------------------


def test_generate_leads_to_a_progress_page_that_ends_with_the_download(
    client,
    admin_user,
    plan,
    django_capture_on_commit_callbacks,
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/generate/", {"plan": plan.pk, "fiscal_year": 2025})
    card = ReportCard.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{card.pk}/progress"
    page = client.get(response["Location"]).content.decode()
    assert "Ready." in page and f"/reports/{card.pk}/pdf" in page
    assert 'http-equiv="refresh"' not in page  # finished: no more polling
    download = client.get(f"/reports/{card.pk}/pdf")
    assert download["Content-Type"] == "application/pdf"
    assert "Goal 1: Secure City Systems" in pdf_text(b"".join(download.streaming_content))


def test_progress_page_polls_while_queued_with_and_without_javascript(client, admin_user, plan):
    card = services.report_card_request(plan=plan, fiscal_year=2025, actor=admin_user, today=TODAY)
    client.force_login(admin_user)
    page = client.get(f"/reports/{card.pk}/progress").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page and 'hx-trigger="every 2s"' in page
    fragment = client.get(f"/reports/{card.pk}/progress", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="report-card-status"') and "Queued." in fragment


def test_a_bad_year_is_shown_against_the_field_and_nothing_is_stored(client, admin_user, plan):
    client.force_login(admin_user)
    response = client.post("/reports/generate/", {"plan": plan.pk, "fiscal_year": 2031})
    assert response.status_code == 400
    assert "covers FY2023 to FY2027; FY2031 is outside it" in response.content.decode()
    assert not ReportCard.objects.exists()


def test_viewer_reads_the_list_but_cannot_generate(client, viewer, admin_user, plan):
    services.report_card_request(plan=plan, fiscal_year=2025, actor=admin_user, today=TODAY)
    client.force_login(viewer)
    listing = client.get("/reports/").content.decode()
    assert "Riverside Technology Plan" in listing and "FY2025" in listing
    assert "Generate a report card" not in listing
    assert client.post("/reports/generate/", {"plan": plan.pk, "fiscal_year": 2025}).status_code == 400
    assert ReportCard.objects.count() == 1
    assert client.post(f"/reports/{ReportCard.objects.get().pk}/regenerate").status_code == 403


def test_editing_a_final_card_on_its_page_is_refused_with_the_reason(
    client,
    admin_user,
    plan,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        card = services.report_card_request(plan=plan, fiscal_year=2025, actor=admin_user, today=TODAY)
    client.force_login(admin_user)
    client.post(f"/reports/{card.pk}/final")
    response = client.post(f"/reports/{card.pk}/narrative", {"summary": "New words", "recommendations": ""})
    assert response.status_code == 400
    assert "is final and cannot be changed" in response.content.decode()
    assert ReportCard.objects.get(pk=card.pk).summary == ""


def test_the_list_page_costs_the_same_queries_for_more_cards(client, admin_user, django_assert_max_num_queries):
    client.force_login(admin_user)
    for number in range(6):
        other = PlanFactory(start_fiscal_year=2023, end_fiscal_year=2027)
        ReportCard.objects.create(plan=other, fiscal_year=2025, data={"big": "x" * 1000}, status="done")
        if number == 0:
            with django_assert_max_num_queries(12) as few:
                client.get("/reports/")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/reports/").status_code == 200


# --- API ---------------------------------------------------------------------------------


def test_api_post_answers_202_with_the_url_then_get_and_pdf(admin_user, plan, django_capture_on_commit_callbacks):
    client = api(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/report-cards/", {"plan": plan.pk, "fiscal_year": 2025}, format="json")
    assert response.status_code == 202
    card = ReportCard.objects.get()
    assert response["Location"] == f"http://testserver/api/v1/report-cards/{card.pk}/" == response.json()["url"]
    detail = client.get(response["Location"]).json()
    assert (detail["status"], detail["revision"], detail["data"]["goals"][0]["title"]) == (
        "done",
        1,
        "Secure City Systems",
    )
    pdf = client.get(detail["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Riverside Technology Plan" in pdf_text(b"".join(pdf.streaming_content))


def test_api_refuses_a_viewer_and_a_bad_year_naming_the_field(viewer, admin_user, plan):
    assert (
        api(viewer).post("/api/v1/report-cards/", {"plan": plan.pk, "fiscal_year": 2025}, format="json").status_code
        == 403
    )
    bad = api(admin_user).post("/api/v1/report-cards/", {"plan": plan.pk, "fiscal_year": 2031}, format="json")
    assert bad.status_code == 400 and "FY2031 is outside it" in bad.json()["fiscal_year"][0]
    assert not ReportCard.objects.exists()


def test_api_pdf_of_a_card_still_queued_is_404_saying_so(admin_user, plan):
    card = services.report_card_request(plan=plan, fiscal_year=2025, actor=admin_user, today=TODAY)
    response = api(admin_user).get(f"/api/v1/report-cards/{card.pk}/pdf/")
    assert response.status_code == 404 and "not ready yet" in response.json()["detail"]


# --- Command and demo --------------------------------------------------------------------


def test_the_command_writes_the_pdf_of_a_plan_and_year(plan, tmp_path):
    target = tmp_path / "fy2025.pdf"
    call_command("report_card", plan="riverside", year=2025, output=str(target))
    assert target.read_bytes().startswith(b"%PDF") and "Goal 2: Resident Digital Services" in pdf_text(
        target.read_bytes()
    )
    with pytest.raises(CommandError, match="--plan: no plan has the slug “nowhere”"):
        call_command("report_card", plan="nowhere", year=2025, output=str(target))
    with pytest.raises(CommandError, match="--year: .*FY2031 is outside it"):
        call_command("report_card", plan="riverside", year=2031, output=str(target))


def test_the_demo_phoenix_plan_prints_every_section():
    call_command("load_demo", quiet=True)
    phoenix = Plan.objects.get(slug="phoenix-2022-2026")
    exception = ITRequest.objects.filter(plan=phoenix, exception_by__isnull=False).first()
    # The year of its CIO exception, so the alignment section has one to list.
    year = exception.fiscal_year if exception else TODAY.year
    text = pdf_text(
        report_card_pdf(report_card_html(report_card_data(phoenix, year, today=datetime.date(year, 6, 30))))
    )
    sections = [
        "City of Phoenix",
        phoenix.title,
        f"Fiscal year {year}",
        "Summary from the Chief Information Officer",
        "Overall grade and progress",
        "Goals at a glance",
        "Objectives",
        f"Initiatives completed in FY{year}",
        "Initiatives at risk or off track",
        "Stale initiatives",
        "Department alignment",
        "IT requests for",
        "Approved with a CIO exception",
        "Recommendations for adjustment",
        "Appendix: method and weights",
        "Page 2 of",
    ]
    assert [s for s in sections if s not in text] == []
    for goal in phoenix.goals.all():
        assert f"Goal {goal.number}: {goal.title}" in text
    for department_plan in phoenix.department_plans.all():
        assert department_plan.title in text
    if exception:
        assert exception.title in text
