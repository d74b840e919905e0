"""What the goals admin pages share, with each other and with initiatives.admin: `ONLY_RELATED`
(a list filter offering only the rows in use)."""

from django.contrib import admin

ONLY_RELATED = admin.RelatedOnlyFieldListFilter
