"""Filters of the dispute list: who speaks, on which side, about what, when."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.contrib import admin
from django.utils.dateparse import parse_date

from statements.models import Assertion, PairClass, Position
from statements.selectors.workspace import (
    disputes_entity_choices,
    disputes_side_choices,
    disputes_speaker_choices,
    side_condition,
)


class _IdFilter(admin.SimpleListFilter):
    """A filter whose value is an id; a value that is not one filters nothing."""

    def chosen(self) -> int | None:
        value = self.value()
        return int(value) if value and value.isdigit() else None


class EntityFilter(_IdFilter):
    title = "entity"
    parameter_name = "entity"

    def lookups(self, request, model_admin):
        return disputes_entity_choices()

    def queryset(self, request, queryset):
        entity = self.chosen()
        if entity is None:
            return queryset
        about = Position.objects.filter(subject_id=entity) | Position.objects.filter(
            object_id=entity
        )
        return queryset.filter(id__in=about.values("disputes"))


class SpeakerFilter(_IdFilter):
    title = "speaker"
    parameter_name = "speaker"

    def lookups(self, request, model_admin):
        return disputes_speaker_choices()

    def queryset(self, request, queryset):
        speaker = self.chosen()
        if speaker is None:
            return queryset
        held = Assertion.objects.filter(statement__speaker_id=speaker)
        return queryset.filter(id__in=held.values("position__disputes"))


class SideFilter(_IdFilter):
    title = "side (a speaker part of)"
    parameter_name = "side"

    def lookups(self, request, model_admin):
        return disputes_side_choices()

    def queryset(self, request, queryset):
        side = self.chosen()
        if side is None:
            return queryset
        held = Assertion.objects.filter(side_condition(side))
        return queryset.filter(id__in=held.values("position__disputes"))


class PairClassFilter(admin.SimpleListFilter):
    title = "pair class"
    parameter_name = "pair_class"

    def lookups(self, request, model_admin):
        return PairClass.choices

    def queryset(self, request, queryset):
        if self.value() in PairClass.values:
            return queryset.filter(pair_classes__contains=f",{self.value()},")
        return queryset


class TimeRangeFilter(admin.ListFilter):
    """Disputes about a time that meets [from, until] (dates, both optional, UTC)."""

    title = "about a time between"
    template = "admin/statements/time_range_filter.html"
    parameters = ("about_from", "about_until")

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.values = {}
        for name in self.parameters:
            if name in params:
                value = params.pop(name)
                value = value[-1] if isinstance(value, list) else value
                self.used_parameters[name] = value
                self.values[name] = parse_date(value or "")

    def has_output(self):
        return True

    def expected_parameters(self):
        return list(self.parameters)

    def choices(self, changelist):
        # The template draws a small form; the one choice clears the range.
        yield {
            "selected": not self.used_parameters,
            "query_string": changelist.get_query_string(remove=list(self.parameters)),
            "display": "Any time",
            "values": {name: self.used_parameters.get(name, "") for name in self.parameters},
            "kept": [
                (key, value)
                for key, value in changelist.params.items()
                if key not in self.parameters
            ],
        }

    def queryset(self, request, queryset):
        start, end = self.values.get("about_from"), self.values.get("about_until")
        if start:
            start_at = datetime.combine(start, time(), tzinfo=UTC)
            queryset = queryset.exclude(time_end__lte=start_at)
        if end:
            end_at = datetime.combine(end, time.max, tzinfo=UTC)
            queryset = queryset.exclude(time_start__gt=end_at)
        return queryset
