"""Curators' screens. Saving or deleting a record, an entity or a catalogue row goes through the
services.

Statements and evidence are edited with their assertions inline; the record and its assertions
are written by one service call (``statement_create`` / ``statement_update`` ...), so the
admin finds conflicts exactly as the API and the seed loader do; a changed predicate or rule
starts the same full re-check as theirs. Conflicts and disputes are derived data: curators give
a dispute a verdict (``dispute_review``); they do not add or delete either.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Prefetch
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from statements.interchange.admin import RecordsImportMixin
from statements.models import (
    Assertion,
    Conflict,
    Dispute,
    Entity,
    Evidence,
    ExclusionRule,
    Position,
    Predicate,
    Source,
    Statement,
    ValueType,
    Verdict,
)
from statements.services import (
    assertion_clean,
    assertion_delete,
    assertion_save,
    dispute_review,
    entity_save,
    evidence_create,
    evidence_delete,
    evidence_update,
    exclusion_rule_delete,
    exclusion_rule_upsert,
    predicate_delete,
    predicate_upsert,
    statement_create,
    statement_delete,
    statement_update,
)
from statements.services.records import EVIDENCE_FIELDS, STATEMENT_FIELDS

# The form field that holds an assertion's value, by the predicate's value type.
VALUE_FIELD = {
    ValueType.ENTITY: "object",
    ValueType.CHOICE: "choice",
    ValueType.NUMBER: "number",
    ValueType.BOOLEAN: "boolean",
}
ASSERTION_FIELDS = (*Assertion.CLAIM_FIELDS, "note")
# The range's high bound is entered beside the number; ``value`` becomes [low, high].
_RANGE_HIGH = "number_high"


def excerpt(text: str, words: int = 14) -> str:
    return Truncator(text).words(words)


# --- Assertions ---


class AssertionForm(forms.ModelForm):
    """Check the value against its predicate with the service, and show errors on the field."""

    class Meta:
        model = Assertion
        fields = ASSERTION_FIELDS

    def clean(self):
        cleaned = super().clean()
        predicate = cleaned.get("predicate")
        if predicate is None or cleaned.get("subject") is None:
            return cleaned
        value_field = VALUE_FIELD[predicate.value_type]
        for name in VALUE_FIELD.values():
            if name != value_field and cleaned.get(name) not in (None, ""):
                self.add_error(
                    name, f"{predicate.slug} takes its value in '{value_field}'; leave this empty."
                )
        data = {name: cleaned.get(name) for name in ASSERTION_FIELDS}
        data["value"] = cleaned.get(value_field)
        if cleaned.get("comparator") == "between":
            data["value"] = [cleaned.get("number"), cleaned.get(_RANGE_HIGH)]
        elif cleaned.get(_RANGE_HIGH) is not None:
            self.add_error(_RANGE_HIGH, "Only a range (comparator between) has a high bound.")
        try:
            assertion_clean(data=data)
        except ValidationError as error:
            for key, errors in error.error_dict.items():
                field = value_field if key == "value" else key
                self.add_error(field if field in self.fields else None, errors)
        cleaned["value"] = data["value"]
        return cleaned

    def service_data(self) -> dict:
        """Return this assertion as the record services take it."""
        data = {
            name: self.cleaned_data.get(name)
            for name in ASSERTION_FIELDS
            if name not in VALUE_FIELD.values() and name != _RANGE_HIGH
        }
        data["value"] = self.cleaned_data["value"]
        if self.instance.pk:
            data["id"] = self.instance.pk
        return data


class ForgetsConflictsMixin:
    """Deleting what conflicts are derived from needs no right to delete conflicts by hand.

    The admin asks for delete permission on every row a delete cascades to, and conflicts
    have none (curators review them); the delete services forget them instead.
    """

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(Conflict._meta.verbose_name)
        return deleted, counts, perms_needed, protected


class AssertionInline(admin.TabularInline):
    model = Assertion
    form = AssertionForm
    fields = ASSERTION_FIELDS
    autocomplete_fields = ["predicate", "subject", "object"]
    extra = 1


class StatementAssertionInline(AssertionInline):
    fk_name = "statement"


class EvidenceAssertionInline(AssertionInline):
    fk_name = "evidence"


@admin.register(Assertion)
class AssertionAdmin(ForgetsConflictsMixin, SimpleHistoryAdmin):
    """Assertions on their own, to search across the record and to see their history."""

    form = AssertionForm
    list_display = ["__str__", "predicate", "subject", "polarity", "owner", "valid_from"]
    list_filter = ["predicate", "polarity", "certainty"]
    search_fields = ["subject__name", "statement__quote", "evidence__title", "predicate__slug"]
    autocomplete_fields = ["statement", "evidence", "predicate", "subject", "object"]
    list_select_related = ["predicate", "subject", "object", "statement__speaker", "evidence"]
    fields = ["statement", "evidence", *ASSERTION_FIELDS]

    @admin.display(description="from")
    def owner(self, obj: Assertion) -> str:
        return str(obj.statement or obj.evidence)

    def save_model(self, request, obj, form, change):
        # The form checked the value with assertion_clean; the service finds its position.
        assertion_save(assertion=obj)

    def delete_model(self, request, obj):
        assertion_delete(assertion=obj)

    def delete_queryset(self, request, queryset):
        for assertion in queryset:
            assertion_delete(assertion=assertion)


# --- Statements and evidence: the record and its assertions in one service call ---


class RecordAdmin(RecordsImportMixin, ForgetsConflictsMixin, SimpleHistoryAdmin):
    """Write the record and its inline assertions through ``create`` / ``update`` services."""

    record_fields: tuple[str, ...] = ()
    owner: str = ""
    save_as = False

    def create(self, **kwargs):
        raise NotImplementedError

    def update(self, record, **kwargs):
        raise NotImplementedError

    def delete(self, record):
        raise NotImplementedError

    def delete_model(self, request, obj):
        self.delete(obj)

    def delete_queryset(self, request, queryset):
        for record in queryset:
            self.delete(record)

    def save_model(self, request, obj, form, change):
        # Deferred to save_related, which has the inline assertions to write with the record.
        pass

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        assertions = []
        for formset in formsets:
            assertions += self.assertions_from(formset)
        fields = {name: getattr(obj, name) for name in self.record_fields}
        if change:
            self.update(obj, assertions=assertions, **fields)
        else:
            record = self.create(created_by=request.user, assertions=assertions, **fields)
            # The admin goes on with ``obj`` (redirect, log entry): give it the new row's identity.
            obj.pk = record.pk
            obj.created_by = record.created_by
            obj._state.adding = False
            obj._state.db = record._state.db

    @staticmethod
    def assertions_from(formset) -> list[dict]:
        """Return the formset's assertions for the service, and note what changed for the log."""
        items: list[dict] = []
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for form in formset.forms:
            if formset.can_delete and formset._should_delete_form(form):
                if form.instance.pk:
                    formset.deleted_objects.append(form.instance)
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            items.append(form.service_data())
            if form.instance.pk is None:
                formset.new_objects.append(form.instance)
            elif form.has_changed():
                formset.changed_objects.append((form.instance, form.changed_data))
        return items


