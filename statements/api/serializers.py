"""What the API reads and writes. Output and input serializers differ where the shapes do:
records are shown with their relations in full and written with slugs."""

from types import SimpleNamespace

from django.conf import settings
from django.utils.text import Truncator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from statements.api import fields
from statements.api.fields import (
    VALUE_SCHEMA,
    BoundedListField,
    DateTimeField,
    LinkField,
    OptionalURLField,
    ScalarField,
    SlugRefField,
    iso_datetime,
    link,
)
from statements.api.strict import StrictInputMixin
from statements.models import (
    Assertion,
    Certainty,
    Comparator,
    Conflict,
    Dispute,
    Entity,
    EntityKind,
    Evidence,
    ExclusionRule,
    PairClass,
    Polarity,
    Position,
    Predicate,
    Source,
    Statement,
    TimePrecision,
    ValueType,
    Verdict,
    claim_value,
    tag_list,
)
from statements.text import claim_beside_title, position_text

# How many supporters of each position a dispute's page shows before paging.
SUPPORTERS_SHOWN = 10


def grade_order(grade: str) -> tuple[str, str]:
    """Sort Admiralty grades best first: A1 before B2 before F6."""
    return grade[:1], grade[1:]


# --- Small references used inside other records. ---


class EntityRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Entity
        fields = ["slug", "name", "kind"]
        read_only_fields = fields


class SourceRefSerializer(serializers.ModelSerializer):
    url = OptionalURLField(read_only=True)

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
    url = LinkField("entity", "slug")
    part_of = SlugRefField(queryset=Entity.objects.all(), allow_null=True, required=False)
    categories = SlugRefField(
        many=True,
        max_length=100,
        required=False,
        queryset=Entity.objects.filter(kind=EntityKind.CATEGORY),
        help_text="Slugs of the categories (entities of kind category) this entity belongs to.",
    )
    aliases = BoundedListField(
        child=fields.CharField(max_length=200), required=False, max_length=100
    )

    class Meta:
        model = Entity
        fields = [
            "id",
            "url",
            "slug",
            "name",
            "aliases",
            "kind",
            "description",
            "part_of",
            "categories",
        ]


class SourceSerializer(ImmutableSlugMixin, StrictInputMixin, serializers.ModelSerializer):
    link = LinkField(
        "source", "slug", help_text="This record in the API (url is the source's own)."
    )
    url = OptionalURLField()

    class Meta:
        model = Source
        fields = ["id", "link", "slug", "title", "url", "publisher", "published_on"]


# How many kinds a predicate may accept on one side.
MAX_KINDS = 100


