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
