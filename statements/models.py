"""The record: entities, sources, statements, evidence, their typed assertions, and conflicts.

Writes go through ``statements.services``; the constraints here are the last line of defence
so that no client, admin action or import can store what the model forbids.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.text import Truncator
from simple_history.models import HistoricalRecords

from statements.languages import MAX_TAG_LENGTH, validate_language_tag


class RecordHistory(HistoricalRecords):
    """django-simple-history's history, indexed only as it is read: by record and date.

    It indexes every foreign key and indexed field of the copied row too; nothing reads the
    history by those, and each index is written with every history row (a conflict's history
    had eleven).
    """

    def copy_fields(self, model):
        self.no_db_index = [field.name for field in model._meta.fields if not field.primary_key]
        return super().copy_fields(model)


sha256_validator = RegexValidator(r"^[0-9a-f]{64}$", "Enter a SHA-256 as 64 lowercase hex digits.")


class Vocabulary(models.Model):
    """A curated list of kinds: a slug clients write, a name and a description people read.

    Records refer to a kind by its slug (``Entity.kind``, ``Evidence.kind``, a predicate's
    accepted kinds), validated against the table, so the API keeps showing plain slugs and a
    list reads no extra table. A slug cannot change once created, and a kind still in use
    cannot be deleted (``statements.services.vocabularies``).
    """

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class EntityKind(Vocabulary):
    """What an entity is: a person, a state, a facility, a vessel... Curators add kinds.

    The constants name the kinds the code itself relies on: members of a ``category`` inherit
    its generic claims; the others are the initial data and what the synthetic corpus uses.
    """

    PERSON = "person"
    ORGANISATION = "organisation"
    STATE = "state"
    FACILITY = "facility"
    PLACE = "place"
    EVENT = "event"
    WEAPON = "weapon"
    CATEGORY = "category"
    OTHER = "other"
    # Kinds the engine reads: they cannot be deleted.
    BUILT_IN = frozenset({CATEGORY})

    history = RecordHistory()

    class Meta(Vocabulary.Meta):
        pass


class EvidenceKind(Vocabulary):
    """What an evidence item is: footage, a photograph, an inquiry report... Curators add kinds."""

    history = RecordHistory()

    class Meta(Vocabulary.Meta):
        pass


def _vocabulary_check(model, label: str, values) -> None:
    wanted = {value for value in values if value}
    if not wanted:
        return
    known = set(model.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    unknown = sorted(wanted - known)
    if unknown:
        raise ValidationError(
            # The slugs go in as params: django-filter %-formats every message, so a "%" typed
            # into the message itself would crash it.
            f"%(unknown)s is not one of the {label}s on record; a curator adds {label}s first.",
            # Not "invalid_choice": a model field would swap in its own generic message for it.
            code="unknown_kind",
            params={"unknown": ", ".join(map(repr, unknown))},
        )


def validate_entity_kind(value: str) -> None:
    """Refuse a slug that is no entity kind on record."""
    _vocabulary_check(EntityKind, "entity kind", [value])


def validate_entity_kinds(values) -> None:
    """Refuse a list holding a slug that is no entity kind on record (one query)."""
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise ValidationError("Enter a list of entity kind slugs.", code="invalid")
    _vocabulary_check(EntityKind, "entity kind", values)


def validate_evidence_kind(value: str) -> None:
    """Refuse a slug that is no evidence kind on record."""
    _vocabulary_check(EvidenceKind, "evidence kind", [value])


class Entity(models.Model):
    """Anything claims are about or made by.

    ``part_of`` says who answers for whom (a spokesman is part of a ministry, which is part of a
    state): it defines "the same side". ``lineage`` is the materialised path of ids from the root
    down to this entity ("/1/7/12/"), kept by ``entity_save``, so ancestors and descendants are
    found through one index instead of a walk.
    """

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    aliases = models.JSONField(
        default=list, blank=True, help_text="Other names, a list of strings."
    )
    kind = models.CharField(
        max_length=50,
        db_index=True,
        validators=[validate_entity_kind],
        help_text="The slug of an entity kind.",
    )
    description = models.TextField(blank=True)
    part_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="parts"
    )
    categories = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="members",
        limit_choices_to={"kind": EntityKind.CATEGORY},
        help_text="Categories this entity belongs to (a mall is civilian infrastructure).",
    )
    lineage = models.CharField(max_length=500, editable=False, db_index=True, default="")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"
        constraints = [
            models.CheckConstraint(condition=~Q(part_of=F("id")), name="entity_not_part_of_itself"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def lineage_ids(self) -> list[int]:
        """Return the ids from the root of ``part_of`` down to this entity."""
        return [int(part) for part in self.lineage.strip("/").split("/") if part]


class Source(models.Model):
    """Where a statement or an evidence item was published or recorded."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=1000, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-published_on", "title"]

    def __str__(self) -> str:
        return self.title


