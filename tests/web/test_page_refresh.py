"""After "Post an update" every part of the initiative page shows the new state (with htmx: the
live part, and the Details block and change history out of band; without: a redirect that draws
the page again), and the message says truly what became of the plan's figures."""

import html as entities

import pytest
from celery import Task
from django.urls import reverse

from planboard.core.tasks import RECALCULATE_PLAN, registered
from tests.web.test_writes import update_data

# Real commits, as in a request: what the service queues on commit runs (inline) or is sent at once,
# before the view writes its message.
pytestmark = pytest.mark.django_db(transaction=True)


def _post(client, initiative, htmx=True, **changes):
    completed = {"status": "completed", "percent_complete": 100, "narrative": "Every account enrolled."}
    data = update_data(initiative, **(completed | changes))
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(reverse("initiative-update", args=[initiative.pk]), data, **headers)
    response.text = entities.unescape(response.content.decode())
    return response


def _part(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def broker(monkeypatch, settings):
    """A broker that takes the recalculation and holds it (Celery's own apply_async, recorded)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent = []
    monkeypatch.setattr(Task, "apply_async", lambda self, args=None, kwargs=None, **options: sent.append(args))
    monkeypatch.setattr(type(registered(RECALCULATE_PLAN)), "broker_unreachable", False)
    return sent


def test_inline_the_whole_page_shows_the_new_state_and_says_recalculated(client, owner, initiative):
    client.force_login(owner)
    response = _post(client, initiative)
    html = response.text
    assert response.status_code == 200
    assert "Update posted (as of" in html and "the plan's figures have been recalculated." in html
    # The figures were recalculated inline: the initiative (and so this one-initiative plan) is 100%.
    assert '<p class="stat" id="initiative-progress">' in html and ">100%<" in _part(html, "initiative-live")
    details = _part(html, "initiative-details")
    assert 'hx-swap-oob="true"' in details and "<dt>Completed</dt>" in details and "Completed, 100%" in details
    history = _part(html, "initiative-history")
    assert 'hx-swap-oob="true"' in history and "Status update as of" in history
    assert "Completed" in history  # the status change, before → after


def test_with_a_broker_the_message_says_queued_not_recalculated(client, owner, initiative, broker):
    client.force_login(owner)
    response = _post(client, initiative)
    html = response.text
    assert broker, "the recalculation was sent to the broker"
    assert "queued for recalculation" in html and "have been recalculated" not in html
    # The record moved at once, the figures not yet: the Details and history show the new state.
    assert "<dt>Completed</dt>" in _part(html, "initiative-details")
    assert "Status update as of" in _part(html, "initiative-history")


def test_with_an_unreachable_broker_the_message_says_so(client, owner, initiative, monkeypatch, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("no broker")

    monkeypatch.setattr(Task, "apply_async", refuse)
    monkeypatch.setattr(type(registered(RECALCULATE_PLAN)), "broker_unreachable", False)
    client.force_login(owner)
    html = _post(client, initiative).text
    assert "could not be queued" in html and "next scheduled run" in html


def test_without_htmx_the_redirect_draws_every_part_again_with_the_true_message(client, owner, initiative, broker):
    client.force_login(owner)
    response = _post(client, initiative, htmx=False)
    assert response.status_code == 302
    page = entities.unescape(client.get(response["Location"]).content.decode())
    assert "queued for recalculation" in page
    assert "<dt>Completed</dt>" in _part(page, "initiative-details")
    assert "Status update as of" in _part(page, "initiative-history")


def test_a_refused_htmx_post_keeps_the_input_and_the_page_parts(client, owner, initiative):
    client.force_login(owner)
    html = _post(client, initiative, percent_complete=50).text
    assert "A completed initiative is 100% complete." in html
    assert "Every account enrolled." in html and 'id="initiative-details"' in html
