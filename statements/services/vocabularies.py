"""Vocabularies curators keep: entity kinds and evidence kinds.

Records name a kind by its slug, so a kind keeps its slug for life and cannot be deleted while
an entity, an evidence item or a predicate's accepted kinds still name it. The kinds the code
relies on (``EntityKind.BUILT_IN``: members of a category inherit its generic claims) cannot be
deleted at all. Renaming or describing a kind changes no conflict: the engine reads slugs.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as django_apps
from django.db import transaction
from django.db.models import ProtectedError

from statements.models import Entity, EntityKind, Evidence, EvidenceKind, Predicate
from statements.services.catalogue import Outcome, _upsert


@transaction.atomic
def entity_kind_upsert(*, slug: str, **fields: Any) -> tuple[EntityKind, Outcome]:
    """Create or update the entity kind ``slug`` with ``fields`` (name, description)."""
    kind, outcome, _ = _upsert(EntityKind, slug=slug, fields=fields)
    return kind, outcome


@transaction.atomic
def evidence_kind_upsert(*, slug: str, **fields: Any) -> tuple[EvidenceKind, Outcome]:
    """Create or update the evidence kind ``slug`` with ``fields`` (name, description)."""
    kind, outcome, _ = _upsert(EvidenceKind, slug=slug, fields=fields)
    return kind, outcome


def entity_kind_users(kind: EntityKind) -> list[str]:
    """Return what still names ``kind``: a count of entities and the predicates that accept it."""
    users = []
    entities = Entity.objects.filter(kind=kind.slug).count()
    if entities:
        users.append(f"{entities} entit{'y' if entities == 1 else 'ies'}")
    # A handful of predicates: read in Python (SQLite has no JSON containment lookup).
    predicates = [
        slug
        for slug, subject_kinds, object_kinds in Predicate.objects.values_list(
            "slug", "subject_kinds", "object_kinds"
        )
        if kind.slug in (subject_kinds or []) or kind.slug in (object_kinds or [])
    ]
    if predicates:
        users.append(f"the predicate(s) {', '.join(sorted(predicates))}")
    return users


def evidence_kind_users(kind: EvidenceKind) -> list[str]:
    """Return what still names ``kind``: a count of evidence items."""
    items = Evidence.objects.filter(kind=kind.slug).count()
    return [f"{items} evidence item(s)"] if items else []


@transaction.atomic
def entity_kind_delete(*, kind: EntityKind) -> None:
    """Delete an entity kind nothing names; else raise ``ProtectedError`` saying what does."""
    if kind.slug in EntityKind.BUILT_IN:
        raise ProtectedError(f"The entity kind {kind.slug} is built in: the engine reads it.", [])
    users = entity_kind_users(kind)
    if users:
        raise ProtectedError(
            f"The entity kind {kind.slug} is still named by {' and '.join(users)}.", []
        )
    kind.delete()


@transaction.atomic
def evidence_kind_delete(*, kind: EvidenceKind) -> None:
    """Delete an evidence kind no evidence item has; else raise ``ProtectedError``."""
    users = evidence_kind_users(kind)
    if users:
        raise ProtectedError(
            f"The evidence kind {kind.slug} is still named by {' and '.join(users)}.", []
        )
    kind.delete()


# The initial kinds (as the 0007 migration adds them), restored into an emptied vocabulary.
INITIAL_ENTITY_KINDS = {
    "person": "Person",
    "organisation": "Organisation",
    "state": "State",
    "facility": "Facility",
    "place": "Place",
    "event": "Event",
    "weapon": "Weapon",
    "category": "Category",
    "other": "Other",
}
INITIAL_EVIDENCE_KINDS = {
    "video": "Video / CCTV footage",
    "photo": "Photograph",
    "satellite": "Satellite image",
    "document": "Document",
    "casualty_record": "Record of casualties",
    "other": "Other",
}


def vocabularies_restore_initial(*, apps=None, using: str = "default") -> None:
    """Give an empty vocabulary its initial kinds (after ``flush``, as Django does for
    permissions); a vocabulary with any kind is the curators' and is left alone."""
    for name, initial in (
        ("EntityKind", INITIAL_ENTITY_KINDS),
        ("EvidenceKind", INITIAL_EVIDENCE_KINDS),
    ):
        try:
            model = (apps or django_apps).get_model("statements", name)
        except LookupError:
            return  # migrated to before the vocabularies exist
        if not model.objects.using(using).exists():
            model.objects.using(using).bulk_create(
                model(slug=slug, name=label) for slug, label in initial.items()
            )
