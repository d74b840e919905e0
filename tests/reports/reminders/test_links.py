"""The links in a reminder e-mail: List-Unsubscribe (RFC 2369 / RFC 8058 one-click) that switches
the user to "off, except escalations", the signed update link (expires, refuses tampering, never
writes), and the settings page reachable from the user menu."""

import datetime

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from reports.models import ReminderSetting
from reports.reminders import links
from reports.reminders.links import update_all_path
from reports.reminders.services import reminders_send
from tests.factories import InitiativeFactory, UserFactory
from tests.reports.reminders.conftest import SITE_URL

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2024, 3, 1)


@pytest.fixture
def maria():
    return UserFactory(username="maria", first_name="Maria")


@pytest.fixture
def message(maria):
    InitiativeFactory(owner=maria, last_update_on=TODAY - datetime.timedelta(45))
    reminders_send(today=TODAY)
    [sent] = mail.outbox
    return sent


def path_of(url: str) -> str:
    assert url.startswith(SITE_URL)
    return url[len(SITE_URL) :]


def setting_of(user) -> str | None:
    return ReminderSetting.objects.filter(user=user).values_list("reminders", flat=True).first()


def test_every_reminder_carries_list_unsubscribe_with_one_click(message, maria):
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith(f"<{SITE_URL}/reminders/unsubscribe/") and header.endswith(">")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert header[1:-1] in message.body
    # The headers are in the message as sent, not only on the Python object.
    raw = message.message().as_string()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw


def test_unsubscribe_get_asks_and_changes_nothing_then_post_applies_without_sign_in(message, maria):
    url = path_of(message.extra_headers["List-Unsubscribe"][1:-1])
    client = Client(enforce_csrf_checks=True)  # a mail client's one-click POST carries no CSRF token

    page = client.get(url)
    assert page.status_code == 200 and b"Stop reminder e-mails" in page.content
    assert setting_of(maria) is None

    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and b"no reminder e-mails except escalations" in done.content
    assert setting_of(maria) == ReminderSetting.Choice.ESCALATIONS_ONLY
    assert maria.reminder_setting.history.first().history_change_reason == "Unsubscribe link in a reminder e-mail"


def test_after_unsubscribing_the_digest_is_not_sent(message, maria):
    Client().post(path_of(message.extra_headers["List-Unsubscribe"][1:-1]))
    mail.outbox.clear()
    assert reminders_send(today=TODAY + datetime.timedelta(days=7)).sent == []


def test_a_tampered_unsubscribe_link_changes_nothing(maria):
    other = UserFactory(username="other")
    token = links.unsubscribe_link(maria.pk).rsplit("/", 2)[-2]
    forged = str(other.pk) + token[token.index(":") :]
    response = Client().post(reverse("reminder-unsubscribe", args=[forged]))
    assert response.status_code == 400 and b"not valid" in response.content
    assert setting_of(other) is None and setting_of(maria) is None


def test_the_signed_link_sends_a_visitor_to_sign_in_and_then_to_the_update_all_page(message, maria, client):
    url = path_of(links.update_link(maria.pk))
    assert SITE_URL + url in message.body

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={update_all_path().replace('/', '%2F')}"

    client.force_login(maria)
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, update_all_path())


def test_the_signed_link_writes_nothing(maria, client):
    before = (ReminderSetting.objects.count(), mail.outbox[:])
    client.get(path_of(links.update_link(maria.pk)))
    client.post(path_of(links.update_link(maria.pk)))
    assert (ReminderSetting.objects.count(), mail.outbox) == before


def test_an_expired_link_says_so_and_offers_the_page_after_sign_in(maria, client, settings, monkeypatch):
    url = path_of(links.update_link(maria.pk))
    later = signing.time.time() + (settings.REMINDER_LINK_MAX_AGE_DAYS * 24 * 3600) + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)

    response = client.get(url)

    assert response.status_code == 400
    assert b"This link has expired." in response.content
    assert f'href="{reverse("login")}?next={update_all_path().replace("/", "%2F")}"'.encode() in response.content


def test_a_link_still_valid_on_its_last_day(maria, client, settings, monkeypatch):
    url = path_of(links.update_link(maria.pk))
    later = signing.time.time() + settings.REMINDER_LINK_MAX_AGE_DAYS * 24 * 3600 - 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert client.get(url).status_code == 302


def test_a_tampered_link_says_so(maria, client):
    url = path_of(links.update_link(maria.pk))
    forged = url.replace(f"/open/{maria.pk}:", f"/open/{maria.pk + 1}:")
    response = client.get(forged)
    assert response.status_code == 400 and b"not valid" in response.content
    client.force_login(maria)
    response = client.get(forged)
    assert response.status_code == 400  # signed in or not, a forged link is refused, not followed


def test_the_settings_page_is_in_the_user_menu_and_saves_the_choice(maria, client):
    client.force_login(maria)
    home = client.get(reverse("my-work"))
    assert f'href="{reverse("reminder-settings")}"'.encode() in home.content

    page = client.get(reverse("reminder-settings"))
    assert page.status_code == 200 and b"Only when something I report is due or late" in page.content
    response = client.post(reverse("reminder-settings"), {"reminders": "due_only"})
    assert response.status_code == 302
    assert setting_of(maria) == "due_only"


def test_a_bad_setting_is_refused_naming_the_field(maria, client):
    client.force_login(maria)
    response = client.post(reverse("reminder-settings"), {"reminders": "hourly"})
    assert response.status_code == 400
    assert b"Reminder e-mails: Select a valid choice." in response.content
    assert setting_of(maria) is None


def test_the_settings_page_needs_sign_in(client):
    response = client.get(reverse("reminder-settings"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
