"""API tokens (django-rest-knox): rotate the one you hold, or revoke it or all of yours."""

from drf_spectacular.utils import extend_schema, inline_serializer
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from knox.views import LogoutAllView, LogoutView
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

TokenOut = inline_serializer(
    "NewToken",
    {
        "token": serializers.CharField(help_text="Send as `Authorization: Token <token>`."),
        "expiry": serializers.DateTimeField(allow_null=True, help_text="When it stops working."),
    },
)


class TokenRotateApi(APIView):
    """Swap the token this request carries for a new one (the old one stops working now)."""

    authentication_classes = [TokenAuthentication]  # a session has no token to rotate
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Rotate your API token", request=None, responses={201: TokenOut})
    def post(self, request):
        instance, key = AuthToken.objects.create(user=request.user)
        request.auth.delete()
        return Response({"token": key, "expiry": instance.expiry}, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="Revoke the API token this request carries", request=None, responses={204: None}
)
class TokenLogoutApi(LogoutView):
    pass


@extend_schema(summary="Revoke every API token of yours", request=None, responses={204: None})
class TokenLogoutAllApi(LogoutAllView):
    pass
