"""What every page shares."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def refuse(request: HttpRequest) -> HttpResponse:
    """Anonymous visitors are sent to sign in; signed-in users who may not read get 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied("You may not read this plan.")
