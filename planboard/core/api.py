"""Shared pieces of the REST API: pagination, errors, permissions and versioned writes.

The settings name several of these classes, and DRF imports them while rest_framework.views
itself loads, so this module must not import rest_framework.views, generics or viewsets, nor
drf_spectacular.openapi (the schema class lives in planboard/core/api_schema.py). Throttles, token
authentication and the response cache are in planboard/api_cache/.

Every viewset under /api/v1/ is built from these, so the API answers the same way everywhere:

- lists are page-numbered (`?page=&page_size=`, at most 500 a page);
- errors are JSON: `{"field": ["message", ...]}` for bad input (400, `non_field_errors` for the
  object as a whole), `{"detail": "..."}` otherwise, and `{"detail": ..., "current": {...}}` with
  409 when a write carried a stale `version`;
- what a caller may read comes from the view's `visible_*` queryset (invisible objects are 404),
  what they may change from the service rules, both in planboard.core.permissions;
- text is stored as typed: HTML is not interpreted anywhere. JSON responses escape `<`, `>` and
  `&` as \\u003c, \\u003e, \\u0026, so a title holding markup cannot become markup even if a
  consumer pastes the response into a page; decoded, the string is unchanged.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from rest_framework import exceptions, filters, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from planboard.core.choices import Health
from planboard.core.exceptions import ConflictError
from planboard.core.progress import ReportState, grade

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 500


class Pagination(PageNumberPagination):
    """`?page=` and `?page_size=` (default 50, at most 500)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class EscapingJSONRenderer(JSONRenderer):
    """JSON with `<`, `>` and `&` written as unicode escapes: the same data, never live markup."""

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        body = super().render(data, accepted_media_type, renderer_context)
        # In JSON these characters only occur inside strings, where the escape means the same.
        return body.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")


class SearchFilter(filters.SearchFilter):
    """DRF's `?search=`, with a refused term reported against `search`."""

    def get_search_terms(self, request) -> list[str]:
        try:
            return super().get_search_terms(request)
        except exceptions.ValidationError as error:
            raise exceptions.ValidationError({self.search_param: error.detail}) from None


# --- Errors --------------------------------------------------------------------------------


def _field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    """A model's ValidationError as DRF's shape: messages by field, `non_field_errors` for the rest."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else name): messages
            for name, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, plus: model ValidationError → 400 by field, ConflictError → 409 with the current object."""
    if isinstance(exc, ConflictError):
        view = context.get("view")
        current = view.conflict_representation(exc.current)
        return Response({"detail": str(exc), "current": current}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_field_errors(exc))
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, list):
        # Errors are always messages by field; a bare list is about the request as a whole.
        exc = exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.detail})
    # Imported here: rest_framework.views loads this module (through the settings) as it starts.
    from rest_framework.views import exception_handler as drf_exception_handler

    return drf_exception_handler(exc, context)


# --- Permissions -------------------------------------------------------------------------


