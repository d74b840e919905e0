"""Initiatives, milestones and IT requests in the admin are written through their named services,
with the same refusals, in the same words, as the API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from goals.models import Plan
from initiatives.models import Initiative, ITRequest, Milestone
from planboard.core.admin import ADMIN_REASON
from tests.factories import InitiativeFactory, ITRequestFactory, MilestoneFactory, ObjectiveFactory, PlanFactory
from tests.planboard.test_audit import admin_form_data, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def cio(admin_user):
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    return admin_user


def api_patch(user, obj, path: str, body: dict):
    api = APIClient()
    api.force_authenticate(user)
    return api.patch(f"/api/v1/{path}/{obj.pk}/", {**body, "version": obj.version}, format="json")


def post_change(client, obj, **changes):
    url = change_url(obj)
    return client.post(url, admin_form_data(client.get(url), **changes))


def test_an_initiative_supporting_another_plans_objective_is_refused_as_in_the_api(client, cio):
    initiative = InitiativeFactory()
    elsewhere = ObjectiveFactory(goal__plan=PlanFactory(title="Earlier plan"))
    api = api_patch(cio, initiative, "initiatives", {"supports": [elsewhere.pk]})
    client.force_login(cio)

    response = post_change(client, initiative, supports=[str(elsewhere.pk)])

    assert api.status_code == 400
    assert (
        response.context["adminform"].form.errors["supports"]
        == api.json()["supports"]
        == [f"Objective {elsewhere.pk} cannot be linked here; choose objectives of its own plan."]
    )
    assert not Initiative.objects.get().supports.exists()


def test_a_submitted_it_request_cannot_be_edited_in_the_admin_either(client, cio):
    request = ITRequestFactory(state=ITRequest.State.SUBMITTED, title="Pumps")
    api = api_patch(cio, request, "it-requests", {"title": "More pumps"})
    client.force_login(cio)

    response = post_change(client, request, title="More pumps")

    assert api.status_code == 400
    assert (
        response.context["adminform"].form.errors["state"]
        == api.json()["state"]
        == ["This request is submitted; only a draft request can be edited."]
    )
    assert ITRequest.objects.values_list("title", "version").get() == ("Pumps", 1)


def test_milestone_rows_on_the_initiative_page_go_through_the_milestone_services(client, cio):
    initiative = InitiativeFactory(plan__needs_recalculation=False)
    kept = MilestoneFactory(initiative=initiative, title="Vendor chosen")
    dropped = MilestoneFactory(initiative=initiative)
    client.force_login(cio)
    page = client.get(change_url(initiative))
    rows = next(f.formset for f in page.context["inline_admin_formsets"] if f.formset.model is Milestone)
    prefix = {row.instance.pk: row.prefix for row in rows.forms}

    response = client.post(
        change_url(initiative),
        admin_form_data(
            page,
            **{
                f"{prefix[kept.pk]}-title": "Vendor selected",
                f"{prefix[dropped.pk]}-DELETE": "on",
            },
        ),
    )

    assert response.status_code == 302
    assert list(Milestone.objects.values_list("title", flat=True)) == ["Vendor selected"]
    changed = Milestone.objects.get().history.latest()
    assert (changed.history_user, changed.history_change_reason, changed.version) == (cio, ADMIN_REASON, 2)
    assert Milestone.history.filter(id=dropped.pk, history_type="-").get().history_user == cio
    assert Plan.objects.get().needs_recalculation is True


def test_an_it_request_deleted_in_the_admin_goes_through_its_service(client, cio):
    request = ITRequestFactory()
    client.force_login(cio)

    response = client.post(reverse("admin:initiatives_itrequest_delete", args=[request.pk]), {"post": "yes"})

    assert response.status_code == 302 and not ITRequest.objects.exists()
    record = ITRequest.history.filter(id=request.pk).latest()
    assert (record.history_type, record.history_user, record.history_change_reason) == ("-", cio, ADMIN_REASON)
