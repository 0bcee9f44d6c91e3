"""Sign-in for the companion app and clinic tools: login, logout, activation,
password reset.

Each sign-in creates one knox token (stored hashed) for that device, with the
device's name. A token expires after TOKEN_TTL without use (every request pushes its
expiry forward, so a patient who opens the app every few days stays signed in) and
TOKEN_MAX_AGE after sign-in however often it is used; logout deletes only the token
that made the request, logout-all every token of the account.
"""

from django.contrib.auth import authenticate, user_logged_in, user_logged_out
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.schema import ProblemSerializer
from patients.api.auth_serializers import (
    ActivateSerializer,
    DetailSerializer,
    LoginSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    TokenSerializer,
)
from patients.api.throttles import (
    ActivationFailuresThrottle,
    AddressThrottle,
    LoginFailuresPerEmailThrottle,
    ThrottledView,
)
from patients.services.invites import CODE_TTL, ActivationError, activation_code_redeem
from patients.services.passwords import (
    ResetLinkInvalid,
    password_reset_confirm,
    password_reset_request,
)
from patients.services.sessions import token_create, token_expires_at, user_tokens_revoke

BAD_CREDENTIALS = "Email or password is incorrect."


class TokenScheme(OpenApiAuthenticationExtension):
    """Describes patients.auth.TokenAuthentication in the schema: `Authorization: Token <token>`."""

    target_class = "patients.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token"
        )


class InvalidCredentials(exceptions.APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = BAD_CREDENTIALS
    default_code = "invalid_credentials"
    auth_header = "Token"


def role_of(user) -> str | None:
    if hasattr(user, "patient"):
        return "patient"
    if hasattr(user, "clinician"):
        return "clinician"
    return None


def token_response(request, user, role: str, device_name: str = "") -> Response:
    """A new token for this device, and the signal that records the login."""
    instance, token = token_create(user=user, device_name=device_name)
    user_logged_in.send(sender=user.__class__, request=request._request, user=user)
    expires_at = token_expires_at(instance)
    body = TokenSerializer({"token": token, "expires_at": expires_at, "role": role}).data
    return Response(body, status=status.HTTP_200_OK)


ERROR_RESPONSES = {
    400: OpenApiResponse(ProblemSerializer, description="Invalid input (field errors)."),
    429: OpenApiResponse(ProblemSerializer, description="Too many attempts; see Retry-After."),
}


class LoginView(ThrottledView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressThrottle, LoginFailuresPerEmailThrottle]
    throttle_scope = "login"

    @extend_schema(
        operation_id="auth_login",
        summary="Sign in with email and password",
        description=(
            "Creates a token for this device. Unknown email, wrong password and an "
            "inactive account all answer 401 with the same message."
        ),
        request=LoginSerializer,
        responses={
            200: TokenSerializer,
            401: OpenApiResponse(ProblemSerializer, description="Bad credentials."),
            **ERROR_RESPONSES,
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Django's ModelBackend hashes the password for unknown emails too, so the
        # answer takes as long whether or not the address has an account; it also
        # refuses inactive users.
        user = authenticate(
            request._request,
            username=serializer.validated_data["email"].lower(),
            password=serializer.validated_data["password"],
        )
        role = role_of(user) if user is not None else None
        if role is None:
            raise InvalidCredentials()
        self.attempt_succeeded()
        return token_response(request, user, role, serializer.validated_data.get("device_name", ""))


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_logout",
        summary="Sign this device out",
        description="Deletes the token that made the request; other devices stay signed in.",
        request=None,
        responses={
            204: OpenApiResponse(description="Signed out."),
            401: OpenApiResponse(ProblemSerializer, description="No or bad token."),
        },
        tags=["auth"],
    )
    def post(self, request):
        request.auth.delete()
        user_logged_out.send(
            sender=request.user.__class__, request=request._request, user=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ActivateView(ThrottledView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressThrottle, ActivationFailuresThrottle]
    throttle_scope = "activate"

    @extend_schema(
        operation_id="auth_activate",
        summary="Activate a patient account with an invite code",
        description=(
            f"Spends the code (single use, expires after {CODE_TTL.days} days), sets the "
            "password and signs this device in. The password is checked first: a weak "
            "password answers 400 on `password` whatever the code. An unknown, used or "
            "expired code, or one for an account that already has a password or is "
            "deactivated, answers 400 with one message on `code`. Every attempt counts "
            "against the per-address limit, and every failed one against a limit shared by "
            "all clients."
        ),
        request=ActivateSerializer,
        responses={200: TokenSerializer, **ERROR_RESPONSES},
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        serializer = ActivateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            patient = activation_code_redeem(**serializer.validated_data)
        except ActivationError as exc:
            raise exceptions.ValidationError({"code": [str(exc)]}) from exc
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"password": list(exc.messages)}) from exc
        self.attempt_succeeded()
        return token_response(request, patient.user, "patient")


class LogoutAllView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_logout_all",
        summary="Sign out on every device",
        description="Deletes every token of the account, this one included.",
        request=None,
        responses={
            204: OpenApiResponse(description="Signed out everywhere."),
            401: OpenApiResponse(ProblemSerializer, description="No or bad token."),
        },
        tags=["auth"],
    )
    def post(self, request):
        user_tokens_revoke(user_id=request.user.pk)
        user_logged_out.send(
            sender=request.user.__class__, request=request._request, user=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


RESET_SENT = "If an account uses this address, we have sent it a link to choose a new password."


class PasswordResetView(ThrottledView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressThrottle]
    throttle_scope = "password_reset"

    @extend_schema(
        operation_id="auth_password_reset",
        summary="Email a password reset link",
        description=(
            "Answers 202 with the same message whether or not the address has an account; "
            "an active account with a password gets an email whose link carries `uid` and "
            "`token` for `/auth/password-reset/confirm`."
        ),
        request=PasswordResetSerializer,
        responses={202: DetailSerializer, **ERROR_RESPONSES},
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        password_reset_request(email=serializer.validated_data["email"])
        return Response({"detail": RESET_SENT}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(ThrottledView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressThrottle]
    throttle_scope = "password_reset"

    @extend_schema(
        operation_id="auth_password_reset_confirm",
        summary="Choose a new password with the emailed link",
        description=(
            "Sets the password, signs out every device of the account and signs this one "
            "in. A wrong, used or expired link answers 400 on `token`; a weak password "
            "400 on `password`."
        ),
        request=PasswordResetConfirmSerializer,
        responses={200: TokenSerializer, **ERROR_RESPONSES},
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = password_reset_confirm(**serializer.validated_data)
        except ResetLinkInvalid as exc:
            raise exceptions.ValidationError(
                {"token": ["This link is not valid any more. Ask for a new one."]}
            ) from exc
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"password": list(exc.messages)}) from exc
        role = role_of(user)
        if role is None:
            raise exceptions.ValidationError(
                {"token": ["This link is not valid any more. Ask for a new one."]}
            )
        return token_response(request, user, role)