class PlanboardPermission(BasePermission):
    """Reads are open; the view's queryset (planboard.core.permissions.visible_*) limits what is seen,
    so an object the caller may not see is a 404. Writes need a signed-in user, and a change to an
    existing object the view's `may_write` (planboard.core.permissions via the service rules), else 403.
    Creation is decided by the service once the new object's place (plan, department) is known."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in SAFE_METHODS or view.may_write(request.user, obj)


# --- Serializers ---------------------------------------------------------------------------


class VisibleKey(serializers.PrimaryKeyRelatedField):
    """A related object by id, chosen among those the caller may see (others are "does not exist")."""

    def __init__(self, model: type[Model], visible: Callable[[Any], QuerySet], **kwargs):
        self.visible = visible
        super().__init__(queryset=model._default_manager.all(), **kwargs)

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        return self.visible(getattr(request, "user", None))


VERSION_HELP = (
    "Optimistic concurrency: the version you read. Required to change an object (PUT, PATCH); "
    "a stale one gets 409 and nothing changes. Ignored on creation; the server counts it."
)


class VersionedSerializer(serializers.ModelSerializer):
    """A model serializer whose `version` is read from the object and, on a change, sent back as a check."""

    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False, help_text=VERSION_HELP)

    def get_validators(self) -> list:
        # Duplicates (a name twice in a plan, a code twice in a goal) are reported by the model's
        # clean() against the field; a unique-together validator could only report them as a whole.
        return []

    def to_internal_value(self, data):
        errors = {}
        try:
            values = super().to_internal_value(data)
        except exceptions.ValidationError as error:
            errors, values = dict(error.detail), {}
        if self.instance is not None and isinstance(data, dict) and data.get("version") in (None, ""):
            errors["version"] = ["Send the version you read (the object's `version`) to change it."]
        if errors:
            raise exceptions.ValidationError(errors)
        return values


class ProgressSerializer(VersionedSerializer):
    """Adds the cached figures (read-only, written by the progress engine) and their grade."""

    # Declared rather than derived: DRF derives read-only model fields without null or blank,
    # and "none" (null progress, blank health) is a real answer here.
    progress = serializers.FloatField(read_only=True, allow_null=True, help_text="0..1; null: nothing to measure yet.")
    pace = serializers.FloatField(read_only=True, allow_null=True, help_text="Expected progress by now, 0..1.")
    health = serializers.ChoiceField(
        choices=Health.choices, allow_blank=True, read_only=True, help_text="Blank until there is a figure."
    )
    computed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    grade = serializers.SerializerMethodField(
        help_text="Report-card grade A-F from progress and pace; null: not graded."
    )

    def get_grade(self, obj) -> str | None:
        return grade(obj.progress, obj.pace)


PROGRESS_FIELDS = ["progress", "pace", "health", "computed_at", "grade"]


class ReportingSerializer(serializers.Serializer):
    """Mixed into initiatives' and metrics' serializers: the cached reporting figures, read-only
    (planboard.core.progress.report_state); blank and null when the item owes nothing."""

    report_due_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="Due date of the period the item owes a report for now."
    )
    reported_through = serializers.DateField(
        read_only=True, allow_null=True, help_text="Last day of the latest period the item has reported for."
    )
    report_state = serializers.ChoiceField(
        choices=[(value, label) for value, label in ReportState.LABELS.items() if value],
        allow_blank=True,
        read_only=True,
        help_text="reported, due or late; blank when the item owes no report.",
    )


REPORTING_FIELDS = ["report_due_on", "reported_through", "report_state"]


# --- Views ---------------------------------------------------------------------------------


def version_from_query(request) -> int:
    """The `version` query parameter of a DELETE, or a 400 naming it."""
    raw = request.query_params.get("version", "")
    if not raw.isdigit() or int(raw) < 1:
        raise exceptions.ValidationError(
            {"version": ["Send the version you read as ?version=<number> to delete the object."]}
        )
    return int(raw)


class VersionedWriteMixin:
    """Reads from the caller's `visible_*` queryset; create, update and delete through a service,
    with the `version` check (see the module docstring). Mix into a DRF ModelViewSet.

    A view sets `visible` (a `visible_*` queryset function), `rules` (the model's ItemRules, for
    the object-level permission) and its model's three named services, called as
    `create_service(actor=, data=)`, `update_service(instance=, actor=, data=, version=)` and
    `delete_service(instance=, actor=, version=)` (e.g. goals.services.goal_create, goal_update,
    goal_delete); the services check permission, lock, compare versions, validate, audit and mark
    the plan for recalculation.
    """

    visible: Callable[[Any], QuerySet]
    rules: Any
    create_service: Callable[..., Model]
    update_service: Callable[..., Model]
    delete_service: Callable[..., None]

    def get_queryset(self) -> QuerySet:
        return self.optimize(type(self).visible(self.request.user))

    def optimize(self, queryset: QuerySet) -> QuerySet:
        """The related rows the serializer reads, fetched with the list (no query per row)."""
        return queryset

    def may_write(self, user, obj: Model) -> bool:
        if self.action == "destroy":
            return self.rules.may_remove(user, obj)
        return self.rules.may_change(user, obj)

    def conflict_serializer(self) -> serializers.Serializer:
        return self.get_serializer_class()()

    def conflict_representation(self, current: Model) -> dict:
        return self.get_serializer(current).data

    def extra_create_data(self) -> dict:
        """Fields the server sets on creation (for example who filed a request)."""
        return {}

    def perform_create(self, serializer) -> None:
        data = {**serializer.validated_data, **self.extra_create_data()}
        data.pop("version", None)
        serializer.instance = type(self).create_service(actor=self.request.user, data=data)

    def perform_update(self, serializer) -> None:
        data = dict(serializer.validated_data)
        version = data.pop("version")
        serializer.instance = type(self).update_service(
            instance=serializer.instance, actor=self.request.user, data=data, version=version
        )

    def perform_destroy(self, instance: Model) -> None:
        type(self).delete_service(instance=instance, actor=self.request.user, version=version_from_query(self.request))
