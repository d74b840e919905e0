"""Mailboxes for the reminder tests: Django's outbox, or a real SMTP server on loopback."""

import email
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core import mail

SITE_URL = "https://planboard.city.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    """Links in the e-mails are absolute, on the city's address."""
    settings.SITE_URL = SITE_URL


class Collect:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1, and Django's SMTP backend pointed at it (no TLS, no login)."""
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    yield handler
    controller.stop()


@pytest.fixture(params=["outbox", "smtp"])
def mailbox(request):
    """The addressees of each message received, in order: from Django's outbox, then (the test run
    again) from a real SMTP server started on loopback."""
    if request.param == "outbox":
        return lambda: [tuple(message.to) for message in mail.outbox]
    server = request.getfixturevalue("smtp_server")
    return lambda: [tuple(message["To"].split(", ")) for message in server.messages]
