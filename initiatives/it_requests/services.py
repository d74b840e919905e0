"""The spend gate: a department's IT requests, from draft to decision.

The Phoenix plan authorizes no IT expenditure without a direct or indirect tie to a plan goal,
or explicit CIO approval. Here that reads:

    draft ──submit──▶ submitted ──approve──▶ approved
                          └──────reject───▶ rejected

- the requesting department's liaisons (and the CIO) file, edit and submit; a request can be
  edited and deleted only while it is a draft;
- the CIO alone approves, rejects and records an exception (with a reason), before the decision;
- approval needs a *tie* to the enterprise plan, direct or indirect (the rule is
  initiatives.it_requests.rules); without a tie, only a recorded CIO exception lets it through.

Every transition is one transaction: the row is locked, the version the caller saw compared
(ConflictError when stale), the state checked (a ValidationError naming `state`), and the change
saved with an audit entry naming who and why; the history keeps when.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from goals.services import ItemRules, Link, plan_item_create, plan_item_delete, plan_item_update
from initiatives.it_requests.rules import objectives_requestable, request_tie
from initiatives.models import ITRequest
from planboard.core import permissions
from planboard.core.audit import save_audited
from planboard.core.exceptions import ConflictError

State = ITRequest.State


def _may_file(user, request: ITRequest) -> bool:
    return permissions.can_file_it_request(user, request.department)


def _may_change_draft(user, request: ITRequest) -> bool:
    return permissions.can_edit_it_request(user, request)


IT_REQUEST_RULES = ItemRules(
    _may_file,
    _may_change_draft,
    plan_id=lambda _r: None,
    links={
        "objectives": Link(
            objectives_requestable, "the request's enterprise plan or its department's IT plan aligned to it"
        )
    },
    refusal=lambda r, _action: ("department", f"You may not file IT requests for {r.department}."),
)


def _state_error(request: ITRequest, action: str, allowed: Iterable[str]) -> ValidationError:
    names = " or ".join(State(s).label.lower() for s in allowed)
    return ValidationError(
        {"state": f"This request is {request.get_state_display().lower()}; only a {names} request can be {action}."}
    )


# --- Filing and editing drafts ------------------------------------------------------------------


def it_request_file(*, actor, data: dict, reason: str = "") -> ITRequest:
    """File a new draft request: `data` holds department, plan, title, amount, fiscal_year and
    optionally justification and objectives (a list). The filer is recorded as `requested_by`.

    Raises PermissionDenied unless `actor` is a liaison of the department (or the CIO), and
    ValidationError naming each bad field (nothing is stored).
    """
    data = {k: v for k, v in data.items() if k not in ("state", "requested_by", "version")}
    data |= {"requested_by": actor, "state": State.DRAFT}
    return plan_item_create(model=ITRequest, rules=IT_REQUEST_RULES, actor=actor, data=data, reason=reason)


def it_request_update(*, instance: ITRequest, actor, data: dict, version: int, reason: str = "") -> ITRequest:
    """Change a draft request seen at `version` (see goals.services.plan_item_update).

    A submitted or decided request is refused with an error on `state`: what the CIO weighs is
    what was submitted.
    """
    if instance.state != State.DRAFT:
        raise _state_error(instance, "edited", [State.DRAFT])
    data = {k: v for k, v in data.items() if k not in ("state", "requested_by")}
    with transaction.atomic():
        if (
            ITRequest.objects.select_for_update().filter(pk=instance.pk).values_list("state", flat=True).get()
            != State.DRAFT
        ):
            raise _state_error(ITRequest.objects.get(pk=instance.pk), "edited", [State.DRAFT])
        return plan_item_update(
            instance=instance, actor=actor, data=data, version=version, rules=IT_REQUEST_RULES, reason=reason
        )


def it_request_delete(*, instance: ITRequest, actor, version: int, reason: str = "") -> None:
    """Delete a draft request seen at `version`; submitted and decided requests stay on record."""
    if instance.state != State.DRAFT:
        raise _state_error(instance, "deleted", [State.DRAFT])
    plan_item_delete(instance=instance, actor=actor, version=version, rules=IT_REQUEST_RULES, reason=reason)


# --- Transitions --------------------------------------------------------------------------------


def _locked(request: ITRequest, version: int) -> ITRequest:
    current = ITRequest.objects.select_for_update(of=("self",)).select_related("department", "plan").get(pk=request.pk)
    if current.version != version:
        raise ConflictError(current)
    return current


def _finish(request: ITRequest, current: ITRequest) -> ITRequest:
    """The caller's object brought up to date too, so it never shows the old state."""
    request.refresh_from_db()
    return current


def it_request_submit(*, request: ITRequest, actor, version: int) -> ITRequest:
    """Submit a draft for the CIO's decision; records when. The department's liaisons and the CIO."""
    if not permissions.can_edit_it_request(actor, request):
        raise PermissionDenied("You may not submit this department's IT requests.")
    with transaction.atomic():
        current = _locked(request, version)
        if current.state != State.DRAFT:
            raise _state_error(current, "submitted", [State.DRAFT])
        current.state, current.submitted_at = State.SUBMITTED, timezone.now()
        save_audited(current, actor=actor, reason="Submitted for decision")
    return _finish(request, current)


