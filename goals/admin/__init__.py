"""Admin pages for setting up a plan by hand: departments, plans and their pillars, drivers and
themes, goals, objectives, metrics and readings.

Django's admin does not nest inlines, so the plan is a chain of pages: a plan lists its goals,
a goal its objectives, an objective its metrics, a metric its readings; each row links to the
child's own page. Who may do what comes from planboard.core.permissions (see planboard/core/admin.py).

Each page, and each inline row, is written through its model's named services in goals.services
(`goal_create`, `goal_update`, `goal_delete`, ...), with the same rules as the API: memberships
through `membership_create/update/delete`, readings through `metric_record_reading` (a change is
a correction) and `reading_delete`.

The package: `departments` (departments and memberships), `structure` (plans, their pillars,
drivers and themes, goals, objectives, metrics), `readings` (metric readings) and `common`
(what they share). Importing them here is what registers their pages when Django's admin
autodiscovers goals.admin.
"""

from goals.admin import common, departments, readings, structure

__all__ = ["common", "departments", "readings", "structure"]
