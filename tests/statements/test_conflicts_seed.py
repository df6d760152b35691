"""Acceptance over the seeded Kremenchuk case: the pairs DESIGN.md says must and must not clash."""

import datetime as dt

import pytest

from statements.models import Conflict, ConflictStatus, Entity, Predicate, Source, Statement
from statements.services import statement_create
from statements.services.conflicts import conflicts_recheck
from tests.conftest import seed_once

pytestmark = pytest.mark.django_db

# Every test starts from the seed and rolls back its own changes: load it once.
seeded = seed_once()


def _ref(assertion):
    owner = assertion.statement if assertion.statement_id else assertion.evidence
    return owner.ref


def conflicts(first_ref, second_ref, predicate=None):
    """Return the live conflicts between the records ``first_ref`` and ``second_ref``."""
    found = []
    live = Conflict.objects.exclude(status=ConflictStatus.RETRACTED).select_related(
        "assertion_a__statement",
        "assertion_a__evidence",
        "assertion_a__predicate",
        "assertion_b__statement",
        "assertion_b__evidence",
    )
    for conflict in live:
        refs = {_ref(conflict.assertion_a), _ref(conflict.assertion_b)}
        if refs == {first_ref, second_ref} and (
            predicate is None or conflict.assertion_a.predicate.slug == predicate
        ):
            found.append(conflict)
    return found


def kinds(first_ref, second_ref, predicate=None):
    return {(c.kind, c.pair_class) for c in conflicts(first_ref, second_ref, predicate)}


def test_mall_status_conflicts_with_cctv(seeded):
    assert kinds("konashenkov-non-functioning", "cctv-interior-shop") == {
        ("exclusive_value", "against_evidence"),  # non_functioning vs operational
        ("exclusion", "against_evidence"),  # non_functioning vs at least 1 person inside
    }
    assert kinds("mod-fire-spread", "cctv-interior-shop", "facility_status") == {
        ("exclusive_value", "against_evidence"),
        ("exclusion", "against_evidence"),
    }
    assert kinds("konashenkov-non-functioning", "daily-mail-1000-inside") == {
        ("exclusion", "cross_speaker")
    }


def test_fire_spread_conflicts_with_direct_hit(seeded):
    assert kinds("mod-fire-spread", "cctv-interior-shop", "fire_cause") == {
        ("exclusive_value", "against_evidence")
    }


def test_denial_of_striking_the_mall_conflicts_with_the_hit(seeded):
    assert kinds("mod-denied-striking-mall", "cctv-interior-shop", "struck") == {
        ("polarity", "against_evidence")
    }
    assert kinds("mod-denied-striking-mall", "ukraine-deliberate-no-arms", "struck") == {
        ("polarity", "cross_speaker")
    }


def test_train_station_conflicts_with_kredmash(seeded):
    assert kinds("mod-denied-striking-mall", "cctv-park", "hit_target") == {
        ("exclusive_value", "against_evidence")
    }


def test_no_civilian_targets_conflicts_with_the_strike_on_the_mall(seeded):
    assert kinds("putin-no-civilian-targets", "cctv-interior-shop") == {
        ("generic_instance", "against_evidence")
    }
    assert kinds("putin-no-civilian-targets", "ukraine-deliberate-no-arms") == {
        ("generic_instance", "cross_speaker")
    }


def test_putin_denial_conflicts_with_mod_admission(seeded):
    assert kinds("putin-denied-responsibility", "mod-admitted-attacks") == {
        ("polarity", "same_side")
    }


def test_politician_blaming_ukraine_conflicts_with_mod_admission(seeded):
    assert kinds("politician-blamed-ukraine", "mod-admitted-attacks") == {
        ("exclusive_value", "same_side")
    }


def test_weapons_depot_conflicts_with_no_arms(seeded):
    assert kinds("mod-weapons-depot", "ukraine-deliberate-no-arms") == {
        ("exclusive_value", "cross_speaker")
    }


def test_accidental_fire_conflicts_with_deliberate_blow(seeded):
    assert kinds("mod-accidental-fire", "podolyak-deliberate-blow") == {
        ("exclusive_value", "cross_speaker")
    }


def test_opinions_of_the_pope_and_zelensky_conflict_with_nothing(seeded):
    opinions = Statement.objects.filter(ref__regex=r"^(pope|zelensky)-")
    assert opinions.count() >= 4
    assert not Conflict.objects.filter(assertion_a__statement__in=opinions).exists()
    assert not Conflict.objects.filter(assertion_b__statement__in=opinions).exists()


def test_at_least_18_killed_does_not_conflict_with_18_confirmed(seeded):
    assert conflicts("daily-mail-at-least-18", "casualty-record") == []


def test_claims_about_different_times_do_not_conflict(seeded):
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
    assert conflicts("closed-at-night", "cctv-interior-shop") == []
    assert not Conflict.objects.filter(assertion_b__statement__ref="closed-at-night").exists()
    # The same claim about the hour of the strike does clash with the footage.
    closed_at(night.replace(hour=12), "closed-at-strike")
    assert kinds("closed-at-strike", "cctv-interior-shop", "facility_status") == {
        ("exclusive_value", "against_evidence")
    }


def test_explanation_names_speakers_quotes_sources_and_dates(seeded):
    (conflict,) = [
        c
        for c in conflicts("konashenkov-non-functioning", "cctv-interior-shop")
        if c.kind == "exclusive_value"
    ]
    statement = Statement.objects.get(ref="konashenkov-non-functioning")
    evidence = conflict.assertion_b.evidence or conflict.assertion_a.evidence
    text = conflict.explanation
    assert "Igor Konashenkov" in text
    assert statement.quote[:40] in text
    assert statement.source.title in text
    assert "2022-06-28" in text
    assert evidence.title in text
    assert evidence.grade in text
    assert conflict.reason["a"]["predicate"] == "facility_status"
    assert {conflict.reason["a"]["value"], conflict.reason["b"]["value"]} == {
        "non_functioning",
        "operational",
    }
    assert conflict.score == pytest.approx(0.81)


def test_seed_yields_its_known_conflicts_and_a_recheck_changes_nothing(seeded):
    total = Conflict.objects.count()
    assert total == 34
    counts = conflicts_recheck()
    assert (counts.found, counts.new, counts.retracted, counts.unchanged) == (total, 0, 0, total)
    assert Conflict.objects.count() == total