@admin.register(Statement)
class StatementAdmin(RecordAdmin):
    record_fields = STATEMENT_FIELDS
    list_display = ["said_at", "speaker", "quote_excerpt", "source", "assertion_count", "ref"]
    list_display_links = ["said_at", "quote_excerpt"]
    list_filter = [
        ("speaker", admin.RelatedOnlyFieldListFilter),
        ("source", admin.RelatedOnlyFieldListFilter),
        ("assertions__predicate", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["quote", "context", "ref", "speaker__name", "speaker__slug"]
    date_hierarchy = "said_at"
    autocomplete_fields = ["speaker", "source"]
    fields = ["speaker", "source", "said_at", "said_at_precision", "quote", "context", "ref"]
    inlines = [StatementAssertionInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("speaker", "source")
        return queryset.annotate(assertion_total=Count("assertions"))

    @admin.display(description="quote")
    def quote_excerpt(self, obj: Statement) -> str:
        return excerpt(obj.quote)

    @admin.display(description="assertions", ordering="assertion_total")
    def assertion_count(self, obj: Statement) -> int:
        return obj.assertion_total

    def create(self, **kwargs):
        return statement_create(**kwargs)

    def update(self, record, **kwargs):
        return statement_update(statement=record, **kwargs)

    def delete(self, record):
        statement_delete(statement=record)


@admin.register(Evidence)
class EvidenceAdmin(RecordAdmin):
    record_fields = EVIDENCE_FIELDS
    list_display = ["title", "kind", "grade", "source", "captured_at", "place", "ref"]
    list_filter = [
        "kind",
        "reliability",
        "credibility",
        ("source", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "description", "ref", "place__name"]
    autocomplete_fields = ["source", "place"]
    fields = [
        "kind",
        "title",
        "source",
        ("captured_at", "captured_at_precision"),
        "place",
        ("reliability", "credibility"),
        "description",
        "media_url",
        "media_sha256",
        "ref",
    ]
    inlines = [EvidenceAssertionInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "place")

    @admin.display(description="grade", ordering="reliability")
    def grade(self, obj: Evidence) -> str:
        return obj.grade

    def create(self, **kwargs):
        return evidence_create(**kwargs)

    def update(self, record, **kwargs):
        return evidence_update(evidence=record, **kwargs)

    def delete(self, record):
        evidence_delete(evidence=record)


# --- Entities and the catalogue ---


class EntityForm(forms.ModelForm):
    class Meta:
        model = Entity
        fields = ["name", "slug", "kind", "aliases", "description", "part_of", "categories"]

    def clean_part_of(self):
        parent = self.cleaned_data.get("part_of")
        entity = self.instance
        if parent and entity.pk and (parent.pk == entity.pk or entity.pk in parent.lineage_ids):
            raise ValidationError(f"{parent} is already part of {entity}.")
        return parent


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    form = EntityForm
    list_display = ["name", "slug", "kind", "part_of"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aliases"]
    autocomplete_fields = ["part_of", "categories"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["part_of"]

    def save_model(self, request, obj, form, change):
        # entity_save keeps the part_of lineage of the entity and everything below it, and sets
        # the categories in the same transaction, re-checking the conflicts they touch.
        entity_save(entity=obj, categories=form.cleaned_data.get("categories"))

    def save_related(self, request, form, formsets, change):
        # The categories were saved by entity_save; only inlines (none yet) are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on"]
    list_filter = ["publisher"]
    search_fields = ["title", "publisher", "url", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class CatalogueAdmin(SimpleHistoryAdmin):
    """Write through the catalogue services: a changed meaning re-checks the record."""

    def upsert(self, **fields):
        raise NotImplementedError

    def delete(self, obj):
        raise NotImplementedError

    def get_readonly_fields(self, request, obj=None):
        # Slugs are the keys seeds and clients use (the API refuses renames too).
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "slug"] if obj is not None else readonly

    def save_model(self, request, obj, form, change):
        fields = {name: value for name, value in form.cleaned_data.items() if name != "slug"}
        row, _ = self.upsert(slug=obj.slug, **fields)
        # The admin goes on with ``obj`` (redirect, log entry): give it the row's identity.
        obj.pk = row.pk
        obj._state.adding = False
        obj._state.db = row._state.db

    def delete_model(self, request, obj):
        self.delete(obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete(obj)


@admin.register(Predicate)
class PredicateAdmin(CatalogueAdmin):
    list_display = ["slug", "name", "value_type", "single_valued", "subject_kinds", "object_kinds"]
    list_filter = ["value_type", "single_valued"]
    search_fields = ["slug", "name", "description"]

    def upsert(self, **fields):
        return predicate_upsert(**fields)

    def delete(self, obj):
        predicate_delete(predicate=obj)


@admin.register(ExclusionRule)
class ExclusionRuleAdmin(CatalogueAdmin):
    list_display = ["slug", "left", "right", "active"]
    list_filter = ["active"]
    search_fields = ["slug", "description"]
    autocomplete_fields = ["left_predicate", "right_predicate"]
    list_select_related = ["left_predicate", "right_predicate"]

    def upsert(self, **fields):
        return exclusion_rule_upsert(**fields)

    def delete(self, obj):
        exclusion_rule_delete(rule=obj)

    @admin.display(description="when")
    def left(self, obj: ExclusionRule) -> str:
        return f"{obj.left_predicate} {obj.get_left_operator_display()} {obj.left_value}"

    @admin.display(description="excludes")
    def right(self, obj: ExclusionRule) -> str:
        return f"{obj.right_predicate} {obj.get_right_operator_display()} {obj.right_value}"


# --- Disputes and their conflicts: derived, never added or deleted by hand ---


class DerivedAdmin(SimpleHistoryAdmin):
    """Derived rows: no add, no delete, and no Revert in their history."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        extra_context = {**(extra_context or {}), "revert_disabled": True}
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Conflict)
class ConflictAdmin(DerivedAdmin):
    list_display = ["__str__", "rule_names", "pair_class_names", "status", "score", "dispute"]
    list_filter = ["status"]
    search_fields = ["explanation"]
    readonly_fields = [
        "position_a",
        "position_b",
        "rule_names",
        "pair_class_names",
        "score",
        "status",
        "explanation",
        "reasons",
        "supporter_pairs",
        "detected_at",
        "retracted_at",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        related = [f"position_{side}__{path}" for side in "ab" for path in _POSITION_JOINS]
        return super().get_queryset(request).select_related(*related, "position_a__dispute")

    @admin.display(description="rules")
    def rule_names(self, obj: Conflict) -> str:
        return ", ".join(obj.rule_list)

    @admin.display(description="pair classes")
    def pair_class_names(self, obj: Conflict) -> str:
        return ", ".join(name.replace("_", " ") for name in obj.pair_class_list)

    @admin.display(description="dispute")
    def dispute(self, obj: Conflict) -> str:
        return str(obj.position_a.dispute or "")


_POSITION_JOINS = ("predicate", "subject", "object")


class DisputeReviewForm(forms.ModelForm):
    """The verdict: which position the record supports, unresolved, or no contradiction."""

    new_verdict = forms.ChoiceField(
        label="Verdict",
        choices=[("", "Keep the verdict as it is"), *Verdict.choices[1:]],
        required=False,
    )
    supported_position = forms.ModelChoiceField(
        queryset=Position.objects.none(), required=False, label="Position the record supports"
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    class Meta:
        model = Dispute
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        positions = Position.objects.filter(dispute=self.instance).select_related(*_POSITION_JOINS)
        self.fields["supported_position"].queryset = positions
        self.fields["note"].initial = self.instance.verdict_note
        self.fields["new_verdict"].initial = self.instance.verdict
        self.fields["supported_position"].initial = self.instance.verdict_position_id

    def clean(self):
        cleaned = super().clean()
        verdict = cleaned.get("new_verdict")
        position = cleaned.get("supported_position")
        if not verdict and cleaned.get("note") != self.instance.verdict_note:
            if not self.instance.verdict:
                self.add_error("new_verdict", "Give a verdict to save a note.")
            verdict = cleaned["new_verdict"] = self.instance.verdict
        if verdict and verdict != Verdict.SUPPORTED:
            cleaned["supported_position"] = None
        elif verdict == Verdict.SUPPORTED and position is None:
            self.add_error("supported_position", "Name the position the record supports.")
        return cleaned


@admin.register(Dispute)
class DisputeAdmin(DerivedAdmin):
    form = DisputeReviewForm
    list_display = ["title", "status", "verdict", "score", "position_count", "last_activity_at"]
    list_filter = ["status", "verdict"]
    search_fields = ["title", "positions__supporters__statement__quote"]
    readonly_fields = [
        "title",
        "status",
        "score",
        "verdict",
        "verdict_position",
        "reviewed_by",
        "reviewed_at",
        "reopened_because",
        "positions_table",
        "last_activity_at",
    ]
    fieldsets = [
        (None, {"fields": ["title", ("status", "score"), "reopened_because", "positions_table"]}),
        (
            "Verdict",
            {
                "fields": [
                    ("verdict", "verdict_position", "reviewed_by", "reviewed_at"),
                    "new_verdict",
                    "supported_position",
                    "note",
                ]
            },
        ),
    ]
    actions = ["mark_unresolved", "mark_not_a_contradiction"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(position_total=Count("positions", distinct=True))
        )

    @admin.display(description="positions", ordering="position_total")
    def position_count(self, obj: Dispute) -> int:
        return obj.position_total

    @admin.display(description="positions and who holds them")
    def positions_table(self, obj: Dispute) -> str:
        supporters = Assertion.objects.select_related(
            "statement__speaker", "statement__source", "evidence__source"
        ).order_by("id")
        positions = (
            Position.objects.filter(dispute=obj)
            .select_related(*_POSITION_JOINS)
            .prefetch_related(Prefetch("supporters", queryset=supporters))
        )
        rows = []
        for position in positions:
            held = format_html_join(
                "", "<li>{}</li>", ((_supporter_text(a),) for a in position.supporters.all())
            )
            rows.append((position, held))
        return format_html(
            "<ol>{}</ol>",
            format_html_join("", "<li><strong>{}</strong><ul>{}</ul></li>", rows),
        )

    def save_model(self, request, obj, form, change):
        verdict = form.cleaned_data.get("new_verdict")
        if verdict:
            dispute_review(
                dispute=obj,
                verdict=verdict,
                position=form.cleaned_data.get("supported_position"),
                note=form.cleaned_data["note"],
                reviewer=request.user,
            )

    def _review(self, request, queryset, verdict: str) -> None:
        for dispute in queryset:
            dispute_review(
                dispute=dispute, verdict=verdict, note=dispute.verdict_note, reviewer=request.user
            )
        label = Verdict(verdict).label.lower()
        self.message_user(request, f"{len(queryset)} dispute(s): {label}.", messages.SUCCESS)

    @admin.action(description="Mark as a real contradiction, unresolved", permissions=["change"])
    def mark_unresolved(self, request, queryset):
        self._review(request, queryset, Verdict.UNRESOLVED)

    @admin.action(description="Mark as not a real contradiction", permissions=["change"])
    def mark_not_a_contradiction(self, request, queryset):
        self._review(request, queryset, Verdict.NOT_A_CONTRADICTION)


def _supporter_text(assertion: Assertion) -> str:
    hedge = "" if assertion.certainty == "asserted" else f" ({assertion.certainty})"
    if assertion.statement_id:
        statement = assertion.statement
        return (
            f"{statement.speaker}, {statement.said_at:%d %b %Y}{hedge}: "
            f"“{excerpt(statement.quote, 16)}” — {statement.source}"
        )
    evidence = assertion.evidence
    return f"{evidence} (evidence graded {evidence.grade}){hedge} — {evidence.source}"
