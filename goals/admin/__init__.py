"""Admin pages for plan data, for now all in goals.admin.structure (moved there unchanged).

Importing it here is what registers its pages when Django's admin autodiscovers goals.admin;
RecalculatesPlans is re-exported for initiatives.admin."""

from goals.admin.structure import RecalculatesPlans

__all__ = ["RecalculatesPlans"]