class TimePrecision(models.TextChoices):
    """How finely a time is known: a date-only time covers its whole day."""

    DAY = "day", "Day"
    HOUR = "hour", "Hour"
    MINUTE = "minute", "Minute"
    SECOND = "second", "Second"


class Statement(models.Model):
    """An attributed utterance: who said it, where it was published, when, and the words."""

    ref = models.SlugField(
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text="Optional stable key used by seed files and imports.",
    )
    speaker = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="statements")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="statements")
    said_at = models.DateTimeField(db_index=True)
    said_at_precision = models.CharField(
        max_length=10, choices=TimePrecision.choices, default=TimePrecision.DAY
    )
    quote = models.TextField(help_text="The verbatim words.")
    context = models.TextField(blank=True)
    language = models.CharField(
        max_length=MAX_TAG_LENGTH,
        blank=True,
        default="",
        # Also in the table, so rows inserted without the ORM (bulk loads) get it too.
        db_default="",
        validators=[validate_language_tag],
        help_text="The quote's language, a BCP 47 tag (en, uk, ru-RU); empty if unknown.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = RecordHistory()

    class Meta:
        ordering = ["-said_at", "id"]

    def __str__(self) -> str:
        return f"{self.speaker}: {self.quote[:60]}"


# How many words of the description stand in for a missing evidence title.
LABEL_WORDS = 12


def evidence_label(title: str, description: str, pk=None) -> str:
    """Return an evidence item's title, else its description's first words, else its number."""
    if title:
        return title
    if description.strip():
        return Truncator(" ".join(description.split())).words(LABEL_WORDS, truncate="…")
    return f"Evidence {pk}" if pk else "Evidence"


class SourceReliability(models.TextChoices):
    """Admiralty (NATO) code, first half: how reliable the source is."""

    A = "A", "A: completely reliable"
    B = "B", "B: usually reliable"
    C = "C", "C: fairly reliable"
    D = "D", "D: not usually reliable"
    E = "E", "E: unreliable"
    F = "F", "F: reliability cannot be judged"


class InformationCredibility(models.IntegerChoices):
    """Admiralty (NATO) code, second half: how credible the information is."""

    CONFIRMED = 1, "1: confirmed by other sources"
    PROBABLY_TRUE = 2, "2: probably true"
    POSSIBLY_TRUE = 3, "3: possibly true"
    DOUBTFUL = 4, "4: doubtful"
    IMPROBABLE = 5, "5: improbable"
    CANNOT_BE_JUDGED = 6, "6: truth cannot be judged"


class Evidence(models.Model):
    """A recorded item (footage, photo, record) graded with the Admiralty code."""

    ref = models.SlugField(max_length=100, unique=True, null=True, blank=True)
    kind = models.CharField(
        max_length=50,
        validators=[validate_evidence_kind],
        help_text="The slug of an evidence kind.",
    )
    title = models.CharField(
        max_length=300, blank=True, help_text="Optional: lists show the description's start."
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    captured_at = models.DateTimeField(null=True, blank=True)
    captured_at_precision = models.CharField(
        max_length=10, choices=TimePrecision.choices, default=TimePrecision.MINUTE
    )
    place = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence_here"
    )
    reliability = models.CharField(max_length=1, choices=SourceReliability.choices)
    credibility = models.PositiveSmallIntegerField(choices=InformationCredibility.choices)
    description = models.TextField(blank=True)
    media_url = models.URLField(max_length=1000, blank=True)
    media_sha256 = models.CharField(max_length=64, blank=True, validators=[sha256_validator])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = RecordHistory()

    class Meta:
        ordering = ["-captured_at", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=Q(reliability__in=SourceReliability.values),
                name="evidence_reliability_admiralty",
            ),
            models.CheckConstraint(
                condition=Q(credibility__gte=1, credibility__lte=6),
                name="evidence_credibility_admiralty",
            ),
            models.CheckConstraint(
                condition=Q(media_sha256="") | Q(media_sha256__regex=r"^[0-9a-f]{64}$"),
                name="evidence_media_sha256_hex",
            ),
        ]

    def __str__(self) -> str:
        return evidence_label(self.title, self.description, self.pk)

    @property
    def label(self) -> str:
        """Return the title, or the description's start when the item has no title."""
        return evidence_label(self.title, self.description, self.pk)

    @property
    def grade(self) -> str:
        return f"{self.reliability}{self.credibility}"


