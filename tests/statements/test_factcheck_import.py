"""ClaimReview items of a Fact Check Tools claims:search response become statements."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from statements.interchange.factcheck import factcheck_import, review_ref
from statements.models import Entity, Source, Statement
from tests.conftest import seed_once

pytestmark = pytest.mark.django_db

seeded = seed_once()

FIXTURE = Path(__file__).parent.parent / "fixtures" / "claims_search_kremenchuk.json"
MALL_REVIEW = "https://factcheck.example.org/2022/07/01/kremenchuk-mall-non-functioning/"


def response() -> dict:
    return json.loads(FIXTURE.read_text())


def test_each_review_becomes_a_statement_with_its_source(seeded):
    report = factcheck_import(data=response())
    assert len(report.created) == 4
    statement = Statement.objects.get(ref=review_ref(MALL_REVIEW))
    assert statement.speaker.slug == "russian-mod"
    assert statement.quote == (
        "The Amstor shopping centre in Kremenchuk was non-functioning when it was hit."
    )
    assert statement.said_at.isoformat() == "2022-06-28T00:00:00+00:00"
    assert statement.said_at_precision == "day"
    assert statement.context == 'Rated "False" by Example Fact Check on 2022-07-01 (en).'
    assert statement.language == "en"  # the review's languageCode
    assert statement.assertions.count() == 0  # left for a curator
    source = statement.source
    assert (source.url, source.publisher, source.published_on.isoformat()) == (
        MALL_REVIEW,
        "Example Fact Check",
        "2022-07-01",
    )
    assert source.title == "No, the Kremenchuk mall was not closed when the missile struck"


def test_claimant_is_found_by_alias_in_any_case(seeded):
    factcheck_import(data=response())
    putin = Statement.objects.get(
        ref=review_ref("https://factcheck.example.org/2022/07/03/putin-civilian-infrastructure/")
    )
    assert putin.speaker.slug == "vladimir-putin"
    # A time of day is kept to the second, read in UTC.
    assert putin.said_at_precision == "second"


def test_unknown_claimant_becomes_an_entity_for_a_curator_to_classify(seeded):
    report = factcheck_import(data=response())
    assert report.speakers_created == ["telegram-channel-rybar"]
    rybar = Entity.objects.get(slug="telegram-channel-rybar")
    assert (rybar.name, rybar.kind) == ("Telegram channel Rybar", "other")
    staged = rybar.statements.get()
    assert staged.said_at.isoformat() == "2022-06-27T15:00:00+00:00"


def test_claim_without_claimant_is_skipped_with_the_reason(seeded):
    report = factcheck_import(data=response())
    assert report.skipped == [
        {"claim": 3, "reason": "No claimant, claimDate: not a statement on record."}
    ]


def test_importing_again_changes_nothing(seeded):
    factcheck_import(data=response())
    before = (Statement.objects.count(), Source.objects.count(), Entity.objects.count())
    report = factcheck_import(data=response())
    assert (report.created, report.updated, len(report.unchanged)) == ([], [], 4)
    assert (Statement.objects.count(), Source.objects.count(), Entity.objects.count()) == before


def test_a_corrected_review_updates_its_statement(seeded):
    factcheck_import(data=response())
    corrected = response()
    corrected["claims"][0]["claimReview"][0]["textualRating"] = "Mostly false"
    report = factcheck_import(data=corrected)
    assert report.updated == [review_ref(MALL_REVIEW)]
    assert Statement.objects.get(ref=review_ref(MALL_REVIEW)).context.startswith(
        'Rated "Mostly false"'
    )


def test_a_review_without_url_names_it_and_writes_nothing(seeded):
    broken = response()
    del broken["claims"][2]["claimReview"][0]["url"]
    before = Statement.objects.count()
    with pytest.raises(ValidationError) as raised:
        factcheck_import(data=broken)
    assert set(raised.value.error_dict) == {"claims.2.claimReview.0.url"}
    assert Statement.objects.count() == before
    assert not Entity.objects.filter(slug="telegram-channel-rybar").exists()


def test_dry_run_reports_and_writes_nothing(seeded):
    before = Statement.objects.count()
    report = factcheck_import(data=response(), dry_run=True)
    assert len(report.created) == 4
    assert Statement.objects.count() == before


def test_command_imports_a_response_file(seeded):
    out = StringIO()
    call_command("claimreview_import", str(FIXTURE), stdout=out)
    assert "4 created, 0 updated, 0 unchanged, 1 skipped" in out.getvalue()
    assert Statement.objects.filter(ref__startswith="claimreview-").count() == 4


def test_command_names_the_bad_field(seeded, tmp_path):
    broken = response()
    broken["claims"][1]["claimDate"] = "last Tuesday"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    with pytest.raises(CommandError, match=r"claims\.1\.claimDate"):
        call_command("claimreview_import", str(path), stdout=StringIO())
