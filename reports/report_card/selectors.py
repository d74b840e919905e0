"""Reading report cards: which a person may see, fetched with what the pages and the API show."""

from django.db.models import QuerySet

from goals import visibility as goals_visible
from planboard.core import permissions
from reports.models import ReportCard


def visible_report_cards(user) -> QuerySet[ReportCard]:
    """Cards of the plans `user` may read; the public (signed out) sees only final cards."""
    cards = ReportCard.objects.filter(plan__in=goals_visible.visible_plans(user)).select_related("plan", "generated_by")
    if permissions.actor(user).is_anonymous:
        cards = cards.filter(is_final=True)
    return cards


def report_card_rows(user) -> QuerySet[ReportCard]:
    """The list of cards by plan and fiscal year, newest first, without their (large) frozen data."""
    return visible_report_cards(user).defer("data").order_by("plan__title", "-fiscal_year", "-revision")
