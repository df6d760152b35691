"""Acceptance over the seeded Kremenchuk case: the disputed questions DESIGN.md names.

Each of the nine contradictions the brief lists lies inside one dispute, one test per
question; the opinions, "at least 18" against "18" and claims about other times lie in none.
"""

import datetime as dt

import pytest

from statements.models import (
    Conflict,
    ConflictStatus,
    Dispute,
    DisputeStatus,
    Entity,
    Position,
    Predicate,
    Source,
    Statement,
)
from statements.services import statement_create
from statements.services.recheck_scan import conflicts_recheck
from tests.conftest import seed_once

pytestmark = pytest.mark.django_db

seeded = seed_once()


def refs_of(position: Position) -> set[str]:
    return {
        (a.statement.ref if a.statement_id else a.evidence.ref)
        for a in position.supporters.select_related("statement", "evidence")
    }


def dispute_holding(*refs: str, predicate: str | None = None) -> Dispute:
    """Return the one live dispute in which every record of ``refs`` holds a position (of
    ``predicate``, if given)."""
    found = set()
    for dispute in Dispute.objects.exclude(status=DisputeStatus.RETRACTED):
        positions = dispute.positions.all()
        if predicate is not None:
            positions = positions.filter(predicate__slug=predicate)
        held = set().union(*(refs_of(p) for p in positions))
        if set(refs) <= held:
            found.add(dispute)
    assert len(found) == 1, f"{refs} are in {len(found)} disputes"
    return found.pop()


def conflict_between(
    dispute: Dispute, first: str, second: str, predicate: str | None = None
) -> Conflict:
    """Return the one live conflict of ``dispute`` between positions ``first`` and ``second``
    hold (both of ``predicate``, if given)."""
    found = []
    for conflict in Conflict.objects.filter(position_a__disputes=dispute, status="open"):
        for one, other in (
            (conflict.position_a, conflict.position_b),
            (conflict.position_b, conflict.position_a),
        ):
            if predicate is not None and predicate != one.predicate.slug:
                continue
            if predicate is not None and predicate != other.predicate.slug:
                continue
            if first in refs_of(one) and second in refs_of(other):
                found.append(conflict)
    assert len(found) == 1, f"{len(found)} conflicts between {first} and {second} in {dispute}"
    return found[0]


def test_was_the_mall_functioning_that_afternoon(seeded):
    dispute = dispute_holding(
        "konashenkov-non-functioning", "cctv-interior-shop", "daily-mail-1000-inside"
    )
    assert dispute.title.startswith("Amstor shopping mall · facility status · 27 Jun 2022 12:00")
    footage = conflict_between(
        dispute, "konashenkov-non-functioning", "cctv-interior-shop", "facility_status"
    )
    assert footage.rule_list == ["exclusive_value"]
    assert footage.position_b.predicate.slug == "facility_status"
    assert "against_evidence" in footage.pair_class_list
    assert footage.score == pytest.approx(0.81)
    # Five Russian statements repeat "non-functioning": one position with five supporters.
    (non_functioning,) = [p for p in dispute.positions.all() if p.choice == "non_functioning"]
    assert non_functioning.supporters.count() == 5
    crowd = conflict_between(dispute, "konashenkov-non-functioning", "daily-mail-1000-inside")
    assert crowd.rule_list == ["exclusion"]


def test_what_caused_the_fire(seeded):
    dispute = dispute_holding("mod-fire-spread", "cctv-interior-shop", predicate="fire_cause")
    assert "cause of fire" in dispute.title
    conflict = conflict_between(dispute, "mod-fire-spread", "cctv-interior-shop")
    assert conflict.rule_list == ["exclusive_value"]


def test_did_the_army_strike_the_mall(seeded):
    dispute = dispute_holding(
        "mod-denied-striking-mall", "cctv-interior-shop", "putin-no-civilian-targets"
    )
    hit = conflict_between(dispute, "mod-denied-striking-mall", "cctv-interior-shop")
    assert hit.rule_list == ["polarity"]
    assert set(hit.pair_class_list) == {"against_evidence", "cross_speaker"}


def test_does_not_attacking_civilian_infrastructure_square_with_the_strike(seeded):
    dispute = dispute_holding("putin-no-civilian-targets", "cctv-interior-shop")
    generic = conflict_between(dispute, "putin-no-civilian-targets", "cctv-interior-shop")
    assert generic.rule_list == ["generic_instance"]
    (reason,) = generic.reasons
    assert (reason["category"], reason["member"]) == ("civilian-infrastructure", "amstor-mall")
    assert "Amstor shopping mall" in generic.explanation and "Vladimir Putin" in generic.explanation
    # The footage is only "likely" to show the strike itself, and the explanation says so.
    assert "as likely" in generic.explanation


def test_what_did_the_second_missile_hit(seeded):
    dispute = dispute_holding("mod-denied-striking-mall", "cctv-park")
    assert "hit target" in dispute.title
    assert conflict_between(dispute, "mod-denied-striking-mall", "cctv-park").rule_list == [
        "exclusive_value"
    ]


