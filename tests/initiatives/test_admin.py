"""Initiatives in the admin: status updates go through the service and are never changed;
IT requests follow the spend gate's roles; report cards keep their figures."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from goals.models import DepartmentMembership, Plan
from initiatives.models import Initiative, ITRequest, StatusUpdate
from initiatives.services import initiative_post_update
from reports.models import ReportCard
from tests.factories import (
    DepartmentFactory,
    InitiativeFactory,
    ITRequestFactory,
    MembershipFactory,
    MilestoneFactory,
    PlanFactory,
    StatusUpdateFactory,
    UserFactory,
)
from tests.planboard.test_audit import admin_form_data, change_url

pytestmark = pytest.mark.django_db

ADD_UPDATE = reverse("admin:initiatives_statusupdate_add")


def staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def cio(admin_user):
    return staff(admin_user)


def open_update_form(client, initiative):
    """The add page as opened from the initiative's "Post a status update" link."""
    return client.get(ADD_UPDATE, {"initiative": initiative.pk})


# --- Status updates ----------------------------------------------------------------------------------


def test_update_posted_in_the_admin_moves_the_initiative_through_the_service(client, cio):
    initiative = InitiativeFactory()
    client.force_login(cio)

    response = client.post(
        ADD_UPDATE,
        admin_form_data(
            open_update_form(client, initiative),
            as_of="2024-03-01",
            status="at_risk",
            percent_complete="40",
            narrative="Vendor slipped two weeks",
        ),
    )

    assert response.status_code == 302
    update = StatusUpdate.objects.get()
    initiative.refresh_from_db()
    assert (update.author, update.status, update.percent_complete) == (cio, "at_risk", 40)
    assert (initiative.status, initiative.percent_complete, initiative.version) == ("at_risk", 40, 2)
    record = initiative.history.latest()
    assert (record.history_user, record.history_change_reason) == (cio, "Status update as of 2024-03-01")
    assert Plan.objects.get().needs_recalculation is True


def test_update_on_a_page_opened_before_someone_elses_is_refused_and_nothing_stored(client, cio):
    initiative = InitiativeFactory(owner=UserFactory())
    client.force_login(cio)
    opened = admin_form_data(open_update_form(client, initiative), status="on_track", percent_complete="30")
    initiative_post_update(
        initiative=initiative,
        author=initiative.owner,
        status="at_risk",
        percent_complete=20,
        narrative="Vendor late.",
        version=1,
    )

    response = client.post(ADD_UPDATE, opened)

    assert response.status_code == 200
    assert "changed by someone else" in response.context["adminform"].form.non_field_errors()[0]
    assert StatusUpdate.objects.count() == 1
    assert Initiative.objects.get().status == "at_risk"


def test_update_dated_in_the_future_is_an_error_on_as_of(client, cio):
    initiative = InitiativeFactory()
    client.force_login(cio)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client.post(
        ADD_UPDATE,
        admin_form_data(
            open_update_form(client, initiative),
            as_of=tomorrow.isoformat(),
            status="on_track",
            percent_complete="10",
        ),
    )

    assert response.context["adminform"].form.errors["as_of"] == ["An update cannot be dated in the future."]
    assert not StatusUpdate.objects.exists()
    assert Initiative.objects.get().version == 1


def test_member_of_another_department_is_refused_by_the_service_on_the_initiative_field(client):
    initiative = InitiativeFactory(department=DepartmentFactory(name="Water Services"))
    outsider = staff(UserFactory(username="fire-analyst"))
    MembershipFactory(user=outsider, department=DepartmentFactory(name="Fire"))
    client.force_login(outsider)

    response = client.post(
        ADD_UPDATE,
        admin_form_data(
            open_update_form(client, initiative),
            status="on_track",
            percent_complete="10",
        ),
    )

    assert response.context["adminform"].form.errors["initiative"] == ["You may not post updates for this initiative."]
    assert not StatusUpdate.objects.exists()


def test_status_updates_are_never_changed_or_deleted_in_the_admin(client, cio):
    update = StatusUpdateFactory(narrative="Kick-off held")
    client.force_login(cio)

    page = client.get(change_url(update))
    changed = client.post(change_url(update), {"narrative": "Rewritten"})
    deleted = client.post(reverse("admin:initiatives_statusupdate_delete", args=[update.pk]), {"post": "yes"})

    assert page.status_code == 200 and page.context["title"] == "View status update"
    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert StatusUpdate.objects.get().narrative == "Kick-off held"


def test_viewer_may_not_post_updates(client, viewer):
    client.force_login(staff(viewer))

    assert client.get(ADD_UPDATE).status_code == 403
    assert client.get(reverse("admin:initiatives_statusupdate_changelist")).status_code == 200


# --- Initiatives ----------------------------------------------------------------------------------------


def test_initiative_page_shows_its_milestones_scores_and_updates_and_ignores_a_posted_status(client, cio):
    initiative = InitiativeFactory(title="Body-worn cameras")
    MilestoneFactory(initiative=initiative, title="Vendor selected")
    StatusUpdateFactory(initiative=initiative, narrative="Pilot in two precincts")
    client.force_login(cio)
    page = client.get(change_url(initiative))

    response = client.post(change_url(initiative), admin_form_data(page, status="completed", percent_complete="100"))

    assert page.status_code == 200
    assert "Vendor selected" in page.content.decode() and "Pilot in two precincts" in page.content.decode()
    assert response.status_code == 302
    # Status and percent complete are read-only here: only a status update moves them.
    assert Initiative.objects.values_list("status", "percent_complete").get() == ("not_started", 0)


