"""Reading plan export jobs: a job is seen by whoever may read its plan (the export's own rule)."""

from django.db.models import QuerySet

from planboard.core import permissions
from reports.models import PlanExport


def visible_plan_exports(user) -> QuerySet[PlanExport]:
    """The export jobs of the plans `user` may read. The file holds nothing its plan's reader could not
    export themselves, so anyone who may read the plan may fetch it, not only the person who asked;
    a requester who has since lost the plan loses its exports too."""
    return permissions.readable(PlanExport.objects.select_related("plan"), user, "plan__")
