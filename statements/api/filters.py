"""Query parameters for the lists. A value that cannot be read is a 400 naming the parameter,
never silently ignored."""

import copy

import django_filters
from django import forms
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters
from rest_framework.exceptions import ValidationError

from statements import selectors
from statements.api.fields import NUL, NUL_CODE, NUL_MESSAGE, to_utc
from statements.models import (
    Assertion,
    Certainty,
    Conflict,
    ConflictKind,
    ConflictStatus,
    Dispute,
    DisputeStatus,
    Entity,
    Evidence,
    PairClass,
    Polarity,
    Position,
    Predicate,
    Statement,
    ValueType,
    Verdict,
    validate_entity_kind,
    validate_evidence_kind,
)

MAX_ID = 2**63 - 1
MAX_SEARCH_LENGTH = 200
MAX_SEARCH_TERMS = 10


def strict_bool(request, name: str) -> bool:
    """Return the query parameter ``name`` read as true or false (absent: false); else 400."""
    raw = request.query_params.get(name) or "false"
    if raw not in ("true", "false"):
        raise ValidationError({name: [f"Enter true or false; got {raw[:20]!r}."]})
    return raw == "true"


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.ChoiceFilter):
    """``true`` or ``false``; anything else is a 400 (django-filter's own ignores it)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return super().filter(qs, value == "true")


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A record id: a whole number from 1 (``1.5`` or ``-3`` is a 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class UtcDateTimeField(forms.DateTimeField):
    """A moment read in UTC; an offset PostgreSQL refuses, or a year out of range, is a 400."""

    def to_python(self, value):
        moment = super().to_python(value)
        return None if moment is None else to_utc(moment)


class DateTimeFilter(django_filters.DateTimeFilter):
    field_class = UtcDateTimeField


def _slug_filter(model, help_text: str, **kwargs):
    # The schema says string: clients send slugs, not the primary keys it would guess.
    return extend_schema_field(OpenApiTypes.STR)(
        django_filters.ModelChoiceFilter(
            queryset=model.objects.all(), to_field_name="slug", help_text=help_text, **kwargs
        )
    )


def _entity_filter(help_text: str, **kwargs):
    return _slug_filter(Entity, help_text, **kwargs)


class SearchFilter(filters.SearchFilter):
    """DRF's search, bounded: a long search is a 400, not a query with hundreds of ORs."""

    def get_search_terms(self, request):
        raw = request.query_params.get(self.search_param, "")
        if NUL in raw:
            raise ValidationError({self.search_param: [NUL_MESSAGE]}, code=NUL_CODE)
        terms = super().get_search_terms(request)
        if len(raw) > MAX_SEARCH_LENGTH or len(terms) > MAX_SEARCH_TERMS:
            raise ValidationError(
                {
                    self.search_param: [
                        f"Search with at most {MAX_SEARCH_TERMS} words "
                        f"and {MAX_SEARCH_LENGTH} characters."
                    ]
                }
            )
        return terms


