"""A report card's narrative is changed in the admin through report_card_save_narrative, as on
the report card page: a final card refuses, in the service's words, and nothing is stored."""

import pytest

from planboard.core.admin import ADMIN_REASON
from reports.admin import ReportCardAdmin
from reports.models import ReportCard
from tests.factories import PlanFactory
from tests.planboard.test_audit import admin_form_data, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def cio(admin_user):
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    return admin_user


def test_a_drafts_narrative_changed_in_the_admin_is_saved_by_the_service(client, cio):
    card = ReportCard.objects.create(plan=PlanFactory(), fiscal_year=2024, status="done")
    client.force_login(cio)
    page = client.get(change_url(card))

    response = client.post(change_url(card), admin_form_data(page, summary="  Ahead of pace on security  "))

    assert response.status_code == 302
    card.refresh_from_db()
    # The service strips the text and queues the PDF again, as on the report card page.
    assert (card.summary, card.status) == ("Ahead of pace on security", "queued")
    record = card.history.latest()
    assert (record.history_user, record.history_change_reason) == (cio, ADMIN_REASON)


def test_a_final_cards_narrative_cannot_be_changed_in_the_admin(client, cio, monkeypatch):
    card = ReportCard.objects.create(plan=PlanFactory(), fiscal_year=2024, status="done", summary="As issued")
    client.force_login(cio)
    page = client.get(change_url(card))
    ReportCard.objects.filter(pk=card.pk).update(is_final=True)  # marked final while the page was open
    # Let the page through as it was opened (a draft), so that the service itself decides.
    monkeypatch.setattr(ReportCardAdmin, "may_change", lambda self, user, obj: True)

    response = client.post(change_url(card), admin_form_data(page, summary="Rewritten"))

    assert response.context["adminform"].form.errors == {
        "summary": [
            "FY2024 report card revision 1 is final and cannot be changed. Regenerate it to start a new revision."
        ]
    }
    assert ReportCard.objects.get().summary == "As issued"


def test_a_final_card_is_not_deleted_in_the_admin(client, cio):
    card = ReportCard.objects.create(plan=PlanFactory(), fiscal_year=2024, status="done", is_final=True)
    client.force_login(cio)

    response = client.post(f"{change_url(card).removesuffix('change/')}delete/", {"post": "yes"})

    assert response.status_code == 403
    assert ReportCard.objects.filter(pk=card.pk).exists()
