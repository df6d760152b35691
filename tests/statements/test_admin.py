"""The curators' admin: pages render, saves go through the services, disputes get verdicts."""

import pytest
from django.urls import reverse

from statements.models import (
    Assertion,
    Conflict,
    Dispute,
    Entity,
    Evidence,
    ExclusionRule,
    Predicate,
    Source,
    Statement,
)
from tests.conftest import seed_once

# Every test starts from the seed (or ignores it): load it once for the module.
seeded = seed_once()

MODELS = [
    Statement,
    Evidence,
    Assertion,
    Entity,
    Source,
    Predicate,
    ExclusionRule,
    Conflict,
    Dispute,
]


def url(model, view: str, *args) -> str:
    return reverse(f"admin:statements_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def dispute(seeded):
    """Return the dispute over the mall's status (Konashenkov against the interior CCTV)."""
    return Assertion.objects.get(statement__ref="konashenkov-non-functioning").position.dispute


@pytest.fixture
def conflict(dispute):
    return Conflict.objects.filter(position_a__disputes=dispute).order_by("pk").first()


HISTORY_MODELS = {Statement, Evidence, Assertion, Conflict, Dispute, Predicate, ExclusionRule}
DERIVED = {Conflict, Dispute}


def test_every_admin_page_renders_for_a_curator(curator_client, conflict):
    """List, add, change and history pages of every model (one test: the seed loads once)."""
    for model in MODELS:
        obj = model.objects.order_by("pk").first()
        pages = [url(model, "changelist"), url(model, "change", obj.pk)]
        if model not in DERIVED:
            pages.append(url(model, "add"))
        if model in HISTORY_MODELS:
            pages.append(url(model, "history", obj.pk))
        for page in pages:
            assert curator_client.get(page).status_code == 200, page


def test_conflicts_and_disputes_are_derived_so_curators_cannot_add_or_delete_them(
    curator_client, conflict, dispute
):
    for model, obj in ((Conflict, conflict), (Dispute, dispute)):
        assert curator_client.get(url(model, "add")).status_code == 403
        assert curator_client.get(url(model, "delete", obj.pk)).status_code == 403


def test_search_finds_statements_by_quote_and_speaker(curator_client, seeded):
    response = curator_client.get(url(Statement, "changelist"), {"q": "Ashgabat"})
    assert [s.ref for s in response.context["cl"].result_list] == ["putin-no-civilian-targets"]
    response = curator_client.get(url(Statement, "changelist"), {"q": "Podolyak"})
    assert [s.ref for s in response.context["cl"].result_list] == ["podolyak-deliberate-blow"]


def test_entity_search_covers_aliases(curator_client, seeded):
    response = curator_client.get(url(Entity, "changelist"), {"q": "automobile factory"})
    assert [e.slug for e in response.context["cl"].result_list] == ["kredmash-factory"]


def test_dispute_page_shows_positions_and_who_holds_them(curator_client, dispute):
    page = curator_client.get(url(Dispute, "change", dispute.pk)).content.decode()
    assert "facility status: non-functioning" in page
    assert "Igor Konashenkov" in page and "evidence graded B2" in page
    listing = curator_client.get(url(Dispute, "changelist"), {"q": "facility status"})
    assert dispute in listing.context["cl"].result_list


@pytest.mark.parametrize(
    ("action", "verdict", "status"),
    [
        ("mark_unresolved", "unresolved", "reviewed"),
        ("mark_not_a_contradiction", "not_a_contradiction", "dismissed"),
    ],
)
def test_bulk_verdict_action(curator_client, curator, dispute, action, verdict, status):
    response = curator_client.post(
        url(Dispute, "changelist"), {"action": action, "_selected_action": [dispute.pk]}
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.status, dispute.verdict) == (status, verdict)
    assert dispute.reviewed_by == curator
    assert dispute.history.count() >= 2


def test_a_verdict_for_one_position_with_a_note(curator_client, curator, dispute):
    operational = dispute.positions.get(choice="operational")
    response = curator_client.post(
        url(Dispute, "change", dispute.pk),
        {
            "new_verdict": "supported",
            "supported_position": operational.pk,
            "note": "The footage shows shoppers.",
        },
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.status, dispute.verdict_position) == ("reviewed", operational)
    assert dispute.verdict_note == "The footage shows shoppers."
    assert dispute.reviewed_by == curator
    page = curator_client.get(url(Dispute, "change", dispute.pk))
    assert page.context["adminform"].form["new_verdict"].value() == "supported"


def test_a_note_needs_a_verdict(curator_client, dispute):
    response = curator_client.post(url(Dispute, "change", dispute.pk), {"note": "Hmm."})
    assert response.status_code == 200
    assert "new_verdict" in response.context["adminform"].form.errors
    dispute.refresh_from_db()
    assert dispute.verdict_note == ""


def test_supported_needs_a_position(curator_client, dispute):
    response = curator_client.post(
        url(Dispute, "change", dispute.pk), {"new_verdict": "supported", "note": ""}
    )
    assert response.status_code == 200
    assert "supported_position" in response.context["adminform"].form.errors


def inline_management(total: int, initial: int) -> dict:
    return {
        "assertions-TOTAL_FORMS": str(total),
        "assertions-INITIAL_FORMS": str(initial),
        "assertions-MIN_NUM_FORMS": "0",
        "assertions-MAX_NUM_FORMS": "1000",
    }


def assertion_row(index: int, predicate, subject, **fields) -> dict:
    row = {
        "predicate": predicate.pk,
        "subject": subject.pk,
        "comparator": "exactly",
        "polarity": "affirmed",
        "time_precision": "hour",
        "certainty": "asserted",
        "valid_from_0": "2022-06-27",
        "valid_from_1": "12:50:00",
        "valid_until_0": "2022-06-27",
        "valid_until_1": "12:50:00",
        **fields,
    }
    return {f"assertions-{index}-{name}": value for name, value in row.items()}


def statement_form(speaker, source, quote="The mall was full of people.") -> dict:
    return {
        "speaker": speaker.pk,
        "source": source.pk,
        "said_at_0": "2022-06-28",
        "said_at_1": "10:00:00",
        "said_at_precision": "day",
        "quote": quote,
        "context": "",
        "ref": "",
    }


@pytest.fixture
def checked(monkeypatch):
    """Record the position ids the services send to the conflict checks."""
    calls: list[list[int]] = []
    monkeypatch.setattr(
        "statements.services.records.conflicts_check_positions",
        lambda *, position_ids: calls.append(sorted(position_ids)),
    )
    return calls


def test_adding_a_statement_with_assertions_goes_through_the_service(
    curator_client, curator, seeded, checked
):
    mall = Entity.objects.get(slug="amstor-mall")
    people = Predicate.objects.get(slug="people_present")
    data = {
        **statement_form(Entity.objects.get(slug="ukrainian-government"), Source.objects.first()),
        **inline_management(1, 0),
        **assertion_row(0, people, mall, number="1000", comparator="about"),
    }
    response = curator_client.post(url(Statement, "add"), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    statement = Statement.objects.get(quote="The mall was full of people.")
    assert statement.created_by == curator
    assertion = statement.assertions.get()
    assert (assertion.number, assertion.comparator) == (1000.0, "about")
    assert checked == [[assertion.position_id]]
    assert statement.history.get().history_user == curator


def test_wrong_value_type_in_the_inline_is_shown_on_the_field(curator_client, seeded, checked):
    mall = Entity.objects.get(slug="amstor-mall")
    status = Predicate.objects.get(slug="facility_status")
    data = {
        **statement_form(Entity.objects.get(slug="russian-mod"), Source.objects.first()),
        **inline_management(1, 0),
        **assertion_row(0, status, mall, choice="empty"),
    }
    count = Statement.objects.count()
    response = curator_client.post(url(Statement, "add"), data)

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors[0]
    assert "choice" in errors
    assert "non_functioning" in errors["choice"][0]
    assert Statement.objects.count() == count
    assert checked == []


def test_wrong_subject_kind_in_the_inline_is_shown_on_the_subject(curator_client, seeded):
    strike = Entity.objects.get(slug="kremenchuk-strike")
    status = Predicate.objects.get(slug="facility_status")
    data = {
        **statement_form(Entity.objects.get(slug="russian-mod"), Source.objects.first()),
        **inline_management(1, 0),
        **assertion_row(0, status, strike, choice="operational"),
    }
    response = curator_client.post(url(Statement, "add"), data)
    assert "subject" in response.context["inline_admin_formsets"][0].formset.errors[0]


def test_editing_a_statement_updates_assertions_in_place(curator_client, seeded, checked):
    statement = Statement.objects.get(ref="konashenkov-non-functioning")
    assertion = statement.assertions.get()
    held_before = assertion.position_id
    data = {
        **statement_form(statement.speaker, statement.source, quote=statement.quote),
        "said_at_1": "00:00:00",
        "ref": statement.ref,
        "context": "Edited by a curator.",
        **inline_management(1, 1),
        **assertion_row(
            0,
            assertion.predicate,
            assertion.subject,
            choice="closed",
            id=assertion.pk,
            statement=statement.pk,
        ),
    }
    response = curator_client.post(url(Statement, "change", statement.pk), data)

    assert response.status_code == 302, response.context["errors"]
    assertion.refresh_from_db()
    assert assertion.choice == "closed"
    statement.refresh_from_db()
    assert statement.context == "Edited by a curator."
    # The old position (still held by four others) and the new one are checked.
    assert checked == [sorted({held_before, assertion.position_id})]


def test_deleting_an_inline_assertion_goes_through_the_service(curator_client, seeded, checked):
    evidence = Evidence.objects.get(ref="cctv-park")
    assertion = evidence.assertions.get()
    data = {
        "kind": evidence.kind,
        "title": evidence.title,
        "source": evidence.source_id,
        "captured_at_0": "2022-06-27",
        "captured_at_1": "12:50:00",
        "captured_at_precision": "hour",
        "place": evidence.place_id,
        "reliability": "B",
        "credibility": "2",
        "description": evidence.description,
        "media_url": "",
        "media_sha256": "",
        "ref": evidence.ref,
        **inline_management(1, 1),
        **assertion_row(
            0,
            assertion.predicate,
            assertion.subject,
            object=assertion.object_id,
            id=assertion.pk,
            evidence=evidence.pk,
            DELETE="on",
        ),
    }
    response = curator_client.post(url(Evidence, "change", evidence.pk), data)

    assert response.status_code == 302
    assert not evidence.assertions.exists()


def test_adding_an_entity_keeps_its_lineage(curator_client, seeded):
    ministry = Entity.objects.get(slug="russian-mod")
    response = curator_client.post(
        url(Entity, "add"),
        {
            "name": "Sergei Shoigu",
            "slug": "sergei-shoigu",
            "kind": "person",
            "aliases": '["Shoigu"]',
            "description": "",
            "part_of": ministry.pk,
        },
    )
    assert response.status_code == 302
    shoigu = Entity.objects.get(slug="sergei-shoigu")
    assert shoigu.lineage_ids == [*ministry.lineage_ids, shoigu.pk]


def test_entity_cannot_be_made_part_of_its_own_part(curator_client, seeded):
    state = Entity.objects.get(slug="russian-federation")
    spokesman = Entity.objects.get(slug="igor-konashenkov")
    response = curator_client.post(
        url(Entity, "change", state.pk),
        {
            "name": state.name,
            "slug": state.slug,
            "kind": state.kind,
            "aliases": "[]",
            "description": "",
            "part_of": spokesman.pk,
        },
    )
    assert response.status_code == 200
    assert "part_of" in response.context["adminform"].form.errors


def test_curator_create_command_prints_login_and_token(db, capsys):
    from django.contrib.auth import authenticate
    from django.core.management import call_command
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    call_command("curator_create", "--username", "editor", "--reset-password", "--skip-checks")
    out = capsys.readouterr().out
    password = next(line.split()[-1] for line in out.splitlines() if "Password:" in line)
    from django.test import RequestFactory

    login = RequestFactory().post("/admin/login/")
    user = authenticate(login, username="editor", password=password)
    assert user is not None and user.is_staff
    assert user.groups.filter(name="curators").exists()
    assert user.has_perm("statements.change_statement")
    key = next(line.split()[2] for line in out.splitlines() if "API token:" in line)
    assert "expires in 30 days" in out
    assert AuthToken.objects.filter(user=user).count() == 1
    assert key not in str(list(AuthToken.objects.values_list("digest", "token_key"))), "hashed"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/statements/").status_code == 200
    assert "/admin/" in out
