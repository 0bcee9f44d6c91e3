"""/api/v1/me/devices: the signed-in patient's push devices."""

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.schema import ProblemSerializer
from notifications.api.serializers import (
    DeviceInputSerializer,
    DeviceSerializer,
    EmailSubscriptionInputSerializer,
    EmailSubscriptionSerializer,
    PushConfigSerializer,
)
from notifications.channels.webpush import WebPushChannel
from notifications.models import Device
from notifications.services.devices import device_register, device_remove
from notifications.services.unsubscribe import (
    patient_resubscribe_email,
    patient_unsubscribe_email,
)
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


class PushConfigView(APIView):
    """What a browser needs to subscribe to push: the server's VAPID public key."""

    permission_classes = [IsAuthenticated, IsPatient]

    @extend_schema(
        operation_id="me_push_config",
        summary="Push settings for this server (the Web Push VAPID public key)",
        description=(
            "`webpush` is null unless the server holds a VAPID key pair, its claims "
            "subject and has the webpush channel turned on."
        ),
        responses={200: PushConfigSerializer, **AUTH_ERRORS},
        tags=["me"],
    )
    def get(self, request):
        usable = (
            bool(settings.VAPID_PUBLIC_KEY)
            and WebPushChannel.is_configured()
            and "webpush" in settings.REMINDER_CHANNELS
        )
        webpush = {"vapid_public_key": settings.VAPID_PUBLIC_KEY} if usable else None
        return Response(PushConfigSerializer({"webpush": webpush}).data)


def email_subscription_data(patient) -> dict:
    return EmailSubscriptionSerializer(
        {
            "subscribed": patient.email_unsubscribed_at is None,
            "unsubscribed_at": patient.email_unsubscribed_at,
            "bounced": patient.email_bounced_at is not None,
        }
    ).data


class EmailSubscriptionView(APIView):
    """Whether reminder emails may reach the patient; an unsubscribe undone in the app."""

    permission_classes = [IsAuthenticated, IsPatient]

    @extend_schema(
        operation_id="me_email_subscription",
        summary="Whether the patient unsubscribed from reminder emails",
        responses={200: EmailSubscriptionSerializer, **AUTH_ERRORS},
        tags=["me"],
    )
    def get(self, request):
        return Response(email_subscription_data(request.user.patient))

    @extend_schema(
        operation_id="me_email_subscription_update",
        summary="Subscribe to reminder emails again (or unsubscribe)",
        description=(
            "`subscribed: true` undoes an unsubscribe made from an email's link; "
            "`false` unsubscribes as that link does. A bounced address stays bounced."
        ),
        request=EmailSubscriptionInputSerializer,
        responses={
            200: EmailSubscriptionSerializer,
            400: OpenApiResponse(ProblemSerializer, description="Field errors."),
            **AUTH_ERRORS,
        },
        tags=["me"],
    )
    def put(self, request):
        serializer = EmailSubscriptionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        patient = request.user.patient
        if serializer.validated_data["subscribed"]:
            patient_resubscribe_email(patient=patient)
        else:
            patient_unsubscribe_email(patient=patient)
            patient.refresh_from_db(fields=["email_unsubscribed_at"])
        return Response(email_subscription_data(patient))
