"""Every write goes through these functions: the API, the admin, the seed loader and tasks.

Each is keyword-only and runs in one transaction, so a rejected write leaves nothing behind.
"""

from statements.services.catalogue import (
    exclusion_rule_delete,
    exclusion_rule_upsert,
    predicate_delete,
    predicate_upsert,
    recheck_on_commit,
    source_upsert,
)
from statements.services.entities import entity_save
from statements.services.records import (
    assertion_delete,
    assertion_save,
    conflict_checks_deferred,
    evidence_create,
    evidence_delete,
    evidence_update,
    statement_create,
    statement_delete,
    statement_update,
)
from statements.services.reviews import dispute_review
from statements.services.validation import assertion_clean

__all__ = [
    "assertion_clean",
    "assertion_delete",
    "assertion_save",
    "conflict_checks_deferred",
    "dispute_review",
    "entity_save",
    "evidence_create",
    "evidence_delete",
    "evidence_update",
    "exclusion_rule_delete",
    "exclusion_rule_upsert",
    "predicate_delete",
    "predicate_upsert",
    "recheck_on_commit",
    "source_upsert",
    "statement_create",
    "statement_delete",
    "statement_update",
]
