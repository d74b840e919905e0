"""Content negotiation with the usual request answered at once."""

from rest_framework import negotiation


class ContentNegotiation(negotiation.DefaultContentNegotiation):
    """DRF's content negotiation, with the usual request (no `?format=`, no Accept header or
    `*/*`) answered without parsing: the view's first renderer, which is what DRF would choose."""

    def select_renderer(self, request, renderers, format_suffix=None):
        accept = request.META.get("HTTP_ACCEPT", "*/*")
        if (
            renderers
            and not format_suffix
            and accept == "*/*"
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
