"""The OpenAPI schema of /api/v1/ (drf-spectacular), with every error response documented.

Kept apart from planboard/core/api.py because drf_spectacular.openapi imports
rest_framework.views, which in turn loads the classes the settings name from api_support.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_parameter_type, force_instance
from drf_spectacular.utils import OpenApiParameter

from planboard.core.api import VersionedWriteMixin

FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Bad input: a list of messages per field (`non_field_errors` for the object as a whole), "
    "or `detail` for a request that could not be read. Nothing was stored.",
    "additionalProperties": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
}
DETAIL_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
ERROR_DESCRIPTIONS = {
    "400": "Bad input; the body names each field at fault.",
    "401": "No valid credentials: sign in or send `Authorization: Token <key>`.",
    "403": "Signed in, but not allowed to do this (planboard.core.permissions).",
    "404": "No such object, or not one the caller may see; or a page past the end.",
    "409": "The `version` sent is stale: someone changed the object first. Nothing was changed; "
    "`current` is the object as stored now.",
    "429": "Too many requests; retry after the number of seconds in `Retry-After`.",
}


class PlanboardAutoSchema(AutoSchema):
    """drf-spectacular's schema, with every error response Planboard can give documented."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["401", "403", "429"]
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        if writes or self._is_list_view():
            codes.append("400")
        if "{" in self.path or self._is_list_view():
            codes.append("404")
        if self.method in ("PUT", "PATCH", "DELETE") or getattr(self.view, "conflict_on_create", False):
            codes.append("409")
        for code in codes:
            responses.setdefault(code, self._error_response(code))
        return responses

    def _component(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref

    def _error_response(self, code: str) -> dict:
        if code == "400":
            schema = self._component("FieldErrors", FIELD_ERRORS_SCHEMA)
        elif code == "409":
            component = self.resolve_serializer(force_instance(self.view.conflict_serializer()), "response")
            schema = {
                "type": "object",
                "properties": {"detail": {"type": "string"}, "current": component.ref},
                "required": ["detail", "current"],
            }
        else:
            schema = self._component("ErrorDetail", DETAIL_SCHEMA)
        return {"description": ERROR_DESCRIPTIONS[code], "content": {"application/json": {"schema": schema}}}

    def _get_parameters(self):
        parameters = super()._get_parameters()
        if self.method == "DELETE" and isinstance(self.view, VersionedWriteMixin):
            parameters.append(
                build_parameter_type(
                    name="version",
                    schema={"type": "integer", "minimum": 1},
                    location=OpenApiParameter.QUERY,
                    required=True,
                    description="The version you read; a stale one gets 409 and nothing is deleted.",
                )
            )
        return parameters
