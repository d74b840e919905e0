"""Content negotiation: the shortcut for the usual request picks what DRF's own negotiation picks."""

import pytest
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from planboard.api_cache.negotiation import ContentNegotiation
from planboard.core.api import EscapingJSONRenderer
from reports.api.report_cards import PDFRenderer

RENDERER_LISTS = [
    [EscapingJSONRenderer()],
    [EscapingJSONRenderer(), PDFRenderer()],
    [PDFRenderer(), EscapingJSONRenderer()],
]


@pytest.mark.parametrize("renderers", RENDERER_LISTS)
@pytest.mark.parametrize(
    "headers, query",
    [
        ({}, {}),
        ({"HTTP_ACCEPT": "*/*"}, {}),
        ({"HTTP_ACCEPT": "application/json"}, {}),
        ({"HTTP_ACCEPT": "application/pdf"}, {}),
        ({}, {"format": "pdf"}),
        ({"HTTP_ACCEPT": "*/*"}, {"format": "json"}),
        ({"HTTP_ACCEPT": "text/html;q=0.9, application/json"}, {}),
    ],
)
def test_the_same_renderer_and_media_type_as_drf(renderers, headers, query):
    request = Request(APIRequestFactory().get("/api/v1/report-cards/", query, **headers))

    def choice(negotiator):
        try:
            renderer, media_type = negotiator.select_renderer(request, renderers)
        except Exception as refused:  # noqa: BLE001 - the same refusal is the same answer
            return type(refused)
        return type(renderer), media_type

    assert choice(ContentNegotiation()) == choice(DefaultContentNegotiation())
