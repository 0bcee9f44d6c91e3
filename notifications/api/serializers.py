from urllib.parse import urlsplit

from rest_framework import serializers

from notifications.models import Device


class WebPushKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(max_length=200)
    auth = serializers.CharField(max_length=100)


class DeviceInputSerializer(serializers.Serializer):
    platform = serializers.ChoiceField(choices=Device.Platform.choices)
    token = serializers.CharField(
        min_length=8,
        max_length=2048,
        trim_whitespace=True,
        help_text="FCM registration token, APNs device token, or the Web Push endpoint URL.",
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    keys = WebPushKeysSerializer(required=False, help_text="Web Push only: the browser's keys.")

    def validate(self, attrs):
        platform = attrs["platform"]
        if platform == Device.Platform.WEBPUSH:
            if not attrs.get("keys"):
                raise serializers.ValidationError({"keys": ["Web Push subscriptions need keys."]})
            parts = urlsplit(attrs["token"])
            if parts.scheme != "https" or not parts.netloc:
                raise serializers.ValidationError(
                    {"token": ["A Web Push token is the subscription's https endpoint."]}
                )
        elif "keys" in attrs:
            raise serializers.ValidationError({"keys": ["Only Web Push devices have keys."]})
        if platform == Device.Platform.APNS and not all(
            c in "0123456789abcdefABCDEF" for c in attrs["token"]
        ):
            raise serializers.ValidationError({"token": ["An APNs device token is hexadecimal."]})
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
