from django.dispatch import Signal

# Sent after the transaction that changed a plan's data commits; `plan_id` names the plan.
# The reports app listens and queues a recalculation, so goals and initiatives never import it.
plan_changed = Signal()
