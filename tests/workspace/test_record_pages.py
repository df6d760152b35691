"""Statement and evidence pages list their disputes, and a save says what it did to them."""

from django.contrib.messages import get_messages

from statements.models import Entity, Evidence, Predicate, Source, Statement
from tests.workspace.conftest import admin_url


def management(total: int, initial: int = 0) -> dict:
    return {
        "assertions-TOTAL_FORMS": str(total),
        "assertions-INITIAL_FORMS": str(initial),
        "assertions-MIN_NUM_FORMS": "0",
        "assertions-MAX_NUM_FORMS": "1000",
    }


def new_statement(speaker: str, quote: str, **assertion) -> dict:
    data = {
        "speaker": Entity.objects.get(slug=speaker).pk,
        "source": Source.objects.first().pk,
        "said_at_0": "2022-06-28",
        "said_at_1": "10:00:00",
        "said_at_precision": "day",
        "quote": quote,
        **management(1 if assertion else 0),
    }
    if assertion:
        row = {
            "comparator": "exactly",
            "polarity": "affirmed",
            "time_precision": "hour",
            "certainty": "asserted",
            "valid_from_0": "2022-06-27",
            "valid_from_1": "12:50:00",
            "valid_until_0": "2022-06-27",
            "valid_until_1": "12:50:00",
            **assertion,
        }
        data.update({f"assertions-0-{name}": value for name, value in row.items()})
    return data


def saved_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_statement_repeating_a_claim_joins_its_dispute(curator_client, mall_dispute):
    status = Predicate.objects.get(slug="facility_status")
    mall = Entity.objects.get(slug="amstor-mall")
    data = new_statement(
        "russian-mod",
        "It was not working.",
        predicate=status.pk,
        subject=mall.pk,
        choice="non_functioning",
    )
    response = curator_client.post(admin_url("statement", "add"), data)
    assert response.status_code == 302
    [said] = [m for m in saved_messages(response) if "dispute" in m]
    assert "joined 1 dispute" in said and mall_dispute.title in said


def test_a_statement_with_a_new_clash_opens_a_dispute(curator_client, seeded):
    weapons = Predicate.objects.get(slug="stores_weapons")
    station = Entity.objects.get(slug="kremenchuk-train-station")
    for speaker, value in (("russian-mod", "true"), ("ukrainian-government", "false")):
        data = new_statement(
            speaker,
            f"Weapons at the station: {value}.",
            predicate=weapons.pk,
            subject=station.pk,
            boolean=value,
        )
        response = curator_client.post(admin_url("statement", "add"), data)
        assert response.status_code == 302
    said = " ".join(saved_messages(response))
    assert "opened 1 dispute: " in said and "Kremenchuk train station · stores weapons" in said


def test_a_statement_without_a_clash_says_so(curator_client, seeded):
    response = curator_client.post(
        admin_url("statement", "add"), new_statement("pope-francis", "Pray for peace.")
    )
    assert response.status_code == 302
    assert any("no contradiction found" in m for m in saved_messages(response))


def test_statement_and_evidence_pages_link_their_disputes(curator_client, mall_dispute):
    statement = Statement.objects.get(ref="konashenkov-non-functioning")
    evidence = Evidence.objects.filter(assertions__position__disputes=mall_dispute).first()
    link = admin_url("dispute", "change", mall_dispute.pk)
    for page in (
        admin_url("statement", "change", statement.pk),
        admin_url("evidence", "change", evidence.pk),
    ):
        assert link in curator_client.get(page).content.decode()


def test_the_assertion_editor_knows_each_predicates_value_input(curator_client, seeded):
    page = curator_client.get(admin_url("statement", "add")).content.decode()
    assert 'id="ws-predicate-types"' in page
    status = Predicate.objects.get(slug="facility_status")
    assert f'"{status.pk}": {{"field": "choice", "choices": ["operational"' in page
    assert "statements/assertion_value.js" in page
