"""The spend gate: filing, the state machine, the tie to the plan and the CIO exception."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from initiatives.it_requests.rules import request_tie, request_ties
from initiatives.it_requests.services import (
    it_request_approve,
    it_request_delete,
    it_request_file,
    it_request_grant_exception,
    it_request_reject,
    it_request_submit,
    it_request_update,
)
from initiatives.models import ITRequest
from planboard.core.exceptions import ConflictError
from tests.factories import ITRequestFactory


def file(city, objectives=(), actor=None, **extra) -> ITRequest:
    data = {
        "department": city.water,
        "plan": city.enterprise,
        "title": "SCADA sensors",
        "amount": Decimal("90000"),
        "fiscal_year": 2025,
        "objectives": list(objectives),
        **extra,
    }
    return it_request_file(actor=actor or city.water_liaison, data=data)


def submitted(city, objectives=()) -> ITRequest:
    request = file(city, objectives)
    return it_request_submit(request=request, actor=city.water_liaison, version=request.version)


def test_liaison_files_a_draft_in_their_own_name(city):
    request = file(city, [city.e11])
    assert (request.state, request.requested_by) == ("draft", city.water_liaison)
    assert list(request.objectives.all()) == [city.e11]


def test_liaison_of_another_department_cannot_file_for_it(city):
    with pytest.raises(PermissionDenied):
        file(city, actor=city.police_liaison)
    assert not ITRequest.objects.exists()


def test_objectives_of_another_departments_plan_are_refused_by_field(city):
    with pytest.raises(ValidationError) as error:
        file(city, [city.p11])
    assert "objectives" in error.value.message_dict
    assert not ITRequest.objects.exists()


def test_submit_records_when_and_who_in_the_audit_history(city):
    request = submitted(city, [city.e11])
    assert request.state == "submitted" and request.submitted_at is not None
    latest = request.history.first()
    assert (latest.history_user, latest.history_change_reason) == (city.water_liaison, "Submitted for decision")


def test_a_submitted_request_cannot_be_submitted_again_or_edited(city):
    request = submitted(city, [city.e11])
    with pytest.raises(ValidationError) as again:
        it_request_submit(request=request, actor=city.water_liaison, version=request.version)
    assert "state" in again.value.message_dict
    with pytest.raises(ValidationError) as edit:
        it_request_update(
            instance=request, actor=city.water_liaison, data={"amount": Decimal("1")}, version=request.version
        )
    assert "state" in edit.value.message_dict
    request.refresh_from_db()
    assert request.amount == Decimal("90000.00")


def test_a_request_with_no_tie_cannot_be_approved_and_stays_submitted(city):
    request = submitted(city)
    with pytest.raises(ValidationError) as error:
        it_request_approve(request=request, actor=city.cio, version=request.version)
    assert "not tied to any objective" in error.value.message_dict["objectives"][0]
    request.refresh_from_db()
    assert (request.state, request.decided_by, request.decided_at) == ("submitted", None, None)


def test_with_a_cio_exception_an_untied_request_can_be_approved(city):
    request = submitted(city)
    it_request_grant_exception(
        request=request, actor=city.cio, reason="Life-safety system at end of support", version=request.version
    )
    it_request_approve(request=request, actor=city.cio, version=request.version)
    assert (request.state, request.decided_by, request.exception_by) == ("approved", city.cio, city.cio)
    assert request.history.first().history_change_reason == "Approved with a CIO exception"


def test_a_directly_tied_request_is_approved_by_the_cio(city):
    request = submitted(city, [city.e11])
    it_request_approve(request=request, actor=city.cio, version=request.version)
    assert request.state == "approved" and request.decided_at is not None


def test_a_request_tied_through_the_department_plan_is_approved(city):
    # W1.3 → W1.2 → W1.1 → enterprise 1.1: an indirect tie.
    request = submitted(city, [city.w13])
    tie = request_tie(request)
    assert (tie.direct, tie.indirect) == ([], [(city.e11, city.w13)])
    it_request_approve(request=request, actor=city.cio, version=request.version)
    assert request.state == "approved"


def test_a_link_to_an_unaligned_department_objective_is_no_tie(city):
    loose = type(city.w11).objects.create(goal=city.w11.goal, code="W2.1", title="Loose")
    request = submitted(city, [loose])
    with pytest.raises(ValidationError):
        it_request_approve(request=request, actor=city.cio, version=request.version)


@pytest.mark.parametrize("who", ["editor", "water_liaison", "police_liaison", "viewer"])
def test_only_the_cio_records_an_exception(city, who):
    request = submitted(city)
    with pytest.raises(PermissionDenied):
        it_request_grant_exception(request=request, actor=getattr(city, who), reason="Urgent", version=request.version)
    request.refresh_from_db()
    assert (request.exception_reason, request.exception_by) == ("", None)


def test_an_exception_needs_a_reason(city):
    request = submitted(city)
    with pytest.raises(ValidationError) as error:
        it_request_grant_exception(request=request, actor=city.cio, reason="   ", version=request.version)
    assert "exception_reason" in error.value.message_dict
    request.refresh_from_db()
    assert request.exception_by is None


@pytest.mark.parametrize("who", ["editor", "water_liaison"])
def test_only_the_cio_approves_or_rejects(city, who):
    request = submitted(city, [city.e11])
    for decide in (it_request_approve, it_request_reject):
        with pytest.raises(PermissionDenied):
            decide(request=request, actor=getattr(city, who), version=request.version)
    request.refresh_from_db()
    assert request.state == "submitted"


def test_reject_records_the_decision_and_its_reason(city):
    request = submitted(city, [city.e11])
    it_request_reject(request=request, actor=city.cio, version=request.version, reason="Fold into lifecycle program")
    assert (request.state, request.decided_by) == ("rejected", city.cio)
    assert request.history.first().history_change_reason == "Rejected: Fold into lifecycle program"
    with pytest.raises(ValidationError) as error:
        it_request_approve(request=request, actor=city.cio, version=request.version)
    assert "state" in error.value.message_dict


def test_a_draft_cannot_be_decided(city):
    request = file(city, [city.e11])
    with pytest.raises(ValidationError) as error:
        it_request_approve(request=request, actor=city.cio, version=request.version)
    assert error.value.message_dict["state"] == ["This request is draft; only a submitted request can be approved."]


def test_a_stale_version_changes_nothing(city):
    request = submitted(city, [city.e11])
    with pytest.raises(ConflictError):
        it_request_approve(request=request, actor=city.cio, version=request.version - 1)
    request.refresh_from_db()
    assert request.state == "submitted"


def test_liaison_of_another_department_cannot_touch_the_request(city):
    request = file(city, [city.e11])
    with pytest.raises(PermissionDenied):
        it_request_submit(request=request, actor=city.police_liaison, version=request.version)
    with pytest.raises(PermissionDenied):
        it_request_update(instance=request, actor=city.police_liaison, data={"title": "Ours"}, version=request.version)
    with pytest.raises(PermissionDenied):
        it_request_delete(instance=request, actor=city.police_liaison, version=request.version)
    request.refresh_from_db()
    assert (request.state, request.title) == ("draft", "SCADA sensors")


def test_only_drafts_are_deleted(city):
    request = submitted(city, [city.e11])
    with pytest.raises(ValidationError):
        it_request_delete(instance=request, actor=city.water_liaison, version=request.version)
    assert ITRequest.objects.filter(pk=request.pk).exists()


def test_ties_of_many_requests_take_a_fixed_number_of_queries(city, django_assert_max_num_queries):
    for n in range(8):
        request = ITRequestFactory(department=city.water, plan=city.enterprise, title=f"R{n}")
        request.objectives.set([city.w12 if n % 2 else city.e12])
    requests = list(ITRequest.objects.all())
    with django_assert_max_num_queries(7):
        ties = request_ties(requests)
    assert sum(tie.is_tied for tie in ties.values()) == 8
