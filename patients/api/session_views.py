"""/api/v1/me/sessions: the signed-in account's devices, each one a token."""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.schema import ProblemSerializer
from patients.api.auth_serializers import SessionSerializer
from patients.selectors.sessions import sessions_for_user
from patients.services.sessions import session_revoke

UNAUTHENTICATED = {401: OpenApiResponse(ProblemSerializer, description="No, bad or expired token.")}


class SessionsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_sessions_list",
        summary="Where this account is signed in",
        description="One entry per device token, most recently used first.",
        responses={200: SessionSerializer(many=True), **UNAUTHENTICATED},
        tags=["auth"],
    )
    def get(self, request):
        rows = sessions_for_user(user=request.user, current_digest=request.auth.digest)
        return Response(SessionSerializer(rows, many=True).data)


class SessionDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_sessions_delete",
        summary="Sign one device out",
        responses={
            204: OpenApiResponse(description="That device's token no longer works."),
            404: OpenApiResponse(ProblemSerializer, description="Not one of the caller's."),
            **UNAUTHENTICATED,
        },
        tags=["auth"],
    )
    def delete(self, request, pk: int):
        if not session_revoke(user=request.user, session_id=pk):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)
