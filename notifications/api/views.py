"""/api/v1/me/devices: the signed-in patient's push devices."""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.schema import ProblemSerializer
from notifications.api.serializers import DeviceInputSerializer, DeviceSerializer
from notifications.models import Device
from notifications.services.devices import device_register, device_remove
from patients.api.me_views import AUTH_ERRORS
from patients.api.permissions import IsPatient


class DevicesView(ListAPIView):
    permission_classes = [IsAuthenticated, IsPatient]
    serializer_class = DeviceSerializer

    queryset = Device.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        return Device.objects.filter(patient=self.request.user.patient, active=True).order_by("id")

    @extend_schema(
        operation_id="me_devices_list",
        summary="The caller's active push devices",
        responses={200: DeviceSerializer(many=True), **AUTH_ERRORS},
        tags=["me"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="me_devices_register",
        summary="Register a push device (upsert by token)",
        description=(
            "201 when the token is new to the caller, 200 when the caller had registered it "
            "(its name and keys are updated and it is active again). A token registered by "
            "another patient becomes the caller's as a new device (201): the answer never "
            "says whether anyone else had it. A Web Push endpoint must be https on a known "
            "push service (WEBPUSH_ALLOWED_HOSTS), never an IP address or a private one."
        ),
        request=DeviceInputSerializer,
        responses={
            200: DeviceSerializer,
            201: DeviceSerializer,
            400: OpenApiResponse(ProblemSerializer, description="Field errors."),
            **AUTH_ERRORS,
        },
        tags=["me"],
    )
    def post(self, request):
        serializer = DeviceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        device, created = device_register(
            patient=request.user.patient,
            platform=data["platform"],
            token=data["token"],
            name=data.get("name", ""),
            keys=dict(data["keys"]) if data.get("keys") else None,
        )
        return Response(
            DeviceSerializer(device).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class DeviceDetailView(APIView):
    permission_classes = [IsAuthenticated, IsPatient]

    @extend_schema(
        operation_id="me_devices_delete",
        summary="Forget a push device",
        responses={
            204: None,
            404: OpenApiResponse(ProblemSerializer, description="Not one of the caller's devices."),
            **AUTH_ERRORS,
        },
        tags=["me"],
    )
    def delete(self, request, pk: int):
        if not device_remove(patient=request.user.patient, device_id=pk):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)