class OrderingFilter(filters.OrderingFilter):
    """DRF's ordering, strict (an unknown field is a 400 instead of being dropped) and total."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = params.split(",")
            valid = {
                name for name, _ in self.get_valid_fields(queryset, view, {"request": request})
            }
            bad = [field for field in fields if field.lstrip("-") not in valid]
            if bad:
                raise ValidationError(
                    {
                        self.ordering_param: [
                            f"Cannot order by {', '.join(bad)}; "
                            f"choose from {', '.join(sorted(valid))} (prefix - to reverse)."
                        ]
                    }
                )
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not any(field.lstrip("-") in ("id", "pk") for field in ordering):
            # Ties (disputes of equal score) keep one order, page after page, on every database.
            ordering = [*ordering, "id"]
        return ordering

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        names = sorted(
            name for name, _ in self.get_valid_fields(view.get_queryset(), view, {"request": None})
        )
        one = f"-?({'|'.join(names)})"
        for parameter in parameters:
            parameter["schema"]["pattern"] = f"^{one}(,{one})*$"
            parameter["description"] = (
                f"Order by {', '.join(names)}; prefix - to reverse, join several with commas."
            )
        return parameters


class StatusFilter(django_filters.MultipleChoiceFilter):
    """Repeatable choices; an empty value (a form's blank field) is no value, as elsewhere."""

    class field_class(django_filters.MultipleChoiceFilter.field_class):
        def clean(self, value):
            return super().clean([item for item in value or [] if item != ""])


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, made once per filter set what it remade per request.

    django-filter builds a new form class, and every form field, for each request, and
    deep-copies every filter (their querysets and choices with them): together most of a list
    page's filtering time. The fields depend on the filter set alone (no filter here takes its
    queryset from the request), so the first form class serves every request; a filter keeps
    no state of its own but its parent and model, so a shallow copy of each is enough.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        base_filters, self.base_filters = self.base_filters, {}
        try:
            super().__init__(data, queryset, request=request, prefix=prefix)
        finally:
            del self.base_filters
        model = self.queryset.model
        for name, base in base_filters.items():
            filter_ = copy.copy(base)
            filter_.model, filter_.parent = model, self
            if filter_.method is not None:
                filter_.method = filter_.method  # bind the method to this copy, not the base
            self.filters[name] = filter_

    @classmethod
    def _cached_form_class(cls, build):
        form = cls.__dict__.get("_form_class")
        if form is None:
            form = build()
            cls._form_class = form
        return form

    def get_form_class(self):
        return self._cached_form_class(super().get_form_class)


class EntityFilter(FilterSet):
    kind = django_filters.CharFilter(
        max_length=50,
        validators=[validate_entity_kind],
        help_text="The slug of an entity kind (see /api/entity-kinds/).",
    )
    part_of = _entity_filter("Direct parts of this entity (slug).")
    within = _entity_filter(
        "Everything part_of this entity at any depth, itself included (slug).", method="_within"
    )
    category = _entity_filter("Members of this category (slug).", field_name="categories")

    class Meta:
        model = Entity
        fields = ["kind", "part_of", "within", "category"]

    def _within(self, queryset, name, entity):
        return queryset.filter(lineage__startswith=entity.lineage) if entity.lineage else queryset


class PredicateFilter(FilterSet):
    value_type = django_filters.ChoiceFilter(choices=ValueType.choices)
    single_valued = StrictBooleanFilter()

    class Meta:
        model = Predicate
        fields = ["value_type", "single_valued"]


class StatementFilter(FilterSet):
    ref = django_filters.CharFilter(max_length=100)
    speaker = _entity_filter("Said by this entity (slug).", method="_speaker")
    speaker_side = StrictBooleanFilter(
        method="_noop", help_text="With speaker: include everyone part_of the speaker."
    )
    about = _entity_filter(
        "With an assertion whose subject or object is this entity (slug).", method="_about"
    )
    source = django_filters.CharFilter(field_name="source__slug", max_length=100)
    said_after = DateTimeFilter(field_name="said_at", lookup_expr="gte")
    said_before = DateTimeFilter(field_name="said_at", lookup_expr="lte")

    class Meta:
        model = Statement
        fields = ["ref", "speaker", "speaker_side", "about", "source"]

    def _noop(self, queryset, name, value):
        return queryset

    def _speaker(self, queryset, name, entity):
        if self.form.cleaned_data.get("speaker_side") == "true" and entity.lineage:
            return queryset.filter(speaker__lineage__startswith=entity.lineage)
        return queryset.filter(speaker=entity)

    def _about(self, queryset, name, entity):
        return selectors.statements_about(queryset, entity=entity)


class EvidenceFilter(FilterSet):
    ref = django_filters.CharFilter(max_length=100)
    kind = django_filters.CharFilter(
        max_length=50,
        validators=[validate_evidence_kind],
        help_text="The slug of an evidence kind (see /api/evidence-kinds/).",
    )
    about = _entity_filter(
        "With an assertion whose subject or object is this entity (slug).", method="_about"
    )
    source = django_filters.CharFilter(field_name="source__slug", max_length=100)

    class Meta:
        model = Evidence
        fields = ["ref", "kind", "about", "source"]

    def _about(self, queryset, name, entity):
        return selectors.evidence_about(queryset, entity=entity)


