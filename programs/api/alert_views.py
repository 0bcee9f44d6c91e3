"""The clinic's alerts: list (open by default) and resolve."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from config.api.errors import problem
from config.api.schema import problems
from patients.api.clinician import ClinicianAPIMixin
from patients.models import AuditEvent
from programs.api.alert_serializers import AlertOutSerializer
from programs.api.filters import AlertFilter
from programs.models import Alert
from programs.selectors.clinic import alerts_for_clinic
from programs.services.alerts import AlertAlreadyResolved, alert_resolve


class AlertListView(ClinicianAPIMixin, generics.ListAPIView):
    serializer_class = AlertOutSerializer
    filterset_class = AlertFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Alert.objects.none()
        return alerts_for_clinic(clinic_id=self.clinic_id)

    @extend_schema(
        summary="The clinic's alerts, newest first (open ones unless `status` says otherwise)",
        responses={200: AlertOutSerializer(many=True), **problems(400, 401, 403)},
    )
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self.audit(AuditEvent.Action.READ, [alert.patient_id for alert in page])
        return self.get_paginated_response(AlertOutSerializer(page, many=True).data)


class AlertResolveView(ClinicianAPIMixin, generics.GenericAPIView):
    serializer_class = AlertOutSerializer

    @extend_schema(
        summary="Resolve an open alert",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="Alert id.")],
        request=None,
        responses={200: AlertOutSerializer, **problems(401, 403, 404, 409)},
    )
    def post(self, request, pk):
        alert = get_object_or_404(alerts_for_clinic(clinic_id=self.clinic_id), pk=pk)
        try:
            alert = alert_resolve(alert=alert, by=request.user)
        except AlertAlreadyResolved:
            return problem(409, "This alert is already resolved.")
        self.audit(AuditEvent.Action.UPDATE, [alert.patient_id])
        return Response(AlertOutSerializer(alert).data)
