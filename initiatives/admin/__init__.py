"""Admin pages for initiatives, for now all in initiatives.admin.initiatives (moved there unchanged).

Importing it here is what registers its pages when Django's admin autodiscovers initiatives.admin."""

from initiatives.admin import initiatives

__all__ = ["initiatives"]
