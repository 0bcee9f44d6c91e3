"""/api/v1/webhooks: a clinic owner's webhook endpoints, their messages and replays."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from config.api.schema import problems
from notifications.api.webhook_serializers import (
    WebhookEndpointCreatedSerializer,
    WebhookEndpointInSerializer,
    WebhookEndpointOutSerializer,
    WebhookMessageSerializer,
)
from notifications.webhooks.endpoints import webhook_endpoint_create, webhook_endpoint_update
from notifications.webhooks.models import WebhookAttempt, WebhookEndpoint, WebhookMessage
from notifications.webhooks.outbox import webhook_message_replay

ENDPOINT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Endpoint id.")
MESSAGE_ID = OpenApiParameter("message_id", int, OpenApiParameter.PATH, description="Message id.")


class IsClinicOwner(BasePermission):
    message = "Only a clinic owner manages webhooks."

    def has_permission(self, request, view) -> bool:
        clinician = getattr(request.user, "clinician", None) if request.user else None
        return bool(
            request.user and request.user.is_authenticated and clinician and clinician.is_owner
        )


def _url_invalid(exc: DjangoValidationError) -> ValidationError:
    return ValidationError({"url": exc.messages})


class OwnerMixin:
    permission_classes = [IsClinicOwner]

    @property
    def clinic_id(self) -> int:
        return self.request.user.clinician.clinic_id

    def get_endpoint(self) -> WebhookEndpoint:
        return get_object_or_404(
            WebhookEndpoint.objects.filter(clinic_id=self.clinic_id), pk=self.kwargs["pk"]
        )


class WebhookEndpointListView(OwnerMixin, generics.ListAPIView):
    serializer_class = WebhookEndpointOutSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookEndpoint.objects.none()
        return WebhookEndpoint.objects.filter(clinic_id=self.clinic_id).order_by("id")

    @extend_schema(
        summary="The clinic's webhook endpoints (owners only)",
        responses={200: WebhookEndpointOutSerializer(many=True), **problems(401, 403)},
        tags=["webhooks"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Register an endpoint; the answer shows its signing secret once",
        request=WebhookEndpointInSerializer,
        responses={201: WebhookEndpointCreatedSerializer, **problems(400, 401, 403)},
        tags=["webhooks"],
    )
    def post(self, request, *args, **kwargs):
        serializer = WebhookEndpointInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            endpoint = webhook_endpoint_create(
                clinic=request.user.clinician.clinic,
                url=data["url"],
                events=data["events"],
                description=data.get("description", ""),
                created_by=request.user,
            )
        except DjangoValidationError as exc:
            raise _url_invalid(exc) from exc
        body = WebhookEndpointCreatedSerializer(endpoint).data
        return Response(body, status=status.HTTP_201_CREATED)


class WebhookEndpointDetailView(OwnerMixin, generics.GenericAPIView):
    serializer_class = WebhookEndpointOutSerializer

    @extend_schema(
        summary="One webhook endpoint",
        parameters=[ENDPOINT_ID],
        responses={200: WebhookEndpointOutSerializer, **problems(401, 403, 404)},
        tags=["webhooks"],
    )
    def get(self, request, pk):
        return Response(WebhookEndpointOutSerializer(self.get_endpoint()).data)

    @extend_schema(
        summary="Change the URL, events or description, or switch it on or off",
        parameters=[ENDPOINT_ID],
        request=WebhookEndpointInSerializer(partial=True),
        responses={200: WebhookEndpointOutSerializer, **problems(400, 401, 403, 404)},
        tags=["webhooks"],
    )
    def patch(self, request, pk):
        endpoint = self.get_endpoint()
        serializer = WebhookEndpointInSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            endpoint = webhook_endpoint_update(endpoint=endpoint, data=serializer.validated_data)
        except DjangoValidationError as exc:
            raise _url_invalid(exc) from exc
        return Response(WebhookEndpointOutSerializer(endpoint).data)

    @extend_schema(
        summary="Remove an endpoint and its messages",
        parameters=[ENDPOINT_ID],
        responses={204: None, **problems(401, 403, 404)},
        tags=["webhooks"],
    )
    def delete(self, request, pk):
        self.get_endpoint().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookMessageListView(OwnerMixin, generics.ListAPIView):
    serializer_class = WebhookMessageSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookMessage.objects.none()
        endpoint = self.get_endpoint()
        return (
            WebhookMessage.objects.filter(endpoint=endpoint)
            .prefetch_related(Prefetch("tries", queryset=WebhookAttempt.objects.order_by("number")))
            .order_by("-created_at", "-id")
        )

    @extend_schema(
        summary="An endpoint's messages, newest first, with every attempt",
        parameters=[ENDPOINT_ID],
        responses={200: WebhookMessageSerializer(many=True), **problems(401, 403, 404)},
        tags=["webhooks"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class WebhookMessageReplayView(OwnerMixin, generics.GenericAPIView):
    serializer_class = WebhookMessageSerializer

    @extend_schema(
        summary="Send a message again (same webhook-id)",
        parameters=[ENDPOINT_ID, MESSAGE_ID],
        request=None,
        responses={202: WebhookMessageSerializer, **problems(401, 403, 404)},
        tags=["webhooks"],
    )
    def post(self, request, pk, message_id):
        message = get_object_or_404(
            WebhookMessage.objects.filter(endpoint=self.get_endpoint()), pk=message_id
        )
        message = webhook_message_replay(message=message)
        return Response(WebhookMessageSerializer(message).data, status=status.HTTP_202_ACCEPTED)
