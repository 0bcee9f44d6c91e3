"""Token authentication: knox's hashed per-device tokens, answered with 401.

knox's own `authenticate_credentials` also loads and sweeps every other token of
the user on each request; here the token is found with its user and role rows in
one query, and expired tokens are swept by a periodic task instead
(patients.tasks.purge_expired_tokens). Together with knox's throttled expiry
refresh, an authenticated request costs one query.
"""

import binascii
from hmac import compare_digest

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

INVALID = "Invalid or expired token."


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <token>`; expired or revoked tokens answer 401."""

    def authenticate_header(self, request):
        return "Token"

    def authenticate_credentials(self, token: bytes):
        try:
            token_text = token.decode("utf-8")
            digest = hash_token(token_text)
        except (UnicodeDecodeError, TypeError, binascii.Error, ValueError):
            raise exceptions.AuthenticationFailed(INVALID) from None
        candidates = (
            get_token_model()
            .objects.filter(token_key=token_text[: CONSTANTS.TOKEN_KEY_LENGTH])
            .select_related("user", "user__patient", "user__clinician")
        )
        for auth_token in candidates:
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry < timezone.now():
                auth_token.delete()
                break
            if knox_settings.AUTO_REFRESH and auth_token.expiry:
                self.renew_token(auth_token)
            return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(INVALID)
