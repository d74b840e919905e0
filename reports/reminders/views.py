"""The reminder pages: the user's settings, the signed link from the e-mail, and unsubscribe.

The link view and the unsubscribe view are reached from an e-mail without a session. The link
view never writes: it sends a signed-in user to the update-all page and anyone else to sign in
first. Unsubscribe is the one action allowed without sign-in (its signed token names the user):
GET shows a confirmation form, POST applies it. The POST is exempt from CSRF because a mail
client's one-click unsubscribe (RFC 8058) posts without a form token; the signature is the proof.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from reports.models import ReminderSetting
from reports.reminders.forms import ReminderSettingForm
from reports.reminders.links import unsubscribe_user_id, update_all_path, update_link_user_id
from reports.reminders.services import reminder_setting_update


@login_required
@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    setting = ReminderSetting.objects.filter(user=request.user).first()
    initial = {"reminders": setting.reminders if setting else ReminderSetting.Choice.WEEKLY}
    form = ReminderSettingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        reminder_setting_update(user=request.user, reminders=form.cleaned_data["reminders"], reason="Settings page")
        messages.success(request, "Your reminder setting is saved.")
        return redirect("reminder-settings")
    return render(
        request,
        "reports/reminders/settings.html",
        {"form": form, "nav": "reminders"},
        status=400 if form.errors else 200,
    )


def reminder_open(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mail's "update all your items" link: to the page after sign-in, or why it cannot."""
    target = update_all_path()
    sign_in = f"{reverse('login')}?{urlencode({'next': target})}"
    try:
        user_id = update_link_user_id(token)
    except signing.SignatureExpired:
        problem = "This link has expired."
    except (signing.BadSignature, ValueError):
        problem = "This link is not valid: it may have been changed or cut short."
    else:
        if not request.user.is_authenticated:
            return redirect(sign_in)
        if request.user.pk != user_id:
            messages.info(request, "That link was sent to someone else; these are your own items.")
        return redirect(target)
    context = {"problem": problem, "target": target, "sign_in": sign_in}
    return render(request, "reports/reminders/link_problem.html", context, status=400)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def reminder_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = get_user_model().objects.get(pk=unsubscribe_user_id(token), is_active=True)
    except (signing.BadSignature, ValueError, get_user_model().DoesNotExist):
        return render(request, "reports/reminders/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        reminder_setting_update(
            user=user, reminders=ReminderSetting.Choice.ESCALATIONS_ONLY, reason="Unsubscribe link in a reminder e-mail"
        )
        done = True
    return render(request, "reports/reminders/unsubscribe.html", {"person": user, "done": done})