class AssertionFilter(FilterSet):
    predicate = _slug_filter(Predicate, "Predicate (slug).")
    subject = _entity_filter("Subject (slug).")
    object = _entity_filter("Object (slug), for entity predicates.")
    entity = _entity_filter("Subject or object (slug).", method="_entity")
    speaker = _entity_filter("Said by this entity (slug).", field_name="statement__speaker")
    statement = IdFilter(field_name="statement_id")
    evidence = IdFilter(field_name="evidence_id")
    polarity = django_filters.ChoiceFilter(choices=Polarity.choices)
    certainty = django_filters.ChoiceFilter(choices=Certainty.choices)

    class Meta:
        model = Assertion
        fields = [
            "predicate",
            "subject",
            "object",
            "entity",
            "speaker",
            "statement",
            "evidence",
            "polarity",
            "certainty",
        ]

    def _entity(self, queryset, name, entity):
        return queryset.filter(Q(subject=entity) | Q(object=entity))


class _ClaimFilterMixin:
    """Who holds a position and what it is about, shared by conflicts and disputes."""

    def _noop(self, queryset, name, value):
        return queryset

    def _side(self) -> bool:
        return self.form.cleaned_data.get("speaker_side") == "true"

    def _rule(self, queryset, name, value):
        return queryset.filter(rules__contains=f",{value},")

    def _pair_class(self, queryset, name, value):
        return queryset.filter(pair_classes__contains=f",{value},")

    def _said(self, queryset, lookup, value):
        moment = Q(**{f"statement__said_at__{lookup}": value})
        moment |= Q(**{f"evidence__captured_at__{lookup}": value})
        return self.held(queryset, selectors.positions_of(moment))

    def _said_after(self, queryset, name, value):
        return self._said(queryset, "gte", value)

    def _said_before(self, queryset, name, value):
        return self._said(queryset, "lte", value)


def _said_filters() -> tuple:
    return (
        DateTimeFilter(
            method="_said_after",
            help_text="Held by something said (or evidence captured) at or after this time.",
        ),
        DateTimeFilter(
            method="_said_before",
            help_text="Held by something said (or evidence captured) at or before this time.",
        ),
    )


def _speaker_side_filter() -> StrictBooleanFilter:
    return StrictBooleanFilter(
        method="_noop",
        help_text="With speaker: include everything said by anyone part_of the speaker "
        "(the ministry's spokesman, the state's army).",
    )


class ConflictFilter(_ClaimFilterMixin, FilterSet):
    """Conflicts a front end asks for. Without ``status``, retracted ones are left out."""

    status = StatusFilter(
        choices=ConflictStatus.choices,
        help_text="Repeat for several (status=open&status=retracted). Default: open only.",
    )
    rule = django_filters.ChoiceFilter(
        choices=ConflictKind.choices, method="_rule", help_text="A rule that sees the conflict."
    )
    pair_class = django_filters.ChoiceFilter(
        choices=PairClass.choices, method="_pair_class", help_text="A kind of supporter pair."
    )
    speaker = _entity_filter("Either side held by this entity (slug).", method="_speaker")
    speaker_side = _speaker_side_filter()
    entity = _entity_filter(
        "The subject or object of either side is this entity (slug).", method="_entity"
    )
    predicate = _slug_filter(
        Predicate, "Either side uses this predicate (slug).", method="_predicate"
    )
    statement = IdFilter(method="_statement", help_text="Either side is held by this statement.")
    evidence = IdFilter(method="_evidence", help_text="Either side is held by this evidence.")
    dispute = IdFilter(field_name="position_a__disputes", help_text="In this dispute.")
    said_after, said_before = _said_filters()
    detected_after = DateTimeFilter(field_name="detected_at", lookup_expr="gte")
    detected_before = DateTimeFilter(field_name="detected_at", lookup_expr="lte")
    min_score = django_filters.NumberFilter(
        field_name="score", lookup_expr="gte", min_value=0, max_value=1
    )

    class Meta:
        model = Conflict
        fields = [
            "status",
            "rule",
            "pair_class",
            "speaker",
            "speaker_side",
            "entity",
            "predicate",
            "statement",
            "evidence",
            "dispute",
            "said_after",
            "said_before",
            "detected_after",
            "detected_before",
            "min_score",
        ]

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.exclude(status=ConflictStatus.RETRACTED)
        return super().filter_queryset(queryset)

    def held(self, queryset, positions):
        return queryset.filter(Q(position_a__in=positions) | Q(position_b__in=positions))

    def _speaker(self, queryset, name, entity):
        return selectors.conflicts_of_speaker(queryset, speaker=entity, side=self._side())

    def _entity(self, queryset, name, entity):
        return selectors.conflicts_involving_entity(queryset, entity=entity)

    def _predicate(self, queryset, name, predicate):
        return queryset.filter(
            Q(position_a__predicate=predicate) | Q(position_b__predicate=predicate)
        )

    def _statement(self, queryset, name, value):
        return selectors.conflicts_of_statement(queryset, statement_id=int(value))

    def _evidence(self, queryset, name, value):
        return selectors.conflicts_of_evidence(queryset, evidence_id=int(value))


