"""Statements and evidence with their assertions inline, and assertions on their own.

The record and its assertions are written by one service call (``statement_create`` /
``statement_update`` ...), so the admin finds conflicts exactly as the API and the seed loader do.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from statements.admin.common import excerpt
from statements.admin.history import HistoryAdmin
from statements.admin.kinds import KindFieldMixin
from statements.admin.outcomes import disputes_before, disputes_list, disputes_outcome
from statements.interchange.admin import RecordsImportMixin
from statements.models import (
    Assertion,
    Conflict,
    Evidence,
    EvidenceKind,
    Predicate,
    Statement,
    ValueType,
)
from statements.selectors.workspace import moment_text
from statements.services import (
    assertion_clean,
    assertion_delete,
    assertion_save,
    evidence_create,
    evidence_delete,
    evidence_update,
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


# --- Assertions ---


class AssertionForm(forms.ModelForm):
    """Check the value against its predicate with the service, and show errors on the field."""

    class Meta:
        model = Assertion
        fields = ASSERTION_FIELDS
        labels = {"number_high": "up to (between)"}
        help_texts = {"number_high": ""}

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


def predicate_value_types() -> dict[str, dict]:
    """Return each predicate's value type and choices by id, for the assertion editor's script."""
    rows = Predicate.objects.values_list("id", "value_type", "choices")
    return {str(pk): {"field": VALUE_FIELD[kind], "choices": choices} for pk, kind, choices in rows}


class ForgetsConflictsMixin:
    """Deleting what conflicts are derived from needs no right to delete conflicts by hand.

    The admin asks for delete permission on every row a delete cascades to, and conflicts
    have none (curators review them); the delete services forget them instead.
    """

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(Conflict._meta.verbose_name)
        return deleted, counts, perms_needed, protected


# The assertion editor, a few fields a row so a claim fits 1440 px: what it is about, its value
# (the script shows only the input the predicate's type takes), when, and how sure.
ASSERTION_FIELDSETS = [
    (
        None,
        {
            "fields": [
                ("predicate", "subject", "polarity"),
                ("comparator", "object", "choice", "number", "number_high", "boolean"),
                ("valid_from", "valid_until", "time_precision", "certainty"),
                "note",
            ]
        },
    )
]


class AssertionInline(admin.StackedInline):
    model = Assertion
    form = AssertionForm
    fieldsets = ASSERTION_FIELDSETS
    autocomplete_fields = ["predicate", "subject", "object"]
    extra = 1
    classes = ["ws-assertions"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}


class StatementAssertionInline(AssertionInline):
    fk_name = "statement"


class EvidenceAssertionInline(AssertionInline):
    fk_name = "evidence"


@admin.register(Assertion)
class AssertionAdmin(ForgetsConflictsMixin, HistoryAdmin):
    """Assertions on their own, to search across the record and to see their history."""

    form = AssertionForm
    list_display = ["__str__", "certainty", "owner", "dispute"]
    list_filter = ["predicate", "polarity", "certainty"]
    search_fields = ["subject__name", "statement__quote", "evidence__title", "predicate__name"]
    autocomplete_fields = ["statement", "evidence", "predicate", "subject", "object"]
    list_select_related = [
        "predicate",
        "subject",
        "object",
        "statement__speaker",
        "evidence",
        "position__dispute_member__dispute",
    ]
    fields = ["statement", "evidence", *ASSERTION_FIELDS]

    class Media:
        css = {"all": ["statements/workspace.css"]}

    @admin.display(description="from")
    def owner(self, obj: Assertion) -> str:
        if obj.statement_id:
            return f"{obj.statement.speaker}: {excerpt(obj.statement.quote, 10)}"
        return f"{obj.evidence} (evidence)"

    @admin.display(description="dispute")
    def dispute(self, obj: Assertion) -> str:
        dispute = obj.position.dispute
        if dispute is None:
            return "—"
        link = reverse("admin:statements_dispute_change", args=[dispute.pk])
        return format_html('<a href="{}">{}</a>', link, dispute.title)

    def save_model(self, request, obj, form, change):
        # The form checked the value with assertion_clean; the service finds its position.
        assertion_save(assertion=obj)

    def delete_model(self, request, obj):
        assertion_delete(assertion=obj)

    def delete_queryset(self, request, queryset):
        for assertion in queryset:
            assertion_delete(assertion=assertion)


# --- Statements and evidence: the record and its assertions in one service call ---


class RecordAdmin(RecordsImportMixin, ForgetsConflictsMixin, HistoryAdmin):
    """Write the record and its inline assertions through ``create`` / ``update`` services."""

    record_fields: tuple[str, ...] = ()
    save_as = False
    change_form_template = "admin/statements/record_change_form.html"

    class Media:
        css = {"all": ["statements/workspace.css"]}
        js = ["statements/assertion_value.js"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "predicate_types": predicate_value_types()}
        return super().changeform_view(request, object_id, form_url, extra_context)

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
        before = disputes_before(obj)
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
        # Django's own message names the record; this one says what it did to the disputes.
        self.message_user(request, disputes_outcome(obj, before), messages.INFO)

    @admin.display(description="disputes")
    def disputes(self, obj) -> str:
        return disputes_list(obj)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "disputes"]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return [*fields, "disputes"] if obj is not None and "disputes" not in fields else fields

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
    list_display = [
        "said",
        "speaker",
        "quote_excerpt",
        "source_excerpt",
        "assertion_count",
        "dispute_count",
        "ref",
    ]
    list_display_links = ["said", "quote_excerpt"]
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
        return queryset.annotate(
            assertion_total=Count("assertions", distinct=True),
            dispute_total=Count("assertions__position__disputes", distinct=True),
        )

    @admin.display(description="said", ordering="said_at")
    def said(self, obj: Statement) -> str:
        return moment_text(obj.said_at, obj.said_at_precision)

    @admin.display(description="source", ordering="source__title")
    def source_excerpt(self, obj: Statement) -> str:
        return excerpt(obj.source.title, 8)

    @admin.display(description="disputes", ordering="dispute_total")
    def dispute_count(self, obj: Statement) -> int:
        return obj.dispute_total

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
class EvidenceAdmin(KindFieldMixin, RecordAdmin):
    kind_vocabulary = EvidenceKind
    record_fields = EVIDENCE_FIELDS
    list_display = ["__str__", "kind", "grade", "source", "captured_at", "place", "ref"]
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
