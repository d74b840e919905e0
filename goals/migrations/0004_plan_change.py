"""The dirty mark moves from a column of the plan's row to rows of its own (goals.PlanChange), so
that marking a plan changed never locks the plan's row. Plans marked dirty keep one pending change."""

import django.db.models.deletion
from django.db import migrations, models


def carry_dirty_marks(apps, schema_editor):
    Plan = apps.get_model("goals", "Plan")
    PlanChange = apps.get_model("goals", "PlanChange")
    dirty = Plan.objects.filter(needs_recalculation=True).values_list("pk", flat=True)
    PlanChange.objects.bulk_create([PlanChange(plan_id=pk) for pk in dirty])


def restore_dirty_marks(apps, schema_editor):
    Plan = apps.get_model("goals", "Plan")
    PlanChange = apps.get_model("goals", "PlanChange")
    Plan.objects.filter(pk__in=PlanChange.objects.values("plan_id")).update(needs_recalculation=True)


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0003_plan_needs_recalculation_default"),
    ]

    operations = [
        migrations.CreateModel(
            name="PlanChange",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("changed_at", models.DateTimeField(auto_now_add=True)),
                (
                    "plan",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="recalculation_changes",
                        to="goals.plan",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["plan", "id"], name="plan_change_plan_id")],
            },
        ),
        migrations.RunPython(carry_dirty_marks, restore_dirty_marks),
        migrations.RemoveField(
            model_name="plan",
            name="needs_recalculation",
        ),
    ]