class ValueType(models.TextChoices):
    ENTITY = "entity", "Entity"
    CHOICE = "choice", "Choice"
    NUMBER = "number", "Number"
    BOOLEAN = "boolean", "Boolean"


class Predicate(models.Model):
    """An assertion type, declared by curators: what its value is and how values may clash."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    value_type = models.CharField(max_length=10, choices=ValueType.choices)
    choices = models.JSONField(
        default=list, blank=True, help_text="Allowed values of a choice predicate, a list of slugs."
    )
    single_valued = models.BooleanField(
        default=False,
        help_text="A subject has one value at a time, so two different values clash.",
    )
    tolerance = models.FloatField(
        default=0, help_text="Numbers closer than this are taken as equal (absolute)."
    )
    about_tolerance = models.FloatField(
        default=0.25, help_text="How far 'about N' may stray, as a fraction of N."
    )
    subject_kinds = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_entity_kinds],
        help_text="Slugs of the entity kinds accepted as subject; empty for any.",
    )
    object_kinds = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_entity_kinds],
        help_text="Slugs of the entity kinds accepted as object; empty for any.",
    )
    history = RecordHistory()

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(condition=Q(tolerance__gte=0), name="predicate_tolerance_gte_0"),
            models.CheckConstraint(
                condition=Q(about_tolerance__gte=0), name="predicate_about_tolerance_gte_0"
            ),
        ]

    def __str__(self) -> str:
        # Curators read names; the slug is the key seeds and clients use.
        return self.name


class ConditionOperator(models.TextChoices):
    EQ = "eq", "equals"
    NE = "ne", "differs from"
    GT = "gt", ">"
    GE = "ge", "≥"
    LT = "lt", "<"
    LE = "le", "≤"
    ANY = "any", "any value"


class ExclusionRule(models.Model):
    """Curated knowledge across predicates: two affirmed values that cannot hold together.

    Read as: ``left_predicate <left_operator> left_value`` excludes
    ``right_predicate <right_operator> right_value`` on the same subject at the same time.
    Values are slugs for choice predicates, entity slugs for entity predicates, numbers or
    booleans otherwise.
    """

    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    left_predicate = models.ForeignKey(Predicate, on_delete=models.CASCADE, related_name="+")
    left_operator = models.CharField(max_length=3, choices=ConditionOperator.choices)
    left_value = models.JSONField(null=True, blank=True)
    right_predicate = models.ForeignKey(Predicate, on_delete=models.CASCADE, related_name="+")
    right_operator = models.CharField(max_length=3, choices=ConditionOperator.choices)
    right_value = models.JSONField(null=True, blank=True)
    active = models.BooleanField(default=True)
    history = RecordHistory()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class Comparator(models.TextChoices):
    EXACTLY = "exactly", "exactly"
    AT_LEAST = "at_least", "at least"
    AT_MOST = "at_most", "at most"
    ABOUT = "about", "about"
    BETWEEN = "between", "between"


class Polarity(models.TextChoices):
    AFFIRMED = "affirmed", "affirmed"
    DENIED = "denied", "denied"


class Certainty(models.TextChoices):
    ASSERTED = "asserted", "asserted"
    LIKELY = "likely", "likely"
    POSSIBLE = "possible", "possible"


def claim_value(claim):
    """Return a position's or assertion's value from the column that holds it.

    An entity value is the entity; a range is ``[low, high]``.
    """
    if claim.object_id is not None:
        return claim.object
    if claim.choice:
        return claim.choice
    if claim.number is not None:
        if claim.comparator == Comparator.BETWEEN:
            return [claim.number, claim.number_high]
        return claim.number
    return claim.boolean


class Position(models.Model):
    """A claim held by one or more supporters: the assertions that say exactly the same thing.

    Five outlets repeating "the mall was non-functioning" are five assertions and one position.
    ``key`` is the SHA-256 of the claim (``statements.services.positions.position_key``): the
    predicate, subject, value, comparator, polarity and time, certainty and notes aside. The
    rule engine compares positions, never their supporters one by one. The disputed question a
    position is part of, if its claim clashes with another, is a ``DisputeMember`` row, so
    rebuilding disputes never rewrites a position.
    """

    # Unique through a constraint (see Meta): a unique field gets a second, pattern index on
    # PostgreSQL, which no query uses and every write pays for.
    key = models.CharField(max_length=64, editable=False)
    # No index of their own: the indexes below lead with them.
    predicate = models.ForeignKey(
        Predicate, on_delete=models.PROTECT, related_name="positions", db_index=False
    )
    subject = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="positions", db_index=False
    )
    object = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="object_positions"
    )
    choice = models.CharField(max_length=100, blank=True)
    number = models.FloatField(null=True, blank=True)
    number_high = models.FloatField(null=True, blank=True)
    boolean = models.BooleanField(null=True, blank=True)
    comparator = models.CharField(
        max_length=10, choices=Comparator.choices, default=Comparator.EXACTLY
    )
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.AFFIRMED)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    time_precision = models.CharField(
        max_length=10, choices=TimePrecision.choices, default=TimePrecision.DAY
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["key"], name="position_one_per_claim")]
        indexes = [
            # Blocking keys: the re-check scans positions in this order, and the claim and
            # time columns it reads are included, so on PostgreSQL the scan is an index-only
            # scan (1.7 s for 660k positions, against 2.7 s for an index scan that fetches
            # every heap row and 4.3 s for a sequential scan and sort). SQLite ignores
            # ``include``.
            models.Index(
                fields=["subject", "predicate", "id"],
                include=[
                    "object",
                    "choice",
                    "number",
                    "number_high",
                    "boolean",
                    "comparator",
                    "polarity",
                    "valid_from",
                    "valid_until",
                    "time_precision",
                ],
                name="position_scan",
            ),
            models.Index(fields=["predicate", "object"], name="position_pred_object"),
        ]

    def __str__(self) -> str:
        from statements.text import position_text

        return position_text(self)

    @property
    def dispute(self) -> "Dispute | None":
        """The dispute this position is in, or None: its ``DisputeMember`` row's.

        A query unless read with ``select_related("dispute_member__dispute")``.
        """
        member = getattr(self, "dispute_member", None)  # None when there is no row
        return member.dispute if member is not None else None

    @property
    def dispute_id(self) -> int | None:
        member = getattr(self, "dispute_member", None)
        return member.dispute_id if member is not None else None


class Assertion(models.Model):
    """One typed claim from exactly one statement or one evidence item.

    The value sits in the column of the predicate's type (``object`` for entity predicates,
    ``choice``, ``number`` or ``boolean``). The time it is about is an interval, open on
    either side when a bound is null, read at ``time_precision``.
    """

    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.CASCADE, related_name="assertions"
    )
    evidence = models.ForeignKey(
        Evidence, null=True, blank=True, on_delete=models.CASCADE, related_name="assertions"
    )
    # No index of their own: assertion_pred_subject and assertion_subject_pred lead with them.
    predicate = models.ForeignKey(
        Predicate, on_delete=models.PROTECT, related_name="assertions", db_index=False
    )
    subject = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="assertions", db_index=False
    )
    object = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="object_of"
    )
    choice = models.CharField(max_length=100, blank=True)
    number = models.FloatField(null=True, blank=True)
    number_high = models.FloatField(
        null=True, blank=True, help_text="The high bound of a range (comparator between)."
    )
    boolean = models.BooleanField(null=True, blank=True)
    comparator = models.CharField(
        max_length=10, choices=Comparator.choices, default=Comparator.EXACTLY
    )
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.AFFIRMED)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    time_precision = models.CharField(
        max_length=10, choices=TimePrecision.choices, default=TimePrecision.DAY
    )
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="supporters", editable=False
    )
    certainty = models.CharField(
        max_length=10, choices=Certainty.choices, default=Certainty.ASSERTED
    )
    note = models.TextField(blank=True)
    history = RecordHistory()

    # The fields that make two assertions the same claim, and so one position.
    POSITION_FIELDS = (
        "predicate",
        "subject",
        "object",
        "choice",
        "number",
        "number_high",
        "boolean",
        "comparator",
        "polarity",
        "valid_from",
        "valid_until",
        "time_precision",
    )
    # What a record's assertion says: its position and how sure it is (``note`` is commentary).
    CLAIM_FIELDS = (*POSITION_FIELDS, "certainty")

    class Meta:
        ordering = ["id"]
        indexes = [
            # Blocking keys: same predicate and subject; a subject's rows for exclusion partners;
            # the instances of a category (predicate + object).
            models.Index(fields=["predicate", "subject"], name="assertion_pred_subject"),
            models.Index(fields=["subject", "predicate"], name="assertion_subject_pred"),
            models.Index(fields=["predicate", "object"], name="assertion_pred_object"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(statement__isnull=False) & Q(evidence__isnull=True))
                | (Q(statement__isnull=True) & Q(evidence__isnull=False)),
                name="assertion_exactly_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=F("valid_until")),
                name="assertion_interval_ordered",
            ),
            models.CheckConstraint(
                # At most one value column is filled.
                condition=(
                    Q(object__isnull=True, number__isnull=True, boolean__isnull=True)
                    | Q(choice="", number__isnull=True, boolean__isnull=True)
                    | Q(choice="", object__isnull=True, boolean__isnull=True)
                    | Q(choice="", object__isnull=True, number__isnull=True)
                ),
                name="assertion_one_value_column",
            ),
            models.CheckConstraint(
                condition=Q(comparator__in=Comparator.values), name="assertion_comparator_valid"
            ),
            models.CheckConstraint(
                # A range has both bounds, low first; nothing else has a high bound.
                condition=Q(
                    comparator=Comparator.BETWEEN,
                    number__isnull=False,
                    number_high__isnull=False,
                    number__lte=F("number_high"),
                )
                | (~Q(comparator=Comparator.BETWEEN) & Q(number_high__isnull=True)),
                name="assertion_range_bounds",
            ),
            models.CheckConstraint(
                condition=Q(polarity__in=Polarity.values), name="assertion_polarity_valid"
            ),
            models.CheckConstraint(
                condition=Q(certainty__in=Certainty.values), name="assertion_certainty_valid"
            ),
        ]

    def __str__(self) -> str:
        from statements.text import position_text

        return position_text(self)

    def claim(self) -> tuple:
        """Return this assertion's claim, comparable with ``claim_of`` (related rows by id)."""
        return tuple(
            getattr(self, self._meta.get_field(name).attname) for name in self.CLAIM_FIELDS
        )

    @classmethod
    def claim_of(cls, fields) -> tuple:
        """Return the claim described by cleaned assertion ``fields`` (related rows by id)."""
        return tuple(getattr(fields[name], "pk", fields[name]) for name in cls.CLAIM_FIELDS)

    @property
    def value(self):
        """Return the value from the column that holds it (a range as ``[low, high]``)."""
        return claim_value(self)

    @property
    def value_display(self) -> str:
        """Return the value in words: "operational", "about 1,000", "not Amstor shopping mall"."""
        from statements.text import value_text

        text = value_text(self)
        return f"not {text}" if self.polarity == Polarity.DENIED else text