class DisputeFilter(_ClaimFilterMixin, FilterSet):
    """Disputes a front end asks for. Without ``status``, retracted ones are left out."""

    status = StatusFilter(
        choices=DisputeStatus.choices,
        help_text="Repeat for several (status=open&status=reviewed). "
        "Default: every status but retracted.",
    )
    verdict = django_filters.ChoiceFilter(choices=Verdict.choices[1:])
    rule = django_filters.ChoiceFilter(
        choices=ConflictKind.choices, method="_rule", help_text="A rule that sees a conflict."
    )
    pair_class = django_filters.ChoiceFilter(
        choices=PairClass.choices, method="_pair_class", help_text="A kind of supporter pair."
    )
    speaker = _entity_filter("A position held by this entity (slug).", method="_speaker")
    speaker_side = _speaker_side_filter()
    entity = _entity_filter(
        "A position's subject or object is this entity (slug).", method="_entity"
    )
    predicate = _slug_filter(
        Predicate, "A position uses this predicate (slug).", method="_predicate"
    )
    statement = IdFilter(method="_statement", help_text="A position is held by this statement.")
    evidence = IdFilter(method="_evidence", help_text="A position is held by this evidence.")
    about_after = DateTimeFilter(
        method="_about_after",
        help_text="The disputed time reaches this time or later (open ends reach forever).",
    )
    about_before = DateTimeFilter(
        method="_about_before",
        help_text="The disputed time starts at this time or earlier.",
    )
    said_after, said_before = _said_filters()
    active_after = DateTimeFilter(field_name="last_activity_at", lookup_expr="gte")
    min_score = django_filters.NumberFilter(
        field_name="score", lookup_expr="gte", min_value=0, max_value=1
    )

    class Meta:
        model = Dispute
        fields = [
            "status",
            "verdict",
            "rule",
            "pair_class",
            "speaker",
            "speaker_side",
            "entity",
            "predicate",
            "statement",
            "evidence",
            "about_after",
            "about_before",
            "said_after",
            "said_before",
            "active_after",
            "min_score",
        ]

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.exclude(status=DisputeStatus.RETRACTED)
        return super().filter_queryset(queryset)

    def held(self, queryset, positions):
        return queryset.filter(id__in=Position.objects.filter(id__in=positions).values("disputes"))

    def _speaker(self, queryset, name, entity):
        return selectors.disputes_of_speaker(queryset, speaker=entity, side=self._side())

    def _entity(self, queryset, name, entity):
        return selectors.disputes_of_entity(queryset, entity=entity)

    def _predicate(self, queryset, name, predicate):
        return queryset.filter(
            id__in=Position.objects.filter(predicate=predicate).values("disputes")
        )

    def _statement(self, queryset, name, value):
        return selectors.disputes_of_record(queryset, statement_id=int(value))

    def _evidence(self, queryset, name, value):
        return selectors.disputes_of_record(queryset, evidence_id=int(value))

    def _about_after(self, queryset, name, value):
        return queryset.filter(Q(time_end__isnull=True) | Q(time_end__gte=value))

    def _about_before(self, queryset, name, value):
        return queryset.filter(Q(time_start__isnull=True) | Q(time_start__lte=value))
