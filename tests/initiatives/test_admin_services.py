"""Initiatives, milestones and IT requests in the admin are written through their named services,
with the same refusals, in the same words, as the API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from goals.models import DepartmentMembership, Plan
from initiatives.models import AlignmentScore, Initiative, ITRequest, Milestone
from planboard.core.admin import ADMIN_REASON
from tests.factories import (
    AlignmentScoreFactory,
    DepartmentFactory,
    DepartmentPlanFactory,
    InitiativeFactory,
    ITRequestFactory,
    MembershipFactory,
    MilestoneFactory,
    ObjectiveFactory,
    PillarFactory,
    PlanFactory,
    UserFactory,
)
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
    initiative = InitiativeFactory()
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


# --- Alignment scores: alignment_score_set ----------------------------------------------------------


def test_a_score_posted_by_someone_the_service_refuses_is_refused_on_the_initiative(client):
    # The Water liaison may edit Water's plan (so may add scores somewhere) and reads Police's
    # published plan, but may not score its initiatives: alignment_score_set's rule.
    water, police = DepartmentFactory(name="Water"), DepartmentFactory(name="Police")
    liaison = UserFactory(username="water-liaison", is_staff=True)
    MembershipFactory(user=liaison, department=water, role=DepartmentMembership.Role.LIAISON)
    police_plan = DepartmentPlanFactory(department=police, is_published=True)
    initiative = InitiativeFactory(plan=police_plan, department=police)
    pillar = PillarFactory(plan=police_plan)
    client.force_login(liaison)

    response = client.post(
        reverse("admin:initiatives_alignmentscore_add"),
        {"initiative": initiative.pk, "pillar": pillar.pk, "score": "3"},
    )

    assert response.context["adminform"].form.errors == {"initiative": ["You may not score initiatives of this plan."]}
    assert not AlignmentScore.objects.exists()


def test_an_initiative_owner_cannot_change_its_scores_on_the_initiative_page(client):
    # The owner may edit the initiative (can_edit_initiative) but scores are the plan's to set.
    owner = UserFactory(username="owner", is_staff=True)
    score = AlignmentScoreFactory(initiative__owner=owner, score=1)
    client.force_login(owner)
    page = client.get(change_url(score.initiative))
    rows = next(f.formset for f in page.context["inline_admin_formsets"] if f.formset.model is AlignmentScore)

    response = client.post(change_url(score.initiative), admin_form_data(page, **{f"{rows.prefix}-0-score": "3"}))

    assert response.status_code == 302
    assert AlignmentScore.objects.get().score == 1
    assert client.get(change_url(score)).context["has_change_permission"] is False


def test_a_score_changed_in_the_admin_is_set_by_the_service_and_re_ranks_the_plan(client, cio):
    score = AlignmentScoreFactory(score=1, pillar__weight=1)
    client.force_login(cio)

    response = post_change(client, score, score="3")

    assert response.status_code == 302
    score.refresh_from_db()
    assert (score.score, score.version) == (3, 2)
    record = score.history.latest()
    assert (record.history_user, record.history_change_reason) == (cio, ADMIN_REASON)
    assert Initiative.objects.get().priority_rank == 1


def test_a_score_deleted_in_the_admin_goes_through_the_service(client, cio):
    score = AlignmentScoreFactory()
    client.force_login(cio)

    response = client.post(reverse("admin:initiatives_alignmentscore_delete", args=[score.pk]), {"post": "yes"})

    assert response.status_code == 302 and not AlignmentScore.objects.exists()
    record = AlignmentScore.history.filter(id=score.pk, history_type="-").get()
    assert (record.history_user, record.history_change_reason) == (cio, ADMIN_REASON)