class ConflictKind(models.TextChoices):
    POLARITY = "polarity", "Polarity (affirmed and denied)"
    EXCLUSIVE_VALUE = "exclusive_value", "Incompatible values"
    NUMERIC = "numeric", "Numeric mismatch"
    GENERIC_INSTANCE = "generic_instance", "Generic claim against an instance"
    EXCLUSION = "exclusion", "Curated exclusion"


class PairClass(models.TextChoices):
    SAME_SPEAKER = "same_speaker", "Same speaker over time"
    SAME_SIDE = "same_side", "Same side"
    CROSS_SPEAKER = "cross_speaker", "Cross-speaker"
    AGAINST_EVIDENCE = "against_evidence", "Against evidence"
    EVIDENCE_VS_EVIDENCE = "evidence_vs_evidence", "Evidence against evidence"


class ConflictStatus(models.TextChoices):
    OPEN = "open", "Open"
    RETRACTED = "retracted", "Retracted"


def tag_list(tags: str) -> list[str]:
    """Return the items of a ``,a,b,`` tag column (kept so one LIKE filters on any item)."""
    return [tag for tag in tags.split(",") if tag]


def tag_text(items) -> str:
    """Return ``items`` as a ``,a,b,`` tag column."""
    return "," + ",".join(items) + "," if items else ""