class PredicateSerializer(ImmutableSlugMixin, StrictInputMixin, serializers.ModelSerializer):
    url = LinkField("predicate", "slug")
    choices = BoundedListField(
        child=fields.SlugField(max_length=100), required=False, max_length=100
    )
    # Each kind is checked against the vocabulary by the model, in one query per list.
    subject_kinds = BoundedListField(
        child=fields.SlugField(max_length=50),
        required=False,
        max_length=MAX_KINDS,
        help_text="Slugs of the entity kinds accepted as subject; empty for any.",
    )
    object_kinds = BoundedListField(
        child=fields.SlugField(max_length=50),
        required=False,
        max_length=MAX_KINDS,
        help_text="Slugs of the entity kinds accepted as object; empty for any.",
    )
    tolerance = fields.FloatField(min_value=0, required=False)
    about_tolerance = fields.FloatField(min_value=0, required=False)

    class Meta:
        model = Predicate
        fields = [
            "id",
            "url",
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
    url = LinkField("exclusion-rule", "slug")
    left_predicate = SlugRefField(queryset=Predicate.objects.all())
    right_predicate = SlugRefField(queryset=Predicate.objects.all())
    left_value = ScalarField(allow_null=True, required=False)
    right_value = ScalarField(allow_null=True, required=False)

    class Meta:
        model = ExclusionRule
        fields = [
            "id",
            "url",
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


class ValueMixin:
    """An assertion's or position's value as clients write it, and in words."""

    @extend_schema_field(VALUE_SCHEMA)
    def get_value(self, claim):
        return claim.object.slug if claim.object_id is not None else claim_value(claim)


# --- Assertions, shown. ---


class AssertionSerializer(ValueMixin, serializers.ModelSerializer):
    url = LinkField("assertion")
    predicate = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    position = serializers.IntegerField(source="position_id", read_only=True)
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
            "url",
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
            "position",
        ]
        read_only_fields = fields


class StatementSummarySerializer(serializers.ModelSerializer):
    url = LinkField("statement")
    speaker = EntityRefSerializer(read_only=True)
    source = SourceRefSerializer(read_only=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "url",
            "ref",
            "speaker",
            "source",
            "said_at",
            "said_at_precision",
            "quote",
            "language",
        ]
        read_only_fields = fields


class EvidenceSummarySerializer(serializers.ModelSerializer):
    url = LinkField("evidence")
    source = SourceRefSerializer(read_only=True)
    place = EntityRefSerializer(read_only=True, allow_null=True)
    grade = serializers.CharField(read_only=True, help_text="Admiralty code, e.g. B2.")
    media_url = OptionalURLField(read_only=True)
    label = serializers.CharField(
        read_only=True, help_text="The title, or the description's start when it has none."
    )

    class Meta:
        model = Evidence
        fields = [
            "id",
            "url",
            "ref",
            "kind",
            "title",
            "label",
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

    id = fields.IntegerField(
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
        "a number, or [low, high] with comparator between; or true/false, as the predicate's "
        "value_type says."
    )
    comparator = serializers.ChoiceField(choices=Comparator.choices, default=Comparator.EXACTLY)
    polarity = serializers.ChoiceField(choices=Polarity.choices, default=Polarity.AFFIRMED)
    valid_from = DateTimeField(required=False, allow_null=True, default=None)
    valid_until = DateTimeField(required=False, allow_null=True, default=None)
    time_precision = serializers.ChoiceField(
        choices=TimePrecision.choices, default=TimePrecision.DAY
    )
    certainty = serializers.ChoiceField(choices=Certainty.choices, default=Certainty.ASSERTED)
    note = fields.CharField(required=False, allow_blank=True, default="")

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
            "language",
            "assertions",
        ]
        # Uniqueness of ``ref`` is checked by the service, which names the field.
        extra_kwargs = {"ref": {"validators": []}}

    def validate_ref(self, value):
        # A blank ref is no ref: stored as null, so two records without one do not collide.
        return value or None


class EvidenceInputSerializer(StrictInputMixin, serializers.ModelSerializer):
    """An evidence item as a client writes it, with all its assertions (PUT replaces them)."""

    source = SlugRefField(queryset=Source.objects.all())
    place = SlugRefField(queryset=Entity.objects.all(), allow_null=True, required=False)
    media_url = OptionalURLField()
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

    def validate_ref(self, value):
        return value or None


class DraftStatementSerializer(StrictInputMixin, serializers.Serializer):
    """A statement to check and not save: who would say it, when, and its assertions."""

    speaker = SlugRefField(queryset=Entity.objects.all())
    source = SlugRefField(queryset=Source.objects.all(), required=False, allow_null=True)
    said_at = DateTimeField()
    # Every conflict's explanation repeats the quote: bounded, so is the response.
    quote = fields.CharField(required=False, allow_blank=True, default="", max_length=2000)
    assertions = AssertionInputSerializer(
        many=True, allow_empty=False, max_length=settings.CONTRADICT_CHECK_MAX_ASSERTIONS
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read per request, so a deployment's (or a test's) setting applies.
        self.fields["assertions"].max_length = settings.CONTRADICT_CHECK_MAX_ASSERTIONS


# --- Positions, conflicts and disputes. ---

# How long a quote is in a supporter row (the statement's own URL has all of it).
QUOTE_EXCERPT = 280


class PositionSerializer(ValueMixin, serializers.ModelSerializer):
    """A claim and how many supporters hold it."""

    url = LinkField("position")
    predicate = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    subject = EntityRefSerializer(read_only=True)
    object = EntityRefSerializer(read_only=True, allow_null=True)
    value = serializers.SerializerMethodField(
        help_text="The entity's slug for entity predicates, [low, high] for a range, else the "
        "choice, number or boolean."
    )
    text = serializers.SerializerMethodField(help_text="The claim in words, with its time.")
    supporter_count = serializers.SerializerMethodField()
    dispute = serializers.IntegerField(
        source="dispute_id",
        read_only=True,
        allow_null=True,
        help_text="The dispute the position is in, if its claim clashes with another.",
    )

    class Meta:
        model = Position
        fields = [
            "id",
            "url",
            "text",
            "predicate",
            "subject",
            "object",
            "value",
            "comparator",
            "polarity",
            "valid_from",
            "valid_until",
            "time_precision",
            "supporter_count",
            "dispute",
        ]
        read_only_fields = fields

    def get_text(self, position) -> str:
        return position_text(position)

    def get_supporter_count(self, position) -> int:
        total = getattr(position, "supporter_total", None)
        return total if total is not None else position.supporters.count()


class PositionRowSerializer(PositionSerializer):
    """A position as a list row shows it: the claim in words, its value and supporters."""

    class Meta(PositionSerializer.Meta):
        fields = ["id", "url", "text", "value", "polarity", "supporter_count"]
        read_only_fields = fields


# --- List rows from values (``selectors.position_rows`` and the ``*_rows`` selectors). ---
#
# A list page is read as plain values and shown by the functions below, which build what the
# row serializers declare (the schema reads the declarations): DRF's field-by-field path
# cost 20 of a page's 40 ms of CPU. tests/api/test_list_rows.py holds the two outputs equal.


def claim_of_row(row: dict) -> SimpleNamespace:
    """Return a position value row read the way the text helpers read a Position."""
    return SimpleNamespace(
        **row,
        subject=SimpleNamespace(name=row["subject__name"]),
        predicate=SimpleNamespace(name=row["predicate__name"]),
        object=SimpleNamespace(name=row["object__name"]),
    )


def value_of_row(row: dict, claim) -> object:
    """Return what ``ValueMixin.get_value`` shows for a position value row."""
    return row["object__slug"] if row["object_id"] is not None else claim_value(claim)


def position_row(row: dict) -> dict:
    """Return a position value row as ``PositionRowSerializer`` shows a position."""
    claim = claim_of_row(row)
    return {
        "id": row["id"],
        "url": link("position", row["id"]),
        "text": position_text(claim),
        "value": value_of_row(row, claim),
        "polarity": row["polarity"],
        "supporter_count": row["supporter_total"],
    }


class SupporterStatementSerializer(serializers.ModelSerializer):
    url = LinkField("statement")
    speaker = EntityRefSerializer(read_only=True)
    source = SourceRefSerializer(read_only=True)
    quote_excerpt = serializers.SerializerMethodField()

    class Meta:
        model = Statement
        fields = [
            "id",
            "url",
            "ref",
            "speaker",
            "source",
            "said_at",
            "said_at_precision",
            "quote_excerpt",
        ]
        read_only_fields = fields

    def get_quote_excerpt(self, statement) -> str:
        return Truncator(statement.quote).chars(QUOTE_EXCERPT)


class SupporterSerializer(serializers.ModelSerializer):
    """One statement or evidence item holding a position, with how sure it is."""

    assertion = serializers.IntegerField(source="id", read_only=True)
    position = serializers.IntegerField(source="position_id", read_only=True)
    statement = SupporterStatementSerializer(read_only=True, allow_null=True)
    evidence = EvidenceSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Assertion
        fields = ["assertion", "position", "certainty", "note", "statement", "evidence"]
        read_only_fields = fields


class ConflictSerializer(serializers.ModelSerializer):
    """Two positions that cannot both be true, every rule that sees it, and who holds each."""

    url = LinkField("conflict")
    rules = serializers.ListField(source="rule_list", child=serializers.CharField(), read_only=True)
    pair_classes = serializers.ListField(
        source="pair_class_list",
        child=serializers.ChoiceField(choices=PairClass.choices),
        read_only=True,
        help_text="The kinds of supporter pair between the two positions.",
    )
    supporter_pairs = serializers.JSONField(
        read_only=True,
        help_text="The supporter pairs, grouped: flip-flops by speaker (which side first), "
        "same-side pairs by side, evidence against statements.",
    )
    reasons = serializers.JSONField(
        read_only=True, help_text="Each rule's reason: what it compared, slugs for entities."
    )
    position_a = PositionSerializer(read_only=True)
    position_b = PositionSerializer(read_only=True)
    dispute = serializers.IntegerField(
        source="position_a.dispute_id", read_only=True, allow_null=True
    )

    class Meta:
        model = Conflict
        fields = [
            "id",
            "url",
            "rules",
            "status",
            "score",
            "pair_classes",
            "explanation",
            "reasons",
            "supporter_pairs",
            "position_a",
            "position_b",
            "dispute",
            "detected_at",
            "updated_at",
            "retracted_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        # ``conflict_list`` reads each side's supporter count with the page (no query each).
        for side in ("position_a", "position_b"):
            total = getattr(instance, f"{side}_supporters", None)
            if total is not None:
                getattr(instance, side).supporter_total = total
        return super().to_representation(instance)


class ConflictRowSerializer(ConflictSerializer):
    """A conflict as a list row shows it, with links; explanation and reasons at its url.

    Takes conflicts, or value rows (``selectors.conflict_rows``) with their positions' rows
    by id in the context's ``positions``.
    """

    position_a = PositionRowSerializer(read_only=True)
    position_b = PositionRowSerializer(read_only=True)

    def to_representation(self, instance):
        if not isinstance(instance, dict):
            return super().to_representation(instance)
        positions = self.context["positions"]
        side_a, side_b = positions[instance["position_a_id"]], positions[instance["position_b_id"]]
        return {
            "id": instance["id"],
            "url": link("conflict", instance["id"]),
            "rules": tag_list(instance["rules"]),
            "status": instance["status"],
            "score": instance["score"],
            "pair_classes": tag_list(instance["pair_classes"]),
            "position_a": position_row(side_a),
            "position_b": position_row(side_b),
            "dispute": side_a["dispute_id"],
            "detected_at": iso_datetime(instance["detected_at"]),
        }

    class Meta(ConflictSerializer.Meta):
        fields = [
            "id",
            "url",
            "rules",
            "status",
            "score",
            "pair_classes",
            "position_a",
            "position_b",
            "dispute",
            "detected_at",
        ]
        read_only_fields = fields


class VerdictSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices, read_only=True)
    position = serializers.IntegerField(
        source="verdict_position_id", read_only=True, allow_null=True
    )
    note = serializers.CharField(source="verdict_note", read_only=True)
    reviewed_by = UsernameField()
    reviewed_at = serializers.DateTimeField(read_only=True, allow_null=True)


class DisputePositionSerializer(PositionSerializer):
    """A position as a dispute row shows it: the claim, its supporters in a few words."""

    speakers = serializers.SerializerMethodField(help_text="Slugs of the speakers holding it.")
    strongest_grade = serializers.SerializerMethodField(
        help_text="The best Admiralty grade of the evidence holding it, if any."
    )

    class Meta(PositionSerializer.Meta):
        fields = [*PositionSerializer.Meta.fields, "speakers", "strongest_grade"]
        read_only_fields = fields

    def _held(self, position):
        return self.context.get("held", {}).get(position.pk, ((), ()))

    def get_speakers(self, position) -> list[str]:
        return list(self._held(position)[0])

    def get_strongest_grade(self, position) -> str | None:
        grades = self._held(position)[1]
        return min(grades, key=grade_order) if grades else None


class DisputePositionRowSerializer(DisputePositionSerializer):
    """A position in a dispute row: the claim beside the title, who holds it, its best grade."""

    claim = serializers.SerializerMethodField(
        help_text="The claim in words, without the subject, predicate or time the dispute's "
        'title already says: "non-functioning", "people present: about 1,000".'
    )

    class Meta(DisputePositionSerializer.Meta):
        fields = ["id", "claim", "value", "supporter_count", "speakers", "strongest_grade"]
        read_only_fields = fields

    def get_claim(self, position) -> str:
        # ``dispute_list`` reads each position's dispute title with it: no query.
        return claim_beside_title(position, position.dispute_title)


class DisputeSerializer(serializers.ModelSerializer):
    """A disputed question: its positions, who holds each, and the curator's verdict."""

    url = LinkField("dispute")
    rules = serializers.SerializerMethodField()
    pair_classes = serializers.SerializerMethodField()
    positions = DisputePositionRowSerializer(many=True, read_only=True)
    review = serializers.SerializerMethodField(
        help_text="The curator's verdict; null until there is one."
    )

    class Meta:
        model = Dispute
        fields = [
            "id",
            "url",
            "title",
            "status",
            "score",
            "rules",
            "pair_classes",
            "positions",
            "review",
            "last_activity_at",
        ]
        read_only_fields = fields

    @extend_schema_field(VerdictSerializer(allow_null=True))
    def get_review(self, dispute):
        return VerdictSerializer(dispute).data if dispute.verdict else None

    def get_rules(self, dispute) -> list[str]:
        return tag_list(dispute.rules)

    def to_representation(self, instance):
        # Disputes, or value rows (``selectors.dispute_rows``) with their positions' rows in
        # the context's ``positions`` (by dispute) and their holders in ``held``.
        if not isinstance(instance, dict):
            return super().to_representation(instance)
        held = self.context.get("held", {})
        positions = []
        for row in self.context["positions"].get(instance["id"], ()):
            claim = claim_of_row(row)
            speakers, grades = held.get(row["id"], ((), ()))
            positions.append(
                {
                    "id": row["id"],
                    "claim": claim_beside_title(claim, instance["title"]),
                    "value": value_of_row(row, claim),
                    "supporter_count": row["supporter_total"],
                    "speakers": list(speakers),
                    "strongest_grade": min(grades, key=grade_order) if grades else None,
                }
            )
        review = None
        if instance["verdict"]:
            review = {
                "verdict": instance["verdict"],
                "position": instance["verdict_position_id"],
                "note": instance["verdict_note"],
                "reviewed_by": instance["reviewed_by__username"],
                "reviewed_at": iso_datetime(instance["reviewed_at"]),
            }
        return {
            "id": instance["id"],
            "url": link("dispute", instance["id"]),
            "title": instance["title"],
            "status": instance["status"],
            "score": instance["score"],
            "rules": tag_list(instance["rules"]),
            "pair_classes": tag_list(instance["pair_classes"]),
            "positions": positions,
            "review": review,
            "last_activity_at": iso_datetime(instance["last_activity_at"]),
        }

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=PairClass.choices))
    )
    def get_pair_classes(self, dispute) -> list[str]:
        return tag_list(dispute.pair_classes)


