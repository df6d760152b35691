"""Thin API views: validate with a serializer, call a service or a selector, serialize.

Writes go through ``statements.services``; reads through ``statements.selectors``. Detail
responses carry an ETag; writes honour If-Match under a row lock (see ``conditional``).
"""

from copy import copy
from dataclasses import asdict

from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from statements import selectors
from statements.api import filters, serializers
from statements.api.claim_search import FullTextSearchFilter
from statements.api.claimreview import CLAIMREVIEW_SCHEMA, ClaimReviewMixin
from statements.api.conditional import check_if_match, etag_for, if_none_match_hit
from statements.api.exports import StreamedListMixin
from statements.api.interchange import JSON_LD
from statements.api.permissions import IsCurator
from statements.models import Entity, Position
from statements.services import (
    dispute_review,
    entity_save,
    evidence_create,
    evidence_delete,
    evidence_update,
    exclusion_rule_delete,
    exclusion_rule_upsert,
    predicate_delete,
    predicate_upsert,
    source_upsert,
    statement_create,
    statement_delete,
    statement_update,
)
from statements.services.conflicts import conflicts_check_draft
from statements.services.limits import DraftLimits

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description=(
        "The ETag you read (or `*` to overwrite whatever is there). If the record changed "
        "since, the request fails with 412; without the header, with 428."
    ),
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    OpenApiParameter.HEADER,
    description="An ETag you hold: 304 with no body when the record has not changed.",
)
# The seed's case, so that the docs' "Try it out" and schemathesis' examples phase meet real data.
DRAFT_EXAMPLE = {
    "speaker": "russian-mod",
    "said_at": "2022-07-01T09:00:00Z",
    "quote": "The shopping centre was non-functioning.",
    "assertions": [
        {
            "predicate": "facility_status",
            "subject": "amstor-mall",
            "value": "non_functioning",
            "valid_from": "2022-06-27T12:50:00Z",
            "valid_until": "2022-06-27T12:50:00Z",
            "time_precision": "hour",
        }
    ],
}
CONFLICT_SEARCH_FIELDS = ["explanation"]
CONFLICT_ORDERING_FIELDS = ["score", "detected_at", "updated_at", "id"]
# A nested ``.../conflicts/`` route lists conflicts: its queryset, filters and schema are theirs.
CONFLICT_LIST_OPTIONS = {
    "queryset": selectors.conflict_list(),
    "serializer_class": serializers.ConflictRowSerializer,
    "filterset_class": filters.ConflictFilter,
    "filter_backends": [DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter],
    "search_fields": CONFLICT_SEARCH_FIELDS,
    "ordering_fields": CONFLICT_ORDERING_FIELDS,
}


class ConditionalMixin:
    """Detail responses with an ETag; writes that lock the row and honour If-Match."""

    def get_object(self):
        if self.request.method in permissions.SAFE_METHODS:
            return super().get_object()
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        lookup = {self.lookup_field: self.kwargs[lookup_url_kwarg]}
        model = self.get_queryset().model
        # Lock first (a no-op on SQLite), then read: a concurrent writer holding the lock has
        # committed by the time we read, so its change shows in the ETag we compare.
        list(model._default_manager.select_for_update().filter(**lookup).values_list("pk"))
        instance = super().get_object()
        check_if_match(self.request, etag_for(self.get_output_serializer(instance).data))
        return instance

    def get_output_serializer(self, instance):
        return self.serializer_class(instance, context=self.get_serializer_context())

    def respond(self, instance, status_code=status.HTTP_200_OK):
        """Return ``instance`` as read back (fresh joins), with its new ETag."""
        instance = self.get_queryset().get(pk=instance.pk)
        data = self.get_output_serializer(instance).data
        headers = {"ETag": etag_for(data)}
        if status_code == status.HTTP_201_CREATED:
            key = self.lookup_url_kwarg or self.lookup_field
            path = reverse(
                f"{self.basename}-detail", kwargs={key: getattr(instance, self.lookup_field)}
            )
            headers["Location"] = self.request.build_absolute_uri(path)
        return Response(data, status=status_code, headers=headers)

    def retrieve(self, request, *args, **kwargs):
        data = self.get_output_serializer(self.get_object()).data
        etag = etag_for(data)
        if if_none_match_hit(request, etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})