class Conflict(models.Model):
    """Two positions that cannot both be true, with every rule that sees it. Derived data.

    One row per pair of positions (``position_a`` has the smaller id), so a re-check is an
    upsert and two rules seeing one contradiction make one conflict. ``rules`` and
    ``pair_classes`` are tag columns (",polarity,exclusive_value,") so a filter is one LIKE on
    any database; ``reasons`` keeps each rule's own reason. ``block_subject`` is the subject
    whose re-check owns the pair (the generic claim's subject for a generic one), so shards of
    a re-check never share a conflict. Reviews are given to the dispute, not to its conflicts.
    """

    # No index of their own: the pair constraint and the indexes in Meta lead with them.
    position_a = models.ForeignKey(
        Position, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    position_b = models.ForeignKey(
        Position, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    block_subject = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # Not indexed: a filter on a rule is a LIKE inside the tags, which no b-tree serves.
    rules = models.CharField(max_length=200, default="", help_text="Codes of the rules.")
    reasons = models.JSONField(default=list, help_text="Each rule's reason, in rule order.")
    pair_classes = models.CharField(
        max_length=200, default="", help_text="Kinds of supporter pair."
    )
    supporter_pairs = models.JSONField(default=list, help_text="The supporter pairs, grouped.")
    explanation = models.TextField()
    score = models.FloatField(db_index=True)
    status = models.CharField(
        max_length=10, choices=ConflictStatus.choices, default=ConflictStatus.OPEN
    )
    detected_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    history = RecordHistory()

    class Meta:
        ordering = ["-score", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["position_a", "position_b"], name="conflict_one_per_position_pair"
            ),
            models.CheckConstraint(
                condition=Q(position_a__lt=F("position_b")), name="conflict_pair_ordered"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=1), name="conflict_score_between_0_and_1"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ConflictStatus.values), name="conflict_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["position_b"], name="conflict_position_b"),
            models.Index(fields=["block_subject", "status"], name="conflict_block_subject"),
            # In Meta, not db_index: the field's index would bring a pattern index with it.
            models.Index(fields=["status"], name="conflict_status"),
        ]

    def __str__(self) -> str:
        return f"{self.position_a} vs {self.position_b}"

    @property
    def rule_list(self) -> list[str]:
        return tag_list(self.rules)

    @property
    def pair_class_list(self) -> list[str]:
        return tag_list(self.pair_classes)


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Open"
    REVIEWED = "reviewed", "Reviewed"
    DISMISSED = "dismissed", "Dismissed"
    RETRACTED = "retracted", "Retracted"


