"""`manage.py api_token USERNAME [--revoke]`: show a user's API token (creating it if needed), or revoke it.

The token goes in the `Authorization: Token <key>` header. Revoking deletes it at once; running
the command again afterwards issues a new key. Administrators can do the same in the admin.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Show (creating if needed) or revoke the REST API token of a user."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="The user whose token to show or revoke.")
        parser.add_argument(
            "--revoke", action="store_true", help="Delete the user's token; API calls with it fail from now on."
        )

    def handle(self, *args, username: str, revoke: bool, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if revoke:
            deleted, _ = Token.objects.filter(user=user).delete()
            self.stdout.write(f"Revoked the API token of {username}." if deleted else f"{username} had no API token.")
            return
        if not user.is_active:
            raise CommandError(f"{username} is not active; activate the account before issuing a token.")
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
