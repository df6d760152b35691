"""Curators' screens for the vocabularies (entity and evidence kinds) and webhooks."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils import timezone

from statements.admin.catalogue import CatalogueAdmin
from statements.models import EntityKind, EvidenceKind
from statements.services.vocabularies import (
    entity_kind_delete,
    entity_kind_upsert,
    entity_kind_users,
    evidence_kind_delete,
    evidence_kind_upsert,
    evidence_kind_users,
)
from statements.webhooks.events import webhook_dispatch
from statements.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscriber,
)
from statements.webhooks.services import (
    webhook_subscriber_create,
    webhook_subscriber_delete,
    webhook_subscriber_update,
)


class VocabularyAdmin(CatalogueAdmin):
    """A kind's slug is fixed once created; one still in use cannot be deleted."""

    list_display = ["slug", "name", "description"]
    search_fields = ["slug", "name", "description"]
    fields = ["slug", "name", "description"]

    def users(self, obj) -> list[str]:
        raise NotImplementedError

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Records name kinds by slug, not by a foreign key, so Django's collector cannot see
        # them: list them as what protects the kind, and the admin refuses the deletion.
        for obj in objs:
            reasons = self.users(obj)
            if isinstance(obj, EntityKind) and obj.slug in EntityKind.BUILT_IN:
                reasons = ["the rule engine (a built-in kind)", *reasons]
            protected.extend(f"{obj}: named by {reason}" for reason in reasons)
        return deleted, counts, perms_needed, protected


@admin.register(EntityKind)
class EntityKindAdmin(VocabularyAdmin):
    def upsert(self, **fields):
        return entity_kind_upsert(**fields)

    def delete(self, obj):
        entity_kind_delete(kind=obj)

    def users(self, obj) -> list[str]:
        return entity_kind_users(obj)


@admin.register(EvidenceKind)
class EvidenceKindAdmin(VocabularyAdmin):
    def upsert(self, **fields):
        return evidence_kind_upsert(**fields)

    def delete(self, obj):
        evidence_kind_delete(kind=obj)

    def users(self, obj) -> list[str]:
        return evidence_kind_users(obj)


# --- Webhooks ---


class WebhookSubscriberForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
    new_secret = forms.CharField(
        required=False,
        min_length=16,
        max_length=200,
        help_text="Replace the signing secret (left empty, it stays; a new subscriber gets a "
        "generated one, shown once after saving).",
    )

    class Meta:
        model = WebhookSubscriber
        fields = ["name", "url", "events", "active"]


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = ["created_at", "event", "status", "attempts", "response_code", "last_error"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-created_at", "-id"]
    show_change_link = True

    def get_queryset(self, request):
        # The latest twenty: the deliveries list has all of them.
        ids = super().get_queryset(request).order_by("-id").values_list("id", flat=True)[:20]
        return super().get_queryset(request).filter(id__in=list(ids))


@admin.register(WebhookSubscriber)
class WebhookSubscriberAdmin(admin.ModelAdmin):
    form = WebhookSubscriberForm
    list_display = ["name", "url", "event_list", "active", "secret_hint"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    readonly_fields = ["secret_hint"]
    inlines = [DeliveryInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_fields(self, request, obj=None):
        return ["name", "url", "events", "active", "secret_hint", "new_secret"]

    @admin.display(description="events")
    def event_list(self, obj) -> str:
        return ", ".join(obj.events)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in ("name", "url", "events", "active")}
        if form.cleaned_data.get("new_secret"):
            fields["secret"] = form.cleaned_data["new_secret"]
        if change:
            saved = webhook_subscriber_update(subscriber=obj, **fields)
        else:
            saved = webhook_subscriber_create(created_by=request.user, **fields)
            if "secret" not in fields:
                self.message_user(
                    request,
                    f"The signing secret of {saved} is {saved.secret} — keep it now: it is "
                    "not shown again.",
                    messages.WARNING,
                )
        obj.pk, obj._state.adding, obj._state.db = saved.pk, False, saved._state.db

    def delete_model(self, request, obj):
        webhook_subscriber_delete(subscriber=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            webhook_subscriber_delete(subscriber=obj)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subscriber", "event", "status", "attempts", "response_code"]
    list_filter = ["status", "event", ("subscriber", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["subscriber"]
    readonly_fields = [
        "subscriber",
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
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False  # deliveries are made by events, not by hand

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Retry now", permissions=["view"])
    def retry_now(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        WebhookDelivery.objects.filter(
            pk__in=ids, status__in=[DeliveryStatus.FAILED, DeliveryStatus.RETRYING]
        ).update(status=DeliveryStatus.RETRYING, next_attempt_at=timezone.now())
        webhook_dispatch(delivery_ids=ids)
        self.message_user(request, f"{len(ids)} deliver(y/ies) sent again.", messages.SUCCESS)
