"""What the goals admin pages share, with each other and with initiatives.admin: `ONLY_RELATED`
(a list filter offering only the rows in use) and `RecalculatesPlans`, for rows the admin saves
directly instead of through a named service."""

from django.contrib import admin

from goals import services

ONLY_RELATED = admin.RelatedOnlyFieldListFilter


class RecalculatesPlans:
    """For rows this admin saves directly (no named service yet): mark the plans they feed for
    recalculation, as the services do."""

    def plans_changed(self, plan_ids: set[int]) -> None:
        for plan_id in sorted(plan_ids):
            services.plan_mark_changed(plan_id=plan_id)
