"""The initiatives, milestones and IT requests a user may read, as querysets: the rules are
planboard.core.permissions.readable and readable_it_requests, applied here to each model."""

from django.db.models import QuerySet

from initiatives.models import Initiative, ITRequest, Milestone
from planboard.core import permissions


def visible_initiatives(user) -> QuerySet[Initiative]:
    return permissions.readable(Initiative.objects.all(), user, "plan__")


def visible_milestones(user) -> QuerySet[Milestone]:
    return permissions.readable(Milestone.objects.all(), user, "initiative__plan__")


def visible_it_requests(user) -> QuerySet[ITRequest]:
    return permissions.readable_it_requests(ITRequest.objects.all(), user)
