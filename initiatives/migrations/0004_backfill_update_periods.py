"""Every existing status update reports for the period its date falls in the reporting window of
(planboard.core.periods.period_owed_on), with its plan's reporting settings."""

from django.db import migrations

from planboard.core.periods import ReportingCalendar


def backfill(apps, schema_editor):
    Plan = apps.get_model("goals", "Plan")
    StatusUpdate = apps.get_model("initiatives", "StatusUpdate")
    for plan in Plan.objects.only("pk", "reporting_cadence", "fiscal_year_start_month", "reporting_due_days"):
        calendar = ReportingCalendar(plan.reporting_cadence, plan.fiscal_year_start_month, plan.reporting_due_days)
        updates = StatusUpdate.objects.filter(initiative__plan_id=plan.pk, period_ends_on__isnull=True)
        by_period: dict = {}
        for day in updates.order_by().values_list("as_of", flat=True).distinct():
            by_period.setdefault(calendar.owed_on(day).ends_on, []).append(day)
        for ends_on, days in by_period.items():
            updates.filter(as_of__in=days).update(period_ends_on=ends_on)


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0005_reporting_periods"),
        ("initiatives", "0003_reporting_figures"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
