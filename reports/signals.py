from django.dispatch import receiver

from goals.signals import plan_changed
from reports.tasks import queue_plan_recalculation


@receiver(plan_changed)
def recalculate_changed_plan(sender, plan_id: int, **kwargs) -> None:
    queue_plan_recalculation(plan_id)
