"""The vocabularies over the API: entity kinds and evidence kinds, read by anyone, kept by
curators. Records name a kind by its slug; these lists say which slugs there are."""

from rest_framework import serializers

from statements.api.serializers import ImmutableSlugMixin
from statements.api.strict import StrictInputMixin
from statements.api.views import RecordViewSet, record_schema
from statements.models import EntityKind, EvidenceKind
from statements.services.vocabularies import (
    entity_kind_delete,
    entity_kind_upsert,
    evidence_kind_delete,
    evidence_kind_upsert,
)

KIND_FIELDS = ["slug", "name", "description"]


class EntityKindSerializer(ImmutableSlugMixin, StrictInputMixin, serializers.ModelSerializer):
    class Meta:
        model = EntityKind
        fields = KIND_FIELDS


class EvidenceKindSerializer(ImmutableSlugMixin, StrictInputMixin, serializers.ModelSerializer):
    class Meta:
        model = EvidenceKind
        fields = KIND_FIELDS


class VocabularyViewSet(RecordViewSet):
    """A vocabulary: a kind's slug is fixed once created; one in use cannot be deleted (409)."""

    lookup_field = "slug"
    upsert = None
    remove = None

    def write(self, *, instance, data):
        slug = data.pop("slug", None) or instance.slug
        return type(self).upsert(slug=slug, **data)[0]

    def perform_destroy(self, instance):
        type(self).remove(kind=instance)


@record_schema(EntityKindSerializer, name="entity kinds")
class EntityKindViewSet(VocabularyViewSet):
    """What entities can be: person, state, facility, vessel... (the values of ``kind``)."""

    queryset = EntityKind.objects.all()
    serializer_class = EntityKindSerializer
    upsert = staticmethod(entity_kind_upsert)
    remove = staticmethod(entity_kind_delete)


@record_schema(EvidenceKindSerializer, name="evidence kinds")
class EvidenceKindViewSet(VocabularyViewSet):
    """What evidence items can be: video, photo, inquiry report... (the values of ``kind``)."""

    queryset = EvidenceKind.objects.all()
    serializer_class = EvidenceKindSerializer
    upsert = staticmethod(evidence_kind_upsert)
    remove = staticmethod(evidence_kind_delete)