class Verdict(models.TextChoices):
    NONE = "", "No verdict yet"
    SUPPORTED = "supported", "The record supports one position"
    UNRESOLVED = "unresolved", "A real contradiction, unresolved"
    NOT_A_CONTRADICTION = "not_a_contradiction", "Not a real contradiction"


class Dispute(models.Model):
    """A disputed question: the positions that conflicts link, directly or through others.

    Derived from the conflicts (``statements.services.disputes``) but reviewed by curators: a
    verdict says which position the record supports, that the question is unresolved, or that
    it is no real contradiction. ``reviewed_positions`` are the keys of the positions the verdict
    was given on: while they stay the positions, the verdict holds through edits and re-checks;
    a new position re-opens the dispute and ``reopened_because`` says which.
    """

    title = models.CharField(max_length=300)
    score = models.FloatField(db_index=True, default=0)
    status = models.CharField(
        max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    pair_classes = models.CharField(max_length=200, blank=True)
    rules = models.CharField(max_length=200, blank=True)
    time_start = models.DateTimeField(null=True, blank=True)
    time_end = models.DateTimeField(null=True, blank=True)
    verdict = models.CharField(
        max_length=20, choices=Verdict.choices, default=Verdict.NONE, blank=True
    )
    verdict_position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verdict_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_positions = models.JSONField(default=list, blank=True, editable=False)
    reopened_because = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(db_index=True)
    positions = models.ManyToManyField(
        Position, through="DisputeMember", related_name="disputes", blank=True
    )
    history = RecordHistory()

    class Meta:
        ordering = ["-score", "-last_activity_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=1), name="dispute_score_between_0_and_1"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DisputeStatus.values), name="dispute_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=Verdict.values), name="dispute_verdict_valid"
            ),
            models.CheckConstraint(
                # Only a verdict for one position names one.
                condition=Q(verdict=Verdict.SUPPORTED) | Q(verdict_position__isnull=True),
                name="dispute_verdict_position_only_when_supported",
            ),
        ]
        # In Meta, not db_index: the field's index would bring a pattern index with it.
        indexes = [models.Index(fields=["status"], name="dispute_status")]

    def __str__(self) -> str:
        return self.title


