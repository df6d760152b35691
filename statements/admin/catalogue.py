"""Entities, sources and the catalogue (predicates, exclusion rules), saved through services.

A changed predicate or rule starts the same full re-check as the API's.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models

from statements.admin.history import HistoryAdmin
from statements.admin.kinds import KindFieldMixin
from statements.models import (
    Entity,
    EntityKind,
    ExclusionRule,
    Predicate,
    Source,
)
from statements.services import (
    entity_save,
    exclusion_rule_delete,
    exclusion_rule_upsert,
    predicate_delete,
    predicate_upsert,
)

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
class EntityAdmin(KindFieldMixin, admin.ModelAdmin):
    kind_vocabulary = EntityKind
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


class CatalogueAdmin(HistoryAdmin):
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