def test_initiative_target_before_start_is_a_form_error(client, cio):
    initiative = InitiativeFactory(start_date=datetime.date(2023, 7, 1), target_date=datetime.date(2024, 6, 30))
    client.force_login(cio)

    response = client.post(
        change_url(initiative),
        admin_form_data(
            client.get(change_url(initiative)),
            target_date="2023-01-01",
        ),
    )

    assert response.context["adminform"].form.errors["target_date"] == [
        "The target date must come after the start date."
    ]
    assert Initiative.objects.get().target_date == datetime.date(2024, 6, 30)


def test_initiative_owner_edits_their_initiative_but_not_anothers(client):
    owner = staff(UserFactory(username="owner"))
    own, other = InitiativeFactory(owner=owner, title="Mine"), InitiativeFactory(title="Theirs")
    client.force_login(owner)

    allowed = client.post(change_url(own), admin_form_data(client.get(change_url(own)), title="Mine, renamed"))
    refused = client.post(change_url(other), admin_form_data(client.get(change_url(other)), title="Taken over"))

    assert (allowed.status_code, refused.status_code) == (302, 403)
    assert set(Initiative.objects.values_list("title", flat=True)) == {"Mine, renamed", "Theirs"}


# --- IT requests --------------------------------------------------------------------------------------


def test_liaison_files_a_request_for_their_department_only_and_cannot_approve_it(client):
    water, police = DepartmentFactory(name="Water Services"), DepartmentFactory(name="Police")
    plan = PlanFactory()
    liaison = staff(UserFactory(username="liaison"))
    MembershipFactory(user=liaison, department=water, role=DepartmentMembership.Role.LIAISON)
    client.force_login(liaison)
    url = reverse("admin:initiatives_itrequest_add")
    page = client.get(url)
    base = admin_form_data(page, plan=str(plan.pk), title="AMI meters", amount="250000", fiscal_year="2025")

    refused = client.post(url, {**base, "department": str(police.pk)})
    approving = client.post(url, {**base, "department": str(water.pk), "state": "approved"})
    allowed = client.post(url, {**base, "department": str(water.pk), "state": "submitted"})

    assert refused.context["adminform"].form.errors["department"] == ["You may not file IT requests for Police."]
    assert "state" in approving.context["adminform"].form.errors  # only draft and submitted are offered
    assert allowed.status_code == 302
    request = ITRequest.objects.get()
    assert (request.department, request.state, request.requested_by) == (water, "submitted", liaison)
    assert request.submitted_at is not None


def test_cio_approval_and_exception_record_who_and_when(client, cio):
    request = ITRequestFactory(state=ITRequest.State.SUBMITTED)
    client.force_login(cio)

    response = client.post(
        change_url(request),
        admin_form_data(
            client.get(change_url(request)),
            state="approved",
            exception_reason="Replaces failing hardware now",
        ),
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.decided_by, request.exception_by) == (cio, cio)
    assert request.decided_at is not None and request.exception_at is not None


# --- Report cards ----------------------------------------------------------------------------------------


def test_report_card_summary_is_editable_but_its_figures_are_not_and_a_final_card_is_frozen(client, cio):
    draft = ReportCard.objects.create(plan=PlanFactory(), fiscal_year=2024, status="done")
    final = ReportCard.objects.create(
        plan=draft.plan, fiscal_year=2023, status="done", is_final=True, summary="As issued"
    )
    client.force_login(cio)

    edited = client.post(
        change_url(draft),
        admin_form_data(
            client.get(change_url(draft)),
            summary="Ahead of pace on security",
            fiscal_year="1999",
        ),
    )
    frozen = client.post(change_url(final), {"summary": "Rewritten", "recommendations": ""})

    assert edited.status_code == 302 and frozen.status_code == 403
    draft.refresh_from_db()
    assert (draft.summary, draft.fiscal_year) == ("Ahead of pace on security", 2024)
    assert ReportCard.objects.get(pk=final.pk).summary == "As issued"
    assert client.get(reverse("admin:reports_reportcard_add")).status_code == 403


def test_amount_below_zero_is_a_form_error(client, cio):
    request = ITRequestFactory(amount=Decimal("1000"))
    client.force_login(cio)

    response = client.post(change_url(request), admin_form_data(client.get(change_url(request)), amount="-5"))

    assert response.context["adminform"].form.errors["amount"] == ["Must be zero or more."]
    assert ITRequest.objects.get().amount == Decimal("1000")


def test_initiative_with_status_updates_cannot_be_deleted_but_one_without_can(client, cio):
    reported, fresh = InitiativeFactory(title="Reported on"), InitiativeFactory(title="Entered by mistake")
    StatusUpdateFactory(initiative=reported)
    client.force_login(cio)

    refused = client.post(reverse("admin:initiatives_initiative_delete", args=[reported.pk]), {"post": "yes"})
    allowed = client.post(reverse("admin:initiatives_initiative_delete", args=[fresh.pk]), {"post": "yes"})

    # Status updates are a permanent record, so deleting would need a permission nobody has.
    assert refused.status_code == 403
    assert allowed.status_code == 302
    assert list(Initiative.objects.values_list("title", flat=True)) == ["Reported on"]
    assert StatusUpdate.objects.count() == 1