class DisputeMember(models.Model):
    """Which dispute a position is in: at most one, so the position is the primary key.

    Kept off the position row on purpose. A full re-check moves thousands of positions into
    disputes; as a column of Position each move rewrote a wide row through six indexes (0.4 s
    for 13,048 positions at a million assertions) and left its page not all-visible, so the
    next re-check's index-only scan read the heap until a vacuum. Here a move is a narrow
    upsert (``engine_io.upsert_by_id``) and the position row stays as it was.
    """

    position = models.OneToOneField(
        Position, primary_key=True, on_delete=models.CASCADE, related_name="dispute_member"
    )
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="members")

    def __str__(self) -> str:
        return f"position {self.position_id} in dispute {self.dispute_id}"


class RecheckStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class RecheckCounts(models.Model):
    """What a re-check (or one shard of it) found: see ``statements.services.conflicts``."""

    found = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    retracted = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    restored = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class Recheck(RecheckCounts):
    """A full re-check of the record, split into shards; its progress is readable while it runs."""

    class Backend(models.TextChoices):
        INLINE = "inline", "In-process"
        CELERY = "celery", "Celery workers"

    status = models.CharField(
        max_length=10, choices=RecheckStatus.choices, default=RecheckStatus.PENDING, db_index=True
    )
    backend = models.CharField(max_length=10, choices=Backend.choices)
    reason = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shards_total = models.PositiveIntegerField(default=0)
    shards_done = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(shards_done__lte=F("shards_total")), name="recheck_done_within_total"
            ),
        ]

    def __str__(self) -> str:
        return f"re-check {self.pk} ({self.status}, {self.shards_done}/{self.shards_total})"


class RecheckShard(RecheckCounts):
    """One shard of a re-check; ``finished_at`` marks it done, so a redelivery skips it."""

    recheck = models.ForeignKey(Recheck, on_delete=models.CASCADE, related_name="shards")
    index = models.PositiveIntegerField()
    spec = models.JSONField(help_text="The shard: a subject-id range, or the generic claims.")
    # When the shard's task last reached the broker (the outbox: None = not yet; the sweeper
    # sends it, see statements.services.rechecks.rechecks_sweep).
    sent_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["recheck", "index"]
        constraints = [
            models.UniqueConstraint(fields=["recheck", "index"], name="recheck_shard_unique_index"),
        ]

    def __str__(self) -> str:
        return f"shard {self.index} of re-check {self.recheck_id}"


# Webhook subscribers and deliveries live in their own module (statements.webhooks).
from statements.webhooks.models import (  # noqa: E402, F401
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscriber,
)
