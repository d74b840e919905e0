"""Admin pages for initiatives, their milestones, alignment scores and status updates, and IT requests.

An initiative's status and percent complete are moved only by status updates, which the admin
posts through `initiative_post_update` (permission, version and validation rules included);
status updates are never changed or deleted. Permissions come from planboard.core.permissions.

Initiatives, milestones and IT requests are written through their named services
(initiatives.services, initiatives.it_requests), with the same rules as the API; alignment
scores are still saved directly (audited, their plan marked for recalculation).

The package: `initiatives` (initiatives, milestones, alignment scores), `status_updates`,
`it_requests` and `common` (what they share). Importing them here is what registers their pages
when Django's admin autodiscovers initiatives.admin.
"""

from initiatives.admin import common, initiatives, it_requests, status_updates

__all__ = ["common", "initiatives", "it_requests", "status_updates"]
