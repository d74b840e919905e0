"""The spend gate through the API: the transitions of an IT request.

`POST /api/v1/it-requests/{id}/submit|approve|reject|exception/` with the request's `version`
(409 when stale); `reject` takes an optional `reason`, `exception` a required `reason`. The
rules are initiatives.it_requests.services; who may read is the `visible_*` queryset (404
otherwise), who may act is planboard.core.permissions (403). Mixed into the it-requests viewset
of initiatives.api.views.
"""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from initiatives.it_requests import services as it_requests

TRANSITION_BODY = inline_serializer(
    "ITRequestTransition",
    {
        "version": serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        "reason": serializers.CharField(required=False, allow_blank=True, max_length=2000),
    },
)


class TransitionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class SpendGateActions:
    """Mixed into the it-requests viewset: the four transitions, each through its service.

    Drafts are edited and deleted through initiatives.it_requests.services too, which refuses
    anything but a draft (400 naming `state`).
    """

    create_service = staticmethod(it_requests.it_request_file)
    update_service = staticmethod(it_requests.it_request_update)
    delete_service = staticmethod(it_requests.it_request_delete)

    rules = it_requests.IT_REQUEST_RULES

    def may_write(self, user, obj) -> bool:
        if self.action in it_requests.TRANSITIONS:
            return it_requests.may_act(user, obj, self.action)
        return super().may_write(user, obj)

    def _transition(self, request: Request, action_name: str) -> Response:
        it_request = self.get_object()
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        kwargs = {"request": it_request, "actor": request.user, "version": body.validated_data["version"]}
        if action_name in ("reject", "exception"):
            kwargs["reason"] = body.validated_data["reason"]
        it_requests.TRANSITIONS[action_name](**kwargs)
        return Response(self.get_serializer(it_request).data)

    @extend_schema(
        request=TRANSITION_BODY, description="Submit a draft for the CIO's decision (the department's liaisons)."
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "submit")

    @extend_schema(
        request=TRANSITION_BODY,
        description="Approve (the CIO): refused, naming `objectives`, without a tie or exception.",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "approve")

    @extend_schema(
        request=TRANSITION_BODY, description="Reject (the CIO), with an optional `reason` kept in the history."
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "reject")

    @extend_schema(request=TRANSITION_BODY, description="Record a CIO exception; `reason` is required.")
    @action(detail=True, methods=["post"])
    def exception(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "exception")
