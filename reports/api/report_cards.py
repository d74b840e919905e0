"""`/api/v1/report-cards/`: list, request (202, rendered in the background), read, and the PDF.

`POST /api/v1/report-cards/ {"plan": id, "fiscal_year": 2025}` freezes the plan's figures and
queues the rendering (reports.services.report_card_request): 202 with the card and its URL in
`Location`; poll `GET /api/v1/report-cards/{id}/` until `status` is `done`, then fetch
`GET /api/v1/report-cards/{id}/pdf/`. Who may request: planboard.core.permissions.can_generate_report_card.
"""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from goals import visibility as goals_visible
from goals.models import Plan
from planboard.api_cache.responses import CachedListMixin
from planboard.core.api import EscapingJSONRenderer, VisibleKey
from reports import services
from reports.models import ReportCard
from reports.report_card.selectors import visible_report_cards


class PDFRenderer(BaseRenderer):
    """Lets a client ask for `Accept: application/pdf`; the PDF itself is streamed as a file, and
    an error sent with this renderer chosen is still JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return EscapingJSONRenderer().render(data)


class ReportCardSerializer(serializers.ModelSerializer):
    plan = VisibleKey(Plan, goals_visible.visible_plans)
    fiscal_year = serializers.IntegerField(min_value=2000, max_value=2100)
    url = serializers.SerializerMethodField(help_text="This card in the API.")
    pdf_url = serializers.SerializerMethodField(help_text="The PDF, once `status` is `done`; null before.")

    class Meta:
        model = ReportCard
        fields = [
            "id",
            "url",
            "plan",
            "fiscal_year",
            "revision",
            "status",
            "error",
            "is_final",
            "summary",
            "recommendations",
            "generated_by",
            "requested_at",
            "generated_at",
            "pdf_url",
        ]
        read_only_fields = [f for f in fields if f not in ("plan", "fiscal_year")]

    def get_validators(self) -> list:
        # The revision is the server's to choose, so the (plan, year, revision) rule is the service's.
        return []

    def get_url(self, obj: ReportCard) -> str:
        return reverse("report-card-detail", args=[obj.pk], request=self.context.get("request"))

    def get_pdf_url(self, obj: ReportCard) -> str | None:
        if not obj.pdf:
            return None
        return reverse("report-card-pdf", args=[obj.pk], request=self.context.get("request"))


class ReportCardDetailSerializer(ReportCardSerializer):
    class Meta(ReportCardSerializer.Meta):
        fields = [*ReportCardSerializer.Meta.fields, "data"]
        read_only_fields = [*ReportCardSerializer.Meta.read_only_fields, "data"]


class ReportCardViewSet(
    CachedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Report cards of the plans the caller may read (the public: final cards of published plans).

    The detail carries the frozen `data` the card was drawn from; the list leaves it out.
    """

    filterset_fields = ["plan", "fiscal_year", "status", "is_final"]
    ordering_fields = ["fiscal_year", "revision", "requested_at", "generated_at"]

    def get_queryset(self):
        cards = visible_report_cards(self.request.user).order_by("plan_id", "-fiscal_year", "-revision")
        return cards.defer("data") if self.action == "list" else cards

    def get_serializer_class(self):
        return ReportCardSerializer if self.action in ("list", "create") else ReportCardDetailSerializer

    @extend_schema(
        responses={
            202: ReportCardSerializer,
            400: OpenApiResponse(description="A field is wrong; nothing was stored."),
        },
        description="Freeze the plan's figures for the fiscal year and queue the PDF. A draft card for that "
        "year is refreshed; after a final one a new revision starts.",
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = serializer.validated_data["plan"]
        try:
            card = services.report_card_request(
                plan=plan, fiscal_year=serializer.validated_data["fiscal_year"], actor=request.user
            )
        except PermissionDenied as denied:
            raise exceptions.PermissionDenied(str(denied)) from None
        body = ReportCardSerializer(card, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="No such card, or its PDF is not ready yet."),
        }
    )
    @action(detail=True, methods=["get"], renderer_classes=[EscapingJSONRenderer, PDFRenderer])
    def pdf(self, request: Request, pk: str | None = None) -> FileResponse:
        card = self.get_object()
        if not card.pdf:
            raise exceptions.NotFound(
                f"The PDF is not ready yet: the report card is {card.get_status_display().lower()}."
            )
        filename = f"{card.plan.slug}-fy{card.fiscal_year}-report-card-rev{card.revision}.pdf"
        return FileResponse(card.pdf.open("rb"), content_type="application/pdf", filename=filename)
