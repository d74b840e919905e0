"""`python manage.py import_plan FILE --user USERNAME`: all or nothing; every problem is listed."""

from planboard.transfer.command_support import ImportCommand


class Command(ImportCommand):
    kind = "plan"
    help = (
        "Import a whole plan (plan, themes, goals, objectives, metrics, initiatives) from .xlsx or .csv. Rows "
        "are matched by their keys (plan slug, goal number, objective code, metric name, initiative code), so "
        "a re-import updates instead of duplicating and an unchanged file changes nothing."
    )
