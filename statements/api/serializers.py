"""What the API reads and writes. Output and input serializers differ where the shapes do:
records are shown with their relations in full and written with slugs."""

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from statements.api.fields import (
    BoundedListField,
    DateTimeField,
    ScalarField,
    SlugRefField,
)
from statements.api.strict import StrictInputMixin
from statements.models import (
    Assertion,
    Certainty,
    Comparator,
    Conflict,
    Entity,
    EntityKind,
    Evidence,
    ExclusionRule,
    Polarity,
    Predicate,
    ReviewDecision,
    Source,
    Statement,
    TimePrecision,
    ValueType,
)

# --- Small references used inside other records. ---


class EntityRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Entity
        fields = ["slug", "name", "kind"]
        read_only_fields = fields


class SourceRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["slug", "title", "url", "publisher", "published_on"]
        read_only_fields = fields


@extend_schema_field({"type": "string", "nullable": True, "readOnly": True})
class UsernameField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="username", read_only=True, allow_null=True, **kwargs)


# --- Catalogue: entities, sources, predicates, exclusion rules. ---


class ImmutableSlugMixin:
    """Refuse to rename: slugs are the stable keys clients, seeds and rules refer to."""

    def validate_slug(self, value):
        if self.instance is not None and value != self.instance.slug:
            raise serializers.ValidationError(
                "A slug cannot change once created.", code="immutable"
            )
        return value


class EntitySerializer(ImmutableSlugMixin, StrictInputMixin, serializers.ModelSerializer):
    part_of = SlugRefField(queryset=Entity.objects.all(), allow_null=True, required=False)
    categories = SlugRefField(
        many=True,
        max_length=100,
        required=False,
        queryset=Entity.objects.filter(kind=EntityKind.CATEGORY),
        help_text="Slugs of the categories (entities of kind category) this entity belongs to.",
    )
    aliases = BoundedListField(
        child=serializers.CharField(max_length=200), required=False, max_length=100
    )

    class Meta:
        model = Entity
        fields = ["id", "slug", "name", "aliases", "kind", "description", "part_of", "categories"]


class SourceSerializer(ImmutableSlugMixin, StrictInputMixin, serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "slug", "title", "url", "publisher", "published_on"]


class PredicateSerializer(ImmutableSlugMixin, StrictInputMixin, serializers.ModelSerializer):
    choices = BoundedListField(
        child=serializers.SlugField(max_length=100), required=False, max_length=100
    )
    subject_kinds = BoundedListField(
        child=serializers.ChoiceField(choices=EntityKind.choices),
        required=False,
        max_length=len(EntityKind.choices),
    )
    object_kinds = BoundedListField(
        child=serializers.ChoiceField(choices=EntityKind.choices),
        required=False,
        max_length=len(EntityKind.choices),
    )
    tolerance = serializers.FloatField(min_value=0, required=False)
    about_tolerance = serializers.FloatField(min_value=0, required=False)

    class Meta:
        model = Predicate
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "value_type",
            "choices",
            "single_valued",
            "tolerance",
            "about_tolerance",
            "subject_kinds",
            "object_kinds",
        ]


class ExclusionRuleSerializer(ImmutableSlugMixin, StrictInputMixin, serializers.ModelSerializer):
    left_predicate = SlugRefField(queryset=Predicate.objects.all())
    right_predicate = SlugRefField(queryset=Predicate.objects.all())
    left_value = ScalarField(allow_null=True, required=False)
    right_value = ScalarField(allow_null=True, required=False)

    class Meta:
        model = ExclusionRule
        fields = [
            "id",
            "slug",
            "description",
            "left_predicate",
            "left_operator",
            "left_value",
            "right_predicate",
            "right_operator",
            "right_value",
            "active",
        ]


# --- Assertions, shown. ---


