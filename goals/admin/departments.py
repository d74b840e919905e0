"""Admin pages for city departments and who belongs to them, the CIO's to set up. Departments are
written through department_create/update/delete, memberships (on their own page or as rows of
their department's) through membership_create/update/delete."""

from django.contrib import admin
from django.db.models import Count

from goals import services
from goals import visibility as goals_visible
from goals.admin.common import ONLY_RELATED
from goals.models import Department, DepartmentMembership
from planboard.core import permissions
from planboard.core.admin import PlanboardAdmin, PlanboardInline


class MembershipInline(PlanboardInline, admin.TabularInline):
    model = DepartmentMembership
    fields = ["user", "role"]
    verbose_name = "member"
    verbose_name_plural = "members and liaisons"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "department")


class AdministratorsOnly:
    """Departments and who belongs to them are the CIO's to set up (their services refuse anyone else)."""

    def may_add(self, user) -> bool:
        return permissions.actor(user).is_admin

    def may_change(self, user, obj) -> bool:
        return permissions.actor(user).is_admin


@admin.register(Department)
class DepartmentAdmin(AdministratorsOnly, PlanboardAdmin):
    rules = services.DEPARTMENT_RULES
    create_service = staticmethod(services.department_create)
    update_service = staticmethod(services.department_update)
    delete_service = staticmethod(services.department_delete)
    list_display = ["name", "slug", "is_active", "member_count"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    slug_from = "name"
    fields = ["name", "slug", "is_active"]
    inlines = [MembershipInline]
    history_list_display = ["name", "is_active"]

    def visible(self, user):
        return goals_visible.visible_departments(user).annotate(member_count=Count("memberships"))

    @admin.display(description="Members", ordering="member_count")
    def member_count(self, obj) -> int:
        return obj.member_count


@admin.register(DepartmentMembership)
class DepartmentMembershipAdmin(AdministratorsOnly, PlanboardAdmin):
    create_service = staticmethod(services.membership_create)
    update_service = staticmethod(services.membership_update)
    delete_service = staticmethod(services.membership_delete)
    list_display = ["user", "department", "role"]
    list_filter = ["role", ("department", ONLY_RELATED)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "department__name"]
    list_select_related = ["user", "department"]
    autocomplete_fields = ["department"]
    fields = ["department", "user", "role"]
    history_list_display = ["role"]

    def visible(self, user):
        return DepartmentMembership.objects.filter(department__in=goals_visible.visible_departments(user))