class DisputeDetailSerializer(DisputeSerializer):
    """A dispute with the conflicts between its positions (the reasons) and their supporters."""

    positions = DisputePositionSerializer(many=True, read_only=True)
    conflicts = serializers.SerializerMethodField()
    supporters = serializers.SerializerMethodField(
        help_text=f"The first {SUPPORTERS_SHOWN} supporters of each position, by position id; "
        "page through all of them at /api/positions/{id}/supporters/."
    )

    class Meta(DisputeSerializer.Meta):
        fields = [
            *DisputeSerializer.Meta.fields,
            "time_start",
            "time_end",
            "reopened_because",
            "created_at",
            "conflicts",
            "supporters",
        ]
        read_only_fields = fields

    @extend_schema_field(ConflictSerializer(many=True))
    def get_conflicts(self, dispute):
        return ConflictSerializer(self.context.get("conflicts", []), many=True).data

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "object"}}}
    )
    def get_supporters(self, dispute):
        shown = self.context.get("supporters", {})
        return {
            str(position): SupporterSerializer(rows, many=True).data
            for position, rows in shown.items()
        }


class DisputeReviewInputSerializer(StrictInputMixin, serializers.Serializer):
    verdict = serializers.ChoiceField(
        choices=Verdict.choices[1:],
        help_text="supported: the record supports `position`; unresolved: a real contradiction, "
        "undecided; not_a_contradiction: flagged wrongly.",
    )
    position = fields.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="With supported: the id of the position the record supports.",
    )
    note = fields.CharField(required=False, allow_blank=True, default="", max_length=5000)


