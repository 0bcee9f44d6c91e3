"""Sign-in for the companion app and clinic tools: login, logout, activation.

Each sign-in creates one knox token (stored hashed) for that device. A token
expires after TOKEN_TTL without use and every request pushes its expiry forward,
so a patient who opens the app every few days stays signed in; logout deletes
only the token that made the request.
"""

import hashlib

from django.contrib.auth import authenticate, user_logged_in, user_logged_out
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import get_token_model
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from config.api.schema import ProblemSerializer
from patients.api.auth_serializers import ActivateSerializer, LoginSerializer, TokenSerializer
from patients.services.invites import CODE_TTL, ActivationError, activation_code_redeem

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


class LoginFailuresPerEmailThrottle(SimpleRateThrottle):
    """Failed logins for one email address, from any client, at the `login` rate.

    Only failures count (the view records them), so someone guessing a password
    from many addresses is slowed down while the owner's successful logins never are.
    """

    scope = "login"

    def get_cache_key(self, request, view):
        data = request.data
        email = data.get("email") if isinstance(data, dict) else None
        if not isinstance(email, str) or not email.strip():
            return None
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": "login_email", "ident": digest}

    def throttle_success(self):
        return True  # checking does not count; record_failure does

    def record_failure(self, request, view) -> None:
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return
        self.now = self.timer()
        history = [t for t in self.cache.get(self.key, []) if t > self.now - self.duration]
        history.insert(0, self.now)
        self.cache.set(self.key, history, self.duration)


def role_of(user) -> str | None:
    if hasattr(user, "patient"):
        return "patient"
    if hasattr(user, "clinician"):
        return "clinician"
    return None


def token_response(request, user, role: str) -> Response:
    """A new token for this device, and the signal that records the login."""
    instance, token = get_token_model().objects.create(user=user)
    user_logged_in.send(sender=user.__class__, request=request._request, user=user)
    body = TokenSerializer({"token": token, "expires_at": instance.expiry, "role": role}).data
    return Response(body, status=status.HTTP_200_OK)


ERROR_RESPONSES = {
    400: OpenApiResponse(ProblemSerializer, description="Invalid input (field errors)."),
    429: OpenApiResponse(ProblemSerializer, description="Too many attempts; see Retry-After."),
}


class LoginView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle, LoginFailuresPerEmailThrottle]
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
            for throttle in self.get_throttles():
                if isinstance(throttle, LoginFailuresPerEmailThrottle):
                    throttle.record_failure(request, self)
            raise InvalidCredentials()
        return token_response(request, user, role)


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


class ActivateView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "activate"

    @extend_schema(
        operation_id="auth_activate",
        summary="Activate a patient account with an invite code",
        description=(
            f"Spends the code (single use, expires after {CODE_TTL.days} days), sets the "
            "password and signs this device in. An unknown, used or expired code answers 400 "
            "with one message on `code`; a weak password answers 400 on `password`."
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
        return token_response(request, patient.user, "patient")
