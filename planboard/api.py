"""The REST API under /api/v1/: one router for every resource, the OpenAPI schema and its docs.

Resources live in each app's `api/` package; this module only wires them. Explanations
(reports.api.views) and the plan export (reports.api.export) are extra detail routes registered
on the same prefixes as the resources they belong to.
"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from goals.api import views as goals
from initiatives.api import views as initiatives
from reports.api import views as reports
from reports.api.export import PlanExportViewSet
from reports.api.export_jobs import PlanExportJobViewSet
from reports.api.report_cards import ReportCardViewSet

# No `.json` suffix routes: JSON is the one format (PDFs are asked for with Accept or `?format=pdf`),
# and every suffix route doubles the patterns each request is matched against.
router = DefaultRouter()
router.include_format_suffixes = False
router.register("departments", goals.DepartmentViewSet, basename="department")
router.register("plans", goals.PlanViewSet, basename="plan")
router.register("plans", PlanExportViewSet, basename="plan-export")
router.register("plans", reports.PlanExplainViewSet, basename="plan-explain")
router.register("plans", initiatives.PlanPlanningViewSet, basename="plan-planning")
router.register("pillars", goals.PillarViewSet, basename="pillar")
router.register("drivers", goals.DriverViewSet, basename="driver")
router.register("themes", goals.ThemeViewSet, basename="theme")
router.register("goals", goals.GoalViewSet, basename="goal")
router.register("goals", reports.GoalExplainViewSet, basename="goal-explain")
router.register("objectives", goals.ObjectiveViewSet, basename="objective")
router.register("objectives", reports.ObjectiveExplainViewSet, basename="objective-explain")
router.register("metrics", goals.MetricViewSet, basename="metric")
router.register("metrics", reports.MetricExplainViewSet, basename="metric-explain")
router.register(r"metrics/(?P<metric_pk>[0-9]+)/readings", goals.ReadingViewSet, basename="metric-reading")
router.register("initiatives", initiatives.InitiativeViewSet, basename="initiative")
router.register("initiatives", reports.InitiativeExplainViewSet, basename="initiative-explain")
router.register(
    r"initiatives/(?P<initiative_pk>[0-9]+)/updates", initiatives.StatusUpdateViewSet, basename="initiative-update"
)
router.register("milestones", initiatives.MilestoneViewSet, basename="milestone")
router.register("it-requests", initiatives.ITRequestViewSet, basename="it-request")
router.register("report-cards", ReportCardViewSet, basename="report-card")
router.register("plan-exports", PlanExportJobViewSet, basename="plan-export-job")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *router.urls,
]