def it_request_approve(*, request: ITRequest, actor, version: int) -> ITRequest:
    """Approve a submitted request (the CIO alone). Refused, naming `objectives`, when the request
    has no direct or indirect tie to its enterprise plan and no CIO exception is recorded."""
    if not permissions.can_decide_it_request(actor):
        raise PermissionDenied("Only the CIO may approve IT requests.")
    with transaction.atomic():
        current = _locked(request, version)
        if current.state != State.SUBMITTED:
            raise _state_error(current, "approved", [State.SUBMITTED])
        if not current.has_exception and not request_tie(current).is_tied:
            raise ValidationError(
                {
                    "objectives": (
                        f"This request is not tied to any objective of “{current.plan}”, "
                        "directly or through an aligned "
                        "objective of the department's IT plan; link one, or record a CIO exception with a reason."
                    )
                }
            )
        current.state, current.decided_by, current.decided_at = State.APPROVED, actor, timezone.now()
        save_audited(
            current, actor=actor, reason="Approved with a CIO exception" if current.has_exception else "Approved"
        )
    return _finish(request, current)


def it_request_reject(*, request: ITRequest, actor, version: int, reason: str = "") -> ITRequest:
    """Reject a submitted request (the CIO alone); `reason`, if given, is kept in the audit history."""
    if not permissions.can_decide_it_request(actor):
        raise PermissionDenied("Only the CIO may reject IT requests.")
    with transaction.atomic():
        current = _locked(request, version)
        if current.state != State.SUBMITTED:
            raise _state_error(current, "rejected", [State.SUBMITTED])
        current.state, current.decided_by, current.decided_at = State.REJECTED, actor, timezone.now()
        reason = reason.strip()
        save_audited(current, actor=actor, reason=f"Rejected: {reason}"[:100] if reason else "Rejected")
    return _finish(request, current)


def it_request_grant_exception(*, request: ITRequest, actor, reason: str, version: int) -> ITRequest:
    """Record the CIO's exception: this request may be approved without a tie to the plan.

    The CIO alone, with a reason, before the decision (a draft or submitted request), once.
    """
    if not permissions.can_decide_it_request(actor):
        raise PermissionDenied("Only the CIO may record an exception to the spend gate.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"exception_reason": "A CIO exception needs a reason: why is it approved outside the plan?"}
        )
    with transaction.atomic():
        current = _locked(request, version)
        if current.state not in (State.DRAFT, State.SUBMITTED):
            raise _state_error(current, "given an exception", [State.DRAFT, State.SUBMITTED])
        if current.has_exception:
            raise ValidationError(
                {
                    "exception_reason": (
                        f"An exception was already recorded on {timezone.localtime(current.exception_at):%Y-%m-%d}."
                    )
                }
            )
        current.exception_reason, current.exception_by, current.exception_at = reason, actor, timezone.now()
        save_audited(current, actor=actor, reason="CIO exception recorded")
    return _finish(request, current)


TRANSITIONS = {
    "submit": it_request_submit,
    "approve": it_request_approve,
    "reject": it_request_reject,
    "exception": it_request_grant_exception,
}


def may_act(user, request: ITRequest, action: str) -> bool:
    """Whether `user` may attempt `action` on `request` (the state is checked by the service)."""
    if action == "submit":
        return permissions.can_edit_it_request(user, request)
    return permissions.can_decide_it_request(user)


# --- A form that sets the state directly (the admin): the same transitions, in order ------------

PATHS = {
    (State.DRAFT, State.SUBMITTED): ["submit"],
    (State.DRAFT, State.APPROVED): ["submit", "approve"],
    (State.DRAFT, State.REJECTED): ["submit", "reject"],
    (State.SUBMITTED, State.APPROVED): ["approve"],
    (State.SUBMITTED, State.REJECTED): ["reject"],
}


def it_request_steps(current: ITRequest, *, state: str, exception_reason: str) -> list[str]:
    """The transitions that take `current` (as stored) to `state` and `exception_reason`.

    An exception comes first, so that the approval after it may rely on it. Raises
    ValidationError naming `state` or `exception_reason` for a change no transition makes.
    """
    steps = []
    reason = (exception_reason or "").strip()
    if current.has_exception:
        if reason != current.exception_reason.strip():
            raise ValidationError(
                {"exception_reason": "A recorded CIO exception is part of the record; it cannot be changed."}
            )
    elif reason:
        steps.append("exception")
    if state != current.state:
        if (current.state, state) not in PATHS:
            raise ValidationError(
                {
                    "state": (
                        f"A {current.get_state_display().lower()} request cannot become {State(state).label.lower()}."
                    )
                }
            )
        steps += PATHS[(current.state, state)]
    return steps


def it_request_apply(*, request: ITRequest, actor, steps: list[str], exception_reason: str = "") -> ITRequest:
    """Run `steps` (see `it_request_steps`) through the services, all or nothing."""
    with transaction.atomic():
        for step in steps:
            kwargs = {"request": request, "actor": actor, "version": request.version}
            if step == "exception":
                kwargs["reason"] = exception_reason
            TRANSITIONS[step](**kwargs)
    return request
