"""Token authentication: knox's hashed per-device tokens, answered with 401."""

from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <token>`; expired or revoked tokens answer 401."""

    def authenticate_header(self, request):
        return "Token"