class AssertionSerializer(serializers.ModelSerializer):
    predicate = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    subject = EntityRefSerializer(read_only=True)
    object = EntityRefSerializer(read_only=True, allow_null=True)
    value = serializers.SerializerMethodField(
        help_text="The entity's slug for entity predicates, else the choice, number or boolean."
    )
    value_display = serializers.CharField(read_only=True)

    class Meta:
        model = Assertion
        fields = [
            "id",
            "predicate",
            "subject",
            "object",
            "value",
            "value_display",
            "comparator",
            "polarity",
            "valid_from",
            "valid_until",
            "time_precision",
            "certainty",
            "note",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {"oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}], "nullable": True}
    )
    def get_value(self, assertion):
        if assertion.object_id is not None:
            return assertion.object.slug
        return assertion.value


class StatementSummarySerializer(serializers.ModelSerializer):
    speaker = EntityRefSerializer(read_only=True)
    source = SourceRefSerializer(read_only=True)

    class Meta:
        model = Statement
        fields = ["id", "ref", "speaker", "source", "said_at", "said_at_precision", "quote"]
        read_only_fields = fields


class EvidenceSummarySerializer(serializers.ModelSerializer):
    source = SourceRefSerializer(read_only=True)
    place = EntityRefSerializer(read_only=True, allow_null=True)
    grade = serializers.CharField(read_only=True, help_text="Admiralty code, e.g. B2.")

    class Meta:
        model = Evidence
        fields = [
            "id",
            "ref",
            "kind",
            "title",
            "source",
            "captured_at",
            "captured_at_precision",
            "place",
            "reliability",
            "credibility",
            "grade",
            "media_url",
        ]
        read_only_fields = fields


class AssertionWithOwnerSerializer(AssertionSerializer):
    statement = StatementSummarySerializer(read_only=True, allow_null=True)
    evidence = EvidenceSummarySerializer(read_only=True, allow_null=True)

    class Meta(AssertionSerializer.Meta):
        fields = [*AssertionSerializer.Meta.fields, "statement", "evidence"]
        read_only_fields = fields


# --- Statements and evidence, shown in full and written with their assertions. ---


class StatementSerializer(StatementSummarySerializer):
    created_by = UsernameField()
    assertions = AssertionSerializer(many=True, read_only=True)

    class Meta(StatementSummarySerializer.Meta):
        fields = [
            *StatementSummarySerializer.Meta.fields,
            "context",
            "created_by",
            "created_at",
            "updated_at",
            "assertions",
        ]
        read_only_fields = fields


class EvidenceSerializer(EvidenceSummarySerializer):
    created_by = UsernameField()
    assertions = AssertionSerializer(many=True, read_only=True)

    class Meta(EvidenceSummarySerializer.Meta):
        fields = [
            *EvidenceSummarySerializer.Meta.fields,
            "description",
            "media_sha256",
            "created_by",
            "created_at",
            "updated_at",
            "assertions",
        ]
        read_only_fields = fields


class AssertionInputSerializer(StrictInputMixin, serializers.Serializer):
    """One assertion as a client writes it: slugs for the predicate and entities."""

    id = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="An existing assertion of this record, to change it in place (its conflicts "
        "keep their reviews). Leave out to add a new one.",
    )
    predicate = SlugRefField(queryset=Predicate.objects.all())
    subject = SlugRefField(queryset=Entity.objects.all())
    value = ScalarField(
        help_text="An entity slug for entity predicates; one of the predicate's choices; "
        "a number; or true/false, as the predicate's value_type says."
    )
    comparator = serializers.ChoiceField(choices=Comparator.choices, default=Comparator.EXACTLY)
    polarity = serializers.ChoiceField(choices=Polarity.choices, default=Polarity.AFFIRMED)
    valid_from = DateTimeField(required=False, allow_null=True, default=None)
    valid_until = DateTimeField(required=False, allow_null=True, default=None)
    time_precision = serializers.ChoiceField(
        choices=TimePrecision.choices, default=TimePrecision.DAY
    )
    certainty = serializers.ChoiceField(choices=Certainty.choices, default=Certainty.ASSERTED)
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        predicate = attrs["predicate"]
        if predicate.value_type == ValueType.ENTITY:
            slug = attrs["value"]
            entity = Entity.objects.filter(slug=slug).first() if isinstance(slug, str) else None
            if entity is None:
                raise serializers.ValidationError(
                    {"value": f"{predicate.slug} takes an entity slug; {slug!r} is not one."},
                    code="does_not_exist",
                )
            attrs["value"] = entity
        return attrs


# Per statement or evidence item; the list's length is checked before any item is read.
MAX_ASSERTIONS = 200


class StatementInputSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A statement as a client writes it, with all its assertions.

    On PUT the assertions replace the statement's: items with an ``id`` change that assertion,
    items without one are added, and assertions left out are deleted. On PATCH, leaving
    ``assertions`` out keeps them as they are.
    """

    speaker = SlugRefField(queryset=Entity.objects.all())
    source = SlugRefField(queryset=Source.objects.all())
    assertions = AssertionInputSerializer(many=True, required=False, max_length=MAX_ASSERTIONS)

    class Meta:
        model = Statement
        fields = [
            "ref",
            "speaker",
            "source",
            "said_at",
            "said_at_precision",
            "quote",
            "context",
            "assertions",
        ]
        # Uniqueness of ``ref`` is checked by the service, which names the field.
        extra_kwargs = {"ref": {"validators": []}}


class EvidenceInputSerializer(StrictInputMixin, serializers.ModelSerializer):
    """An evidence item as a client writes it, with all its assertions (PUT replaces them)."""

    source = SlugRefField(queryset=Source.objects.all())
    place = SlugRefField(queryset=Entity.objects.all(), allow_null=True, required=False)
    assertions = AssertionInputSerializer(many=True, required=False, max_length=MAX_ASSERTIONS)

    class Meta:
        model = Evidence
        fields = [
            "ref",
            "kind",
            "title",
            "source",
            "captured_at",
            "captured_at_precision",
            "place",
            "reliability",
            "credibility",
            "description",
            "media_url",
            "media_sha256",
            "assertions",
        ]
        extra_kwargs = {"ref": {"validators": []}}


class DraftStatementSerializer(StrictInputMixin, serializers.Serializer):
    """A statement to check and not save: who would say it, when, and its assertions."""

    speaker = SlugRefField(queryset=Entity.objects.all())
    source = SlugRefField(queryset=Source.objects.all(), required=False, allow_null=True)
    said_at = DateTimeField()
    # Every conflict's explanation repeats the quote: bounded, so is the response.
    quote = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    assertions = AssertionInputSerializer(
        many=True, allow_empty=False, max_length=settings.CONTRADICT_CHECK_MAX_ASSERTIONS
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read per request, so a deployment's (or a test's) setting applies.
        self.fields["assertions"].max_length = settings.CONTRADICT_CHECK_MAX_ASSERTIONS


# --- Conflicts. ---


class _ConflictWriter:
    """Build a conflict's output as plain dicts, the same keys and formats as the declared
    fields give.

    A page of conflicts through DRF's nested fields costs some 4,000 field lookups; this is the
    same output for a fraction of the CPU. The declared fields stay: they make the schema, and
    ``tests/api/test_serialization.py`` pins this output to theirs field for field.
    """

    def __init__(self):
        # DRF's DateTimeField: aware times in the current zone, ISO 8601 with "Z" for UTC.
        self.datetime_field = serializers.DateTimeField()
        self.date_field = serializers.DateField()
        self.iso_datetimes = api_settings.DATETIME_FORMAT == ISO_8601
        self.iso_dates = api_settings.DATE_FORMAT == ISO_8601
        self.zone = timezone.get_current_timezone() if settings.USE_TZ else None

    def datetime(self, value):
        if value is None:
            return None
        if self.iso_datetimes and self.zone is not None and value.utcoffset() is not None:
            text = value.astimezone(self.zone).isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return self.datetime_field.to_representation(value)

    def date(self, value):
        if value is None:
            return None
        if self.iso_dates:
            return value.isoformat()
        return self.date_field.to_representation(value)

    @staticmethod
    def entity(entity):
        if entity is None:
            return None
        return {"slug": str(entity.slug), "name": str(entity.name), "kind": entity.kind}

    def source(self, source):
        return {
            "slug": str(source.slug),
            "title": str(source.title),
            "url": str(source.url),
            "publisher": str(source.publisher),
            "published_on": self.date(source.published_on),
        }

    def assertion(self, assertion):
        obj = assertion.object if assertion.object_id is not None else None
        return {
            "id": int(assertion.id),
            "predicate": assertion.predicate.slug,
            "subject": self.entity(assertion.subject),
            "object": self.entity(obj),
            "value": obj.slug if obj is not None else assertion.value,
            "value_display": str(assertion.value_display),
            "comparator": assertion.comparator,
            "polarity": assertion.polarity,
            "valid_from": self.datetime(assertion.valid_from),
            "valid_until": self.datetime(assertion.valid_until),
            "time_precision": assertion.time_precision,
            "certainty": assertion.certainty,
            "note": str(assertion.note),
        }

    def statement(self, statement):
        if statement is None:
            return None
        ref = statement.ref
        return {
            "id": int(statement.id),
            "ref": None if ref is None else str(ref),
            "speaker": self.entity(statement.speaker),
            "source": self.source(statement.source),
            "said_at": self.datetime(statement.said_at),
            "said_at_precision": statement.said_at_precision,
            "quote": str(statement.quote),
        }

    def evidence(self, evidence):
        if evidence is None:
            return None
        ref = evidence.ref
        return {
            "id": int(evidence.id),
            "ref": None if ref is None else str(ref),
            "kind": evidence.kind,
            "title": str(evidence.title),
            "source": self.source(evidence.source),
            "captured_at": self.datetime(evidence.captured_at),
            "captured_at_precision": evidence.captured_at_precision,
            "place": self.entity(evidence.place if evidence.place_id is not None else None),
            "reliability": evidence.reliability,
            "credibility": evidence.credibility,
            "grade": str(evidence.grade),
            "media_url": str(evidence.media_url),
        }

    def side(self, assertion):
        return {
            "assertion": self.assertion(assertion),
            "statement": self.statement(
                assertion.statement if assertion.statement_id is not None else None
            ),
            "evidence": self.evidence(
                assertion.evidence if assertion.evidence_id is not None else None
            ),
        }

    def conflict(self, conflict):
        reviewer = conflict.reviewed_by if conflict.reviewed_by_id is not None else None
        return {
            "id": int(conflict.id),
            "rule": str(conflict.rule),
            "kind": conflict.kind,
            "pair_class": conflict.pair_class,
            "status": conflict.status,
            "score": float(conflict.score),
            "explanation": str(conflict.explanation),
            "reason": conflict.reason,
            "side_a": self.side(conflict.assertion_a),
            "side_b": self.side(conflict.assertion_b),
            "review": {
                "decision": conflict.review_decision,
                "note": str(conflict.review_note),
                "reviewed_by": None if reviewer is None else reviewer.username,
                "reviewed_at": self.datetime(conflict.reviewed_at),
            },
            "detected_at": self.datetime(conflict.detected_at),
            "updated_at": self.datetime(conflict.updated_at),
            "retracted_at": self.datetime(conflict.retracted_at),
        }


class _WrittenByHand:
    # Serialize with ``_ConflictWriter``: one writer per serializer, so per request and shared
    # by the rows of a page. No docstring: the schema would take it as the component's.

    def _writer(self) -> _ConflictWriter:
        writer = getattr(self, "_conflict_writer", None)
        if writer is None:
            writer = self._conflict_writer = _ConflictWriter()
        return writer


class ConflictSideSerializer(_WrittenByHand, serializers.Serializer):
    """One side of a conflict: the assertion, and the statement or evidence it comes from."""

    assertion = AssertionSerializer(source="*", read_only=True)
    statement = StatementSummarySerializer(read_only=True, allow_null=True)
    evidence = EvidenceSummarySerializer(read_only=True, allow_null=True)

    def to_representation(self, instance):
        return self._writer().side(instance)


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        source="review_decision", choices=ReviewDecision.choices, read_only=True
    )
    note = serializers.CharField(source="review_note", read_only=True)
    reviewed_by = UsernameField()
    reviewed_at = serializers.DateTimeField(read_only=True, allow_null=True)


class ConflictSerializer(_WrittenByHand, serializers.ModelSerializer):
    side_a = ConflictSideSerializer(source="assertion_a", read_only=True)
    side_b = ConflictSideSerializer(source="assertion_b", read_only=True)
    review = ReviewSerializer(source="*", read_only=True)
    reason = serializers.JSONField(
        read_only=True, help_text="The fields and values the rule compared."
    )

    class Meta:
        model = Conflict
        fields = [
            "id",
            "rule",
            "kind",
            "pair_class",
            "status",
            "score",
            "explanation",
            "reason",
            "side_a",
            "side_b",
            "review",
            "detected_at",
            "updated_at",
            "retracted_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        return self._writer().conflict(instance)


class ConflictReviewInputSerializer(StrictInputMixin, serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[ReviewDecision.CONFIRMED, ReviewDecision.DISMISSED],
        help_text="confirmed: the pair cannot both be true; dismissed: it was flagged wrongly.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class DraftFindingSerializer(serializers.Serializer):
    """A conflict the draft would create: the rule, and what its assertion clashes with."""

    draft_assertion = serializers.IntegerField(
        source="draft", help_text="Index of the draft's assertion in the request's list."
    )
    rule = serializers.CharField()
    kind = serializers.CharField()
    pair_class = serializers.CharField()
    score = serializers.FloatField()
    explanation = serializers.CharField()
    reason = serializers.JSONField()
    on_record = ConflictSideSerializer(
        allow_null=True, help_text="The assertion on record it clashes with, with its owner."
    )
    other_draft_assertion = serializers.IntegerField(
        source="other_draft",
        allow_null=True,
        help_text="Or the index of another assertion of the same draft.",
    )


class DraftCheckResultSerializer(serializers.Serializer):
    conflicts = DraftFindingSerializer(many=True)