class DraftSidePositionSerializer(PositionSerializer):
    """A side of a draft's conflict, shaped as a position: one on record, or a draft's claim.

    A claim the record does not hold yet has no ``id``, ``url`` or ``dispute``, and no
    supporters on record; ``draft_assertion`` says which of the draft's assertions makes it.
    """

    id = serializers.IntegerField(read_only=True, allow_null=True)
    url = LinkField("position", allow_null=True)
    draft_assertion = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Index of the draft's assertion making this claim in the request's list; "
        "null for a position only on record.",
    )

    class Meta(PositionSerializer.Meta):
        fields = ["draft_assertion", *PositionSerializer.Meta.fields]
        read_only_fields = fields

    def get_supporter_count(self, position) -> int:
        return 0 if position.pk is None else super().get_supporter_count(position)


class DraftConflictSerializer(serializers.Serializer):
    """A conflict the draft would create, shaped as a conflict's detail without what only a
    stored one has (id, url, status, times). ``position_a`` is the draft's; the reasons' "a"
    and "b" are these two sides."""

    rules = serializers.ListField(child=serializers.CharField())
    score = serializers.FloatField()
    pair_classes = serializers.ListField(child=serializers.ChoiceField(choices=PairClass.choices))
    explanation = serializers.CharField()
    reasons = serializers.JSONField(
        help_text="Each rule's reason: what it compared, slugs for entities."
    )
    supporter_pairs = serializers.JSONField(
        help_text="As on a conflict; the draft, not saved, is a null record."
    )
    position_a = DraftSidePositionSerializer()
    position_b = DraftSidePositionSerializer()
    dispute = serializers.IntegerField(
        allow_null=True, help_text="The dispute it would join; null when it would open one."
    )


class SimilarStatementSerializer(StatementSummarySerializer):
    """A statement on record close to a draft's quote, with how close (higher is closer)."""

    rank = serializers.FloatField(source="search_rank", read_only=True)

    class Meta(StatementSummarySerializer.Meta):
        fields = [*StatementSummarySerializer.Meta.fields, "rank"]
        read_only_fields = fields


class DraftCheckResultSerializer(serializers.Serializer):
    conflicts = DraftConflictSerializer(many=True)
    similar = SimilarStatementSerializer(
        many=True, help_text="Statements on record closest to the draft's quote, best first."
    )
    joins = DisputeSerializer(
        many=True, help_text="The disputes the draft would join, as the disputes list shows them."
    )
    opens = serializers.IntegerField(help_text="How many new disputes the draft would open.")
