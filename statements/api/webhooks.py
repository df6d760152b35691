"""/api/webhooks/: curators manage the subscribers and read their deliveries."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from statements.api.fields import BoundedListField
from statements.api.permissions import IsCurator
from statements.api.strict import StrictInputMixin
from statements.api.views import IF_MATCH, IF_NONE_MATCH, ConditionalMixin
from statements.webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscriber
from statements.webhooks.services import (
    webhook_subscriber_create,
    webhook_subscriber_delete,
    webhook_subscriber_update,
)


class WebhookSubscriberSerializer(StrictInputMixin, serializers.ModelSerializer):
    events = BoundedListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        allow_empty=False,
        max_length=len(WebhookEvent.choices),
    )
    secret = serializers.CharField(
        write_only=True,
        required=False,
        min_length=16,
        max_length=200,
        help_text="Signs each body (HMAC-SHA256 of 't.body'). Left out, one is generated and "
        "shown once, in the response that creates the subscriber; never shown again.",
    )
    secret_hint = serializers.CharField(read_only=True, help_text="The secret's last characters.")

    class Meta:
        model = WebhookSubscriber
        fields = [
            "id",
            "name",
            "url",
            "events",
            "active",
            "secret",
            "secret_hint",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "status",
            "attempts",
            "response_code",
            "last_error",
            "next_attempt_at",
            "created_at",
            "delivered_at",
            "payload",
        ]
        read_only_fields = fields


@extend_schema_view(
    retrieve=extend_schema(parameters=[IF_NONE_MATCH]),
    update=extend_schema(parameters=[IF_MATCH]),
    partial_update=extend_schema(parameters=[IF_MATCH]),
    destroy=extend_schema(parameters=[IF_MATCH]),
)
class WebhookSubscriberViewSet(ConditionalMixin, viewsets.ModelViewSet):
    """Who is told when a dispute opens, changes or is reviewed, or a conflict is retracted.

    Each delivery is a JSON POST signed in ``X-Contradict-Signature: t=<unix time>,v1=<hex
    HMAC-SHA256 of "t.body">``; a failure is retried with exponential backoff. Curators only.
    """

    queryset = WebhookSubscriber.objects.all()
    serializer_class = WebhookSubscriberSerializer
    permission_classes = [IsCurator]
    lookup_value_regex = "[0-9]+"
    filter_backends = []

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        generated = "secret" not in serializer.validated_data
        subscriber = webhook_subscriber_create(created_by=request.user, **serializer.validated_data)
        data = self.get_serializer(subscriber).data
        if generated:
            data["secret"] = subscriber.secret  # this once: it is never shown again
        return Response(data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = webhook_subscriber_update(
            subscriber=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        webhook_subscriber_delete(subscriber=instance)

    @extend_schema(
        summary="Deliveries to a subscriber",
        description="Newest first: each with its status, attempts, last error and response.",
        responses=WebhookDeliverySerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        subscriber = get_object_or_404(WebhookSubscriber, pk=pk)
        page = self.paginate_queryset(subscriber.deliveries.all())
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)
