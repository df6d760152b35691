"""The dispute list is the curator's home: what a row says, the filters, a bounded cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.models import Entity, Predicate, Source
from statements.services import statement_create
from tests.workspace.conftest import admin_url

LIST = admin_url("dispute", "changelist")


def rows(response) -> list[str]:
    return [dispute.title for dispute in response.context["cl"].result_list]


def test_a_row_names_the_question_its_positions_speakers_and_pair_classes(
    curator_client, mall_dispute
):
    response = curator_client.get(LIST)
    page = response.content.decode()
    assert mall_dispute.title in page
    # Positions in a few words, with their supporter counts and strongest grade.
    assert "facility status: non-functioning</b> <span>5 supporters" in page
    assert "facility status: operational</b> <span>1 supporter, B2" in page
    # A position held by statements and evidence is graded by its evidence.
    assert "<b>Amstor shopping mall</b> <span>3 supporters, B2" in page
    assert "Igor Konashenkov" in page
    assert "cross-speaker, against evidence" in page
    # Names, never ids: no raw predicate slug in the rows.
    assert "facility_status" not in page.split('id="result_list"')[1].split("</table>")[0]


def test_filters_by_speaker_side_entity_predicate_pair_class_and_time(curator_client, mall_dispute):
    putin = Entity.objects.get(slug="vladimir-putin")
    russia = Entity.objects.get(slug="russian-federation")
    factory = Entity.objects.get(slug="kredmash-factory")
    status = Predicate.objects.get(slug="facility_status")
    every = rows(curator_client.get(LIST))
    assert len(every) == 7
    by_speaker = rows(curator_client.get(LIST, {"speaker": putin.pk}))
    assert by_speaker and all(t in every for t in by_speaker) and len(by_speaker) < 7
    by_side = rows(curator_client.get(LIST, {"side": russia.pk}))
    assert set(by_speaker) <= set(by_side)
    assert rows(curator_client.get(LIST, {"positions__predicate__id__exact": status.pk})) == [
        mall_dispute.title
    ]
    assert set(rows(curator_client.get(LIST, {"entity": factory.pk}))) == {
        t for t in every if t.startswith(("Kredmash factory", "Second missile"))
    }
    assert rows(curator_client.get(LIST, {"pair_class": "same_side"})) == [
        t for t in every if "perpetrator" in t
    ]
    assert rows(curator_client.get(LIST, {"about_from": "2023-01-01"})) == [
        t for t in every if "any time" in t
    ]
    assert mall_dispute.title in rows(
        curator_client.get(LIST, {"about_from": "2022-06-27", "about_until": "2022-06-27"})
    )


def test_search_finds_a_dispute_by_a_quote_or_a_speaker(curator_client, mall_dispute):
    assert mall_dispute.title in rows(curator_client.get(LIST, {"q": "non-functioning"}))
    assert mall_dispute.title in rows(curator_client.get(LIST, {"q": "Konashenkov"}))


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_whatever_the_page_holds(curator_client, seeded):
    before = _queries(curator_client)
    # Two more disputes, with more positions and speakers on the page.
    source = Source.objects.first()
    factory = Entity.objects.get(slug="kredmash-factory")
    weapons = Predicate.objects.get(slug="stores_weapons")
    speakers = ["vladimir-putin", "volodymyr-zelensky", "mykhailo-podolyak", "igor-konashenkov"]
    for index, slug in enumerate(speakers):
        day = 10 + index // 2
        statement_create(
            speaker=Entity.objects.get(slug=slug),
            source=source,
            said_at=f"2022-07-{day}T10:00:00Z",
            quote=f"Claim {index}",
            assertions=[
                {
                    "predicate": weapons,
                    "subject": factory,
                    "value": index % 2 == 0,
                    "valid_from": f"2022-07-{day}T00:00:00Z",
                    "valid_until": f"2022-07-{day}T00:00:00Z",
                    "time_precision": "day",
                }
            ],
        )
    assert len(rows(curator_client.get(LIST))) == 9
    assert _queries(curator_client) == before
    # Session, user, counts, the page, its positions, its speakers and each filter's choices.
    assert before == 16
