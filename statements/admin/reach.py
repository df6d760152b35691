"""Curators' screens for the vocabularies (entity and evidence kinds) and webhooks."""

from __future__ import annotations

from django.contrib import admin

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