def test_who_carried_out_the_strike(seeded):
    dispute = dispute_holding(
        "putin-denied-responsibility", "mod-admitted-attacks", "politician-blamed-ukraine"
    )
    denial = conflict_between(dispute, "putin-denied-responsibility", "mod-admitted-attacks")
    assert denial.rule_list == ["polarity"]
    (side,) = [p for p in denial.supporter_pairs if p["class"] == "same_side"]
    assert side["side"] == "russian-federation"
    assert "Russian Federation" in denial.explanation
    blame = conflict_between(dispute, "politician-blamed-ukraine", "mod-admitted-attacks")
    assert blame.rule_list == ["exclusive_value"]
    assert "same_side" in blame.pair_class_list


def test_does_the_factory_store_weapons(seeded):
    dispute = dispute_holding("mod-weapons-depot", "ukraine-deliberate-no-arms")
    assert "stores weapons" in dispute.title


def test_was_the_mall_targeted_deliberately(seeded):
    dispute = dispute_holding("mod-accidental-fire", "podolyak-deliberate-blow")
    assert "deliberately targeted" in dispute.title


def test_the_seed_makes_at_most_nine_disputes(seeded):
    live = Dispute.objects.exclude(status=DisputeStatus.RETRACTED)
    assert 1 <= live.count() <= 9
    assert all(d.status == DisputeStatus.OPEN and d.score > 0 for d in live)


def test_opinions_of_the_pope_and_zelensky_are_in_no_dispute(seeded):
    opinions = Statement.objects.filter(ref__regex=r"^(pope|zelensky)-")
    assert opinions.count() >= 4
    held = Position.objects.filter(supporters__statement__in=opinions)
    assert not held.filter(disputes__isnull=False).exists()


def test_at_least_18_killed_is_in_no_dispute_with_18_confirmed(seeded):
    killed = Position.objects.filter(predicate__slug="killed_count")
    assert killed.count() >= 2
    assert not killed.filter(disputes__isnull=False).exists()


def test_claims_about_different_times_are_in_no_dispute(seeded):
    mall = Entity.objects.get(slug="amstor-mall")
    status = Predicate.objects.get(slug="facility_status")
    night = dt.datetime(2022, 6, 27, 0, 30, tzinfo=dt.UTC)

    def closed_at(moment, ref):
        return statement_create(
            ref=ref,
            speaker=Entity.objects.get(slug="daily-mail"),
            source=Source.objects.first(),
            said_at=dt.datetime(2022, 6, 30, tzinfo=dt.UTC),
            quote="The mall was closed.",
            assertions=[
                {
                    "predicate": status,
                    "subject": mall,
                    "value": "closed",
                    "valid_from": moment,
                    "valid_until": moment,
                    "time_precision": "hour",
                }
            ],
        )

    closed_at(night, "closed-at-night")
    night_position = Position.objects.get(supporters__statement__ref="closed-at-night")
    assert night_position.dispute is None
    # The same claim about the hour of the strike joins the mall's dispute.
    closed_at(night.replace(hour=12), "closed-at-strike")
    dispute = dispute_holding("closed-at-strike", "cctv-interior-shop")
    assert conflict_between(
        dispute, "closed-at-strike", "cctv-interior-shop", "facility_status"
    ).rule_list == ["exclusive_value"]


def test_explanations_name_speakers_and_evidence_never_ids(seeded):
    dispute = dispute_holding("konashenkov-non-functioning", "cctv-interior-shop")
    conflict = conflict_between(
        dispute, "konashenkov-non-functioning", "cctv-interior-shop", "facility_status"
    )
    text = conflict.explanation
    assert "Igor Konashenkov" in text
    assert "non-functioning" in text and "operational" in text
    assert "graded B2" in text


def test_a_recheck_changes_nothing(seeded):
    before = {
        d.title: sorted(d.positions.values_list("key", flat=True)) for d in Dispute.objects.all()
    }
    total = Conflict.objects.filter(status=ConflictStatus.OPEN).count()
    counts = conflicts_recheck()
    assert (counts.found, counts.new, counts.retracted, counts.unchanged) == (total, 0, 0, total)
    after = {
        d.title: sorted(d.positions.values_list("key", flat=True)) for d in Dispute.objects.all()
    }
    assert after == before


def test_from_any_position_of_a_dispute_its_group_reaches_every_live_conflict_of_it_and_no_other(
    seeded,
):
    from statements.selectors.groups import live_conflicts_reached

    disputes = Dispute.objects.exclude(status=DisputeStatus.RETRACTED)
    assert disputes.count() >= 2
    for dispute in disputes:
        expected = set(
            Conflict.objects.filter(position_a__disputes=dispute, status="open").values_list(
                "position_a", "position_b"
            )
        )
        for position in dispute.positions.all():
            reached = {(a, b) for a, b, *_ in live_conflicts_reached([position.pk])}
            assert reached == expected, dispute.title
    # A retracted conflict links nothing: the walk stops at it.
    conflict = Conflict.objects.filter(status="open").first()
    alone = live_conflicts_reached([conflict.position_a_id, conflict.position_b_id])
    Conflict.objects.filter(pk=conflict.pk).update(status=ConflictStatus.RETRACTED)
    after = live_conflicts_reached([conflict.position_a_id, conflict.position_b_id])
    assert (conflict.position_a_id, conflict.position_b_id) not in {(a, b) for a, b, *_ in after}
    assert len(after) == len(alone) - 1
