import re

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from config.api.strict import StrictSerializer
from notifications.channels.webpush import check_endpoint
from notifications.models import Device

APNS_TOKEN = re.compile(r"[0-9a-fA-F]+", re.ASCII)
FCM_TOKEN = re.compile(r"[A-Za-z0-9_:.\-]+", re.ASCII)


class WebPushKeysSerializer(StrictSerializer):
    p256dh = serializers.CharField(max_length=200)
    auth = serializers.CharField(max_length=100)


class DeviceInputSerializer(StrictSerializer):
    platform = serializers.ChoiceField(choices=Device.Platform.choices)
    token = serializers.CharField(
        min_length=8,
        max_length=2048,
        trim_whitespace=True,
        help_text=(
            "fcm: the registration token (letters, digits and - _ : . only); apns: the "
            "device token in hexadecimal; webpush: the subscription's https endpoint URL "
            "on a known push service (WEBPUSH_ALLOWED_HOSTS)."
        ),
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    keys = WebPushKeysSerializer(
        required=False, help_text="Required for webpush, refused for the other platforms."
    )

    def validate(self, attrs):
        platform = attrs["platform"]
        if platform == Device.Platform.WEBPUSH:
            if not attrs.get("keys"):
                raise serializers.ValidationError({"keys": ["Web Push subscriptions need keys."]})
            try:
                check_endpoint(attrs["token"])
            except DjangoValidationError as exc:
                raise serializers.ValidationError(
                    {
                        "token": [
                            f"A Web Push token is a push service's https endpoint. {m}"
                            for m in exc.messages
                        ]
                    }
                ) from exc
        elif "keys" in attrs:
            raise serializers.ValidationError({"keys": ["Only Web Push devices have keys."]})
        if platform == Device.Platform.APNS and not APNS_TOKEN.fullmatch(attrs["token"]):
            raise serializers.ValidationError({"token": ["An APNs device token is hexadecimal."]})
        if platform == Device.Platform.FCM and not FCM_TOKEN.fullmatch(attrs["token"]):
            raise serializers.ValidationError(
                {"token": ["An FCM registration token holds letters, digits and - _ : . only."]}
            )
        return attrs


class DeviceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Device
        fields = ["id", "platform", "name", "active", "created_at", "updated_at"]
        read_only_fields = fields


class WebPushConfigSerializer(serializers.Serializer):
    vapid_public_key = serializers.CharField(
        help_text="applicationServerKey for PushManager.subscribe (base64url)."
    )


class PushConfigSerializer(serializers.Serializer):
    webpush = WebPushConfigSerializer(
        allow_null=True, help_text="null when this server cannot send Web Push."
    )


class EmailSubscriptionSerializer(serializers.Serializer):
    subscribed = serializers.BooleanField(
        help_text="False once the patient used an email's unsubscribe link."
    )
    unsubscribed_at = serializers.DateTimeField(allow_null=True, read_only=True)
    bounced = serializers.BooleanField(
        read_only=True, help_text="The address bounced; no reminder email is sent to it."
    )


class EmailSubscriptionInputSerializer(serializers.Serializer):
    subscribed = serializers.BooleanField(help_text="true to receive reminder emails again.")
