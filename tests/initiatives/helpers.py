"""Helpers for the page tests of the planning features (alignment, IT requests, priority, roadmap)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def signed_in(client, user):
    client.force_login(user)
    return client


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(context)
