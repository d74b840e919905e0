"""The signed links in a reminder e-mail (django.core.signing, each with its own salt).

- Update link: opens the update-all page after sign-in. A TimestampSigner token that expires
  after REMINDER_LINK_MAX_AGE_DAYS; it carries the recipient's id only so the page can say
  "this link was sent to someone else". It grants nothing: the page it leads to needs a
  signed-in user like any other, and the link view never writes.
- Unsubscribe link: switches one user to "off, except escalations", the one action that needs
  no sign-in (RFC 8058 one-click from the mail client). It does not expire: an unsubscribe link
  in an old e-mail must still work.
"""

from django.conf import settings
from django.core import signing
from django.urls import NoReverseMatch, reverse

UPDATE_SALT = "planboard.reminders.update-all"
UNSUBSCRIBE_SALT = "planboard.reminders.unsubscribe"
# The update-all page (helper `updateall`: `cycle:update_all`, /my/update/); My work until it is installed.
UPDATE_ALL_URL_NAMES = ("cycle:update_all", "dashboard:update_all", "my-work")


def update_all_path() -> str:
    for name in UPDATE_ALL_URL_NAMES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    raise NoReverseMatch("No update-all page is installed.")


def update_link(user_id: int) -> str:
    token = signing.TimestampSigner(salt=UPDATE_SALT).sign(str(user_id))
    return settings.SITE_URL + reverse("reminder-open", args=[token])


def update_link_user_id(token: str) -> int:
    """The user id the token was made for; signing.SignatureExpired or signing.BadSignature else."""
    max_age = settings.REMINDER_LINK_MAX_AGE_DAYS * 24 * 3600
    value = signing.TimestampSigner(salt=UPDATE_SALT).unsign(token, max_age=max_age)
    return int(value)


def unsubscribe_link(user_id: int) -> str:
    token = signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user_id))
    return settings.SITE_URL + reverse("reminder-unsubscribe", args=[token])


def unsubscribe_user_id(token: str) -> int:
    """The user id of an unsubscribe token; signing.BadSignature if it was not made here."""
    return int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))


def reminder_headers(user_id: int) -> dict[str, str]:
    """List-Unsubscribe with one-click POST (RFC 2369, RFC 8058) for a reminder to `user_id`."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_link(user_id)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