class RecordViewSet(ConditionalMixin, viewsets.ModelViewSet):
    """CRUD where input may differ from output, and every write goes through a service."""

    input_serializer_class = None
    # Slugs are ASCII letters, digits, - and _: anything else (a NUL) is a 404, not a query.
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update") and self.input_serializer_class:
            return self.input_serializer_class
        return self.serializer_class

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.write(instance=None, data=serializer.validated_data)
        return self.respond(instance, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        instance = self.write(instance=instance, data=serializer.validated_data)
        return self.respond(instance)

    def write(self, *, instance, data):
        raise NotImplementedError


def record_schema(output, input_=None, name=""):
    """Return the schema of a record viewset: If-Match on writes, ETag on detail."""
    input_ = input_ or output
    return extend_schema_view(
        list=extend_schema(summary=f"List {name}"),
        retrieve=extend_schema(summary=f"Show one of the {name}", parameters=[IF_NONE_MATCH]),
        create=extend_schema(request=input_, responses={201: output}),
        update=extend_schema(request=input_, responses=output, parameters=[IF_MATCH]),
        partial_update=extend_schema(request=input_, responses=output, parameters=[IF_MATCH]),
        destroy=extend_schema(parameters=[IF_MATCH]),
    )


class ConflictListMixin:
    """Answer a nested ``.../conflicts/`` route with the same filters as /api/conflicts/."""

    def conflicts_response(self, conflicts):
        rows = self.paginate_queryset(selectors.conflict_rows(self.filter_queryset(conflicts)))
        sides = {pk for row in rows for pk in (row["position_a_id"], row["position_b_id"])}
        positions = {row["id"]: row for row in selectors.position_rows(ids=sides)}
        data = serializers.ConflictRowSerializer(
            rows, many=True, context={"positions": positions}
        ).data
        return self.get_paginated_response(data)

    def parent(self, model, **lookup):
        return get_object_or_404(model, **lookup)


# --- Catalogue. ---


@record_schema(serializers.EntitySerializer, name="entities")
class EntityViewSet(ConflictListMixin, RecordViewSet):
    """People, organisations, states, facilities, places, events, weapons and categories."""

    queryset = selectors.entity_list()
    serializer_class = serializers.EntitySerializer
    lookup_field = "slug"
    filterset_class = filters.EntityFilter
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["slug", "name", "description"]
    ordering_fields = ["name", "slug", "id"]

    def write(self, *, instance, data):
        categories = data.pop("categories", None)
        entity = instance or Entity()
        for name, value in data.items():
            setattr(entity, name, value)
        return entity_save(entity=entity, categories=categories)

    @extend_schema(
        summary="Conflicts of an entity",
        description="Conflicts where the entity speaks on either side or is the subject or "
        "object of either side. With side=true, also what anyone part_of it said. Takes the "
        "same filters as /api/conflicts/.",
        parameters=[
            OpenApiParameter("slug", str, OpenApiParameter.PATH),
            OpenApiParameter(
                "side", str, enum=["true", "false"], description="Include its parts' statements."
            ),
        ],
        responses=serializers.ConflictRowSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="conflicts", **CONFLICT_LIST_OPTIONS)
    def conflicts(self, request, slug=None):
        entity = self.parent(Entity, slug=slug)
        side = filters.strict_bool(request, "side")
        return self.conflicts_response(
            selectors.conflicts_of_entity(self.get_queryset(), entity=entity, side=side)
        )


@record_schema(serializers.SourceSerializer, name="sources")
class SourceViewSet(RecordViewSet):
    """Where statements and evidence were published or recorded."""

    queryset = selectors.source_list()
    serializer_class = serializers.SourceSerializer
    lookup_field = "slug"
    filter_backends = [filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["slug", "title", "publisher"]
    ordering_fields = ["published_on", "title", "id"]

    def write(self, *, instance, data):
        slug = data.pop("slug", None) or instance.slug
        return source_upsert(slug=slug, **data)[0]


@record_schema(serializers.PredicateSerializer, name="predicates")
class PredicateViewSet(RecordViewSet):
    """Assertion types: what a value is and how two values may clash."""

    queryset = selectors.predicate_list()
    serializer_class = serializers.PredicateSerializer
    lookup_field = "slug"
    filterset_class = filters.PredicateFilter
    filter_backends = [DjangoFilterBackend, filters.SearchFilter]
    search_fields = ["slug", "name"]

    def write(self, *, instance, data):
        slug = data.pop("slug", None) or instance.slug
        return predicate_upsert(slug=slug, **data)[0]

    def perform_destroy(self, instance):
        # In use by assertions: ProtectedError, answered as 409 by the exception handler.
        predicate_delete(predicate=instance)


@record_schema(serializers.ExclusionRuleSerializer, name="exclusion rules")
class ExclusionRuleViewSet(RecordViewSet):
    """Curated knowledge: two values, of different predicates, that cannot hold together."""

    queryset = selectors.exclusion_rule_list()
    serializer_class = serializers.ExclusionRuleSerializer
    lookup_field = "slug"
    filter_backends = [filters.SearchFilter]
    search_fields = ["slug", "description"]

    def write(self, *, instance, data):
        slug = data.pop("slug", None) or instance.slug
        return exclusion_rule_upsert(slug=slug, **data)[0]

    def perform_destroy(self, instance):
        exclusion_rule_delete(rule=instance)


# --- The record: statements and evidence with their assertions. ---


class OwnedRecordViewSet(ConflictListMixin, RecordViewSet):
    lookup_value_regex = "[0-9]+"

    @staticmethod
    def assertion_dicts(data):
        return [dict(item) for item in data] if data is not None else None


@record_schema(
    serializers.StatementSerializer, serializers.StatementInputSerializer, name="statements"
)
class StatementViewSet(StreamedListMixin, OwnedRecordViewSet):
    """Attributed utterances with their typed assertions, written together in one request."""

    queryset = selectors.statement_list()
    serializer_class = serializers.StatementSerializer
    input_serializer_class = serializers.StatementInputSerializer
    filterset_class = filters.StatementFilter
    filter_backends = [DjangoFilterBackend, FullTextSearchFilter, filters.OrderingFilter]
    search_fields = ["quote", "context"]
    ordering_fields = ["said_at", "created_at", "id"]

    def write(self, *, instance, data):
        assertions = self.assertion_dicts(data.pop("assertions", None))
        if instance is None:
            return statement_create(
                created_by=self.request.user, assertions=assertions or [], **data
            )
        return statement_update(statement=instance, assertions=assertions, **data)

    def perform_destroy(self, instance):
        statement_delete(statement=instance)

    @extend_schema(
        summary="Conflicts of a statement",
        description="Conflicts with one of the statement's assertions on either side. Takes the "
        "same filters as /api/conflicts/.",
        responses=serializers.ConflictRowSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="conflicts", **CONFLICT_LIST_OPTIONS)
    def conflicts(self, request, pk=None):
        statement = self.parent(selectors.statement_list().model, pk=pk)
        return self.conflicts_response(
            selectors.conflicts_of_statement(self.get_queryset(), statement_id=statement.pk)
        )


@record_schema(serializers.EvidenceSerializer, serializers.EvidenceInputSerializer, name="evidence")
class EvidenceViewSet(StreamedListMixin, OwnedRecordViewSet):
    """Recorded items graded with the Admiralty code, with their typed assertions."""

    queryset = selectors.evidence_list()
    serializer_class = serializers.EvidenceSerializer
    input_serializer_class = serializers.EvidenceInputSerializer
    filterset_class = filters.EvidenceFilter
    filter_backends = [DjangoFilterBackend, FullTextSearchFilter, filters.OrderingFilter]
    search_fields = ["title", "description"]
    ordering_fields = ["captured_at", "created_at", "id"]

    def write(self, *, instance, data):
        assertions = self.assertion_dicts(data.pop("assertions", None))
        if instance is None:
            return evidence_create(
                created_by=self.request.user, assertions=assertions or [], **data
            )
        return evidence_update(evidence=instance, assertions=assertions, **data)

    def perform_destroy(self, instance):
        evidence_delete(evidence=instance)

    @extend_schema(
        summary="Conflicts of an evidence item",
        description="Conflicts with one of the item's assertions on either side. Takes the same "
        "filters as /api/conflicts/.",
        responses=serializers.ConflictRowSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="conflicts", **CONFLICT_LIST_OPTIONS)
    def conflicts(self, request, pk=None):
        evidence = self.parent(selectors.evidence_list().model, pk=pk)
        return self.conflicts_response(
            selectors.conflicts_of_evidence(self.get_queryset(), evidence_id=evidence.pk)
        )


@extend_schema_view(retrieve=extend_schema(parameters=[IF_NONE_MATCH]))
class AssertionViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    """Every typed claim on record, with the statement or evidence it belongs to (read-only:
    assertions are written with their statement or evidence)."""

    queryset = selectors.assertion_list()
    serializer_class = serializers.AssertionWithOwnerSerializer
    filterset_class = filters.AssertionFilter
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    ordering_fields = ["id", "valid_from"]
    lookup_value_regex = "[0-9]+"


# --- Positions, conflicts, disputes and their review. ---


@extend_schema_view(retrieve=extend_schema(parameters=[IF_NONE_MATCH]))
class PositionViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    """Claims, each held by one or more supporters (the assertions that make it)."""

    queryset = Position.objects.select_related(*selectors.POSITION_JOINS).annotate(
        supporter_total=Count("supporters")
    )
    serializer_class = serializers.PositionSerializer
    lookup_value_regex = "[0-9]+"
    filter_backends = [filters.OrderingFilter]
    ordering_fields = ["id"]
    ordering = ["id"]

    @extend_schema(
        summary="Supporters of a position",
        description="The statements and evidence items that hold the position, paged, oldest "
        "first.",
        responses=serializers.SupporterSerializer(many=True),
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def supporters(self, request, pk=None):
        position = get_object_or_404(Position, pk=pk)
        page = self.paginate_queryset(selectors.position_supporters([position.pk]))
        return self.get_paginated_response(serializers.SupporterSerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary="List conflicts",
        description="Pairs of positions that cannot both be true, each with every rule that "
        "sees it. Retracted ones are left out unless asked for with status.",
    ),
    retrieve=extend_schema(parameters=[IF_NONE_MATCH]),
)
class ConflictViewSet(
    StreamedListMixin, ConflictListMixin, ConditionalMixin, viewsets.ReadOnlyModelViewSet
):
    """The reasons beneath disputes: two positions that cannot both be true. Derived by the
    engine; read-only (curators review the dispute)."""

    queryset = selectors.conflict_list()
    serializer_class = serializers.ConflictSerializer
    lookup_value_regex = "[0-9]+"

    def get_serializer_class(self):
        # A list row carries what a row shows; the explanation and reasons are at its url.
        if self.action == "list":
            return serializers.ConflictRowSerializer
        return self.serializer_class

    filterset_class = filters.ConflictFilter
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]
    search_fields = CONFLICT_SEARCH_FIELDS
    ordering_fields = CONFLICT_ORDERING_FIELDS

    def list(self, request, *args, **kwargs):
        return self.conflicts_response(self.get_queryset())


@extend_schema_view(
    list=extend_schema(
        summary="List disputes",
        description="Disputed questions, each the positions that clash on it with who holds "
        "each. Retracted ones are left out unless asked for with status.",
    ),
    retrieve=extend_schema(
        summary="Show a dispute",
        description="Its positions side by side, the first supporters of each, the conflicts "
        "between them (the reasons) and the verdict.",
        parameters=[IF_NONE_MATCH],
        responses={
            (200, "application/json"): serializers.DisputeDetailSerializer,
            # Accept: application/ld+json: its ClaimReviews, as GET .../claimreview/ gives them.
            (200, JSON_LD): OpenApiResponse(CLAIMREVIEW_SCHEMA),
        },
    ),
)
class DisputeViewSet(
    StreamedListMixin, ClaimReviewMixin, ConditionalMixin, viewsets.ReadOnlyModelViewSet
):
    """Disputed questions: what a curator reviews and a front end lists. Derived from the
    conflicts; read-only except for the review action."""

    queryset = selectors.dispute_list()
    serializer_class = serializers.DisputeSerializer
    lookup_value_regex = "[0-9]+"
    filterset_class = filters.DisputeFilter
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["title"]
    ordering_fields = ["score", "last_activity_at", "created_at", "id"]

    def get_serializer_class(self):
        if self.action == "review":
            return serializers.DisputeReviewInputSerializer
        return self.serializer_class

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "held": getattr(self, "_held", {})}

    def list(self, request, *args, **kwargs):
        rows = self.paginate_queryset(
            selectors.dispute_rows(self.filter_queryset(self.get_queryset()))
        )
        positions: dict[int, list[dict]] = {row["id"]: [] for row in rows}
        for position in selectors.position_rows(disputes=positions):
            positions[position["dispute_id"]].append(position)
        self._held = selectors.position_holders(
            position["id"] for group in positions.values() for position in group
        )
        context = {**self.get_serializer_context(), "positions": positions}
        data = serializers.DisputeSerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data)

    def get_output_serializer(self, instance):
        position_ids = [p.pk for p in instance.positions.all()]
        self._held = selectors.position_holders(position_ids)
        supporters = {
            pk: list(selectors.position_supporters([pk])[: serializers.SUPPORTERS_SHOWN])
            for pk in position_ids
        }
        context = {
            **self.get_serializer_context(),
            "conflicts": list(selectors.dispute_conflicts(instance)),
            "supporters": supporters,
        }
        return serializers.DisputeDetailSerializer(instance, context=context)

    @extend_schema(
        summary="Give a dispute a verdict",
        description="Which position the record supports (supported, with position), "
        "unresolved, or not_a_contradiction, with a note; who and when are kept. The verdict "
        "holds while the dispute keeps its positions; a new position re-opens it.",
        request=serializers.DisputeReviewInputSerializer,
        responses=serializers.DisputeDetailSerializer,
        parameters=[IF_MATCH],
        examples=[
            OpenApiExample(
                "Unresolved",
                value={"verdict": "unresolved", "note": "Both sides have evidence."},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], permission_classes=[IsCurator], filter_backends=[])
    def review(self, request, pk=None):
        dispute = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        position = None
        if data["position"] is not None:
            position = Position.objects.filter(pk=data["position"]).first()
            if position is None:
                raise ValidationError({"position": [f"No position {data['position']}."]})
        dispute_review(
            dispute=dispute,
            verdict=data["verdict"],
            position=position,
            note=data["note"],
            reviewer=request.user,
        )
        return self.respond(dispute)


# --- Check a draft. ---


def _draft_conflicts(result) -> list[dict]:
    """Return a draft check's findings with both sides as positions, one query for those on
    record; a draft assertion's side is its claim, stored or not, with its index."""
    sides = [side for finding in result.findings for side in (finding.a, finding.b)]
    on_record = (
        Position.objects.select_related(*selectors.POSITION_JOINS)
        .annotate(supporter_total=Count("supporters"))
        .in_bulk([side.position for side in sides if side.position is not None])
    )

    def position_of(side):
        # One stored position may be a draft assertion's claim on one side and only on record
        # on another: each side gets its own copy.
        claim = copy(on_record[side.position] if side.position else result.claims[side.draft])
        claim.draft_assertion = side.draft
        return claim

    return [
        {
            **asdict(finding),
            "position_a": position_of(finding.a),
            "position_b": position_of(finding.b),
        }
        for finding in result.findings
    ]


class CheckApi(APIView):
    """POST a statement that is not saved; get back the conflicts it would create."""

    anyone_may_post = True
    throttle_scope = "check"

    @extend_schema(
        summary="Check a draft statement",
        description="Does this new quote contradict anything on record, and which disputes "
        "would it join or open? Nothing is saved. A check is bounded (settings "
        "CONTRADICT_CHECK_MAX_*): a draft with too many assertions, or one meeting too many "
        "positions on record or making too many conflicts, is a 400 naming the limit; checks "
        "have their own rate (API_THROTTLE_CHECK). Beside the conflicts, `similar` lists the "
        "statements on record closest to the quote (full-text, best first, at most "
        "CONTRADICT_CHECK_SIMILAR): has anyone said this before?",
        request=serializers.DraftStatementSerializer,
        responses={200: serializers.DraftCheckResultSerializer},
        examples=[
            OpenApiExample(
                "The ministry repeats non-functioning", value=DRAFT_EXAMPLE, request_only=True
            )
        ],
    )
    def post(self, request):
        serializer = serializers.DraftStatementSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        assertions = [dict(item) for item in data.pop("assertions")]
        # A savepoint rolled back whatever happens: checking must never leave a trace.
        with transaction.atomic():
            result = conflicts_check_draft(
                assertions=assertions, limits=DraftLimits.from_settings(), **data
            )
            transaction.set_rollback(True)
        conflicts = _draft_conflicts(result)
        joined = list(selectors.dispute_list().filter(pk__in=result.joins).order_by("id"))
        body = {
            "conflicts": conflicts,
            "joins": joined,
            "opens": result.opens,
            "similar": selectors.statements_similar(data.get("quote", "")),
        }
        held = selectors.position_holders(
            p.pk for dispute in joined for p in dispute.positions.all()
        )
        context = {"held": held}
        return Response(serializers.DraftCheckResultSerializer(body, context=context).data)


class NotFoundApi(APIView):
    """Answer any unknown /api/ path with a 404 in the error shape (not Django's HTML page)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = []
    schema = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound()

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound()
