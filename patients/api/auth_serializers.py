"""Request and response shapes of /api/v1/auth/."""

from rest_framework import serializers

from config.api.strict import StrictSerializer

# Long enough for any passphrase, short enough that hashing it is cheap.
PASSWORD_MAX_LENGTH = 256


class LoginSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        max_length=PASSWORD_MAX_LENGTH, trim_whitespace=False, style={"input_type": "password"}
    )
    device_name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="A label for this device's token, e.g. 'Pixel 8'.",
    )


class ActivateSerializer(StrictSerializer):
    code = serializers.CharField(max_length=32, help_text="The invite code from the clinic.")
    password = serializers.CharField(
        max_length=PASSWORD_MAX_LENGTH,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="The new password; checked by the password validators.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Send as `Authorization: Token <token>`; one token per device."
    )
    expires_at = serializers.DateTimeField(
        help_text="When the token expires if unused; every request pushes it forward."
    )
    role = serializers.ChoiceField(choices=["patient", "clinician"])


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64, help_text="`uid` from the emailed link.")
    token = serializers.CharField(max_length=128, help_text="`token` from the emailed link.")
    password = serializers.CharField(
        max_length=PASSWORD_MAX_LENGTH,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="The new password; checked by the password validators.",
    )


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    device_name = serializers.CharField(help_text="The `device_name` given at sign-in.")
    created_at = serializers.DateTimeField(help_text="When this device signed in.")
    last_used_at = serializers.DateTimeField(help_text="Last request, to within a minute.")
    expires_at = serializers.DateTimeField()
    current = serializers.BooleanField(help_text="The session of the token making this request.")
