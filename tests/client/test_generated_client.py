"""A front end's session through a client generated from the served schema.

openapi-python-client generates the client from ``/api/schema/?format=json`` as the live server
serves it; every call is made with ``raise_on_unexpected_status=True``, so an answer the schema
does not declare fails the test with ``UnexpectedStatus``, and a body that does not fit its
declared model fails it while parsing.
"""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from statements.models import Dispute
from statements.seeding import seed_load
from statements.services.accounts import curator_create
from tests.conftest import SEED_PATH

PACKAGE = "contradict_client"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def generated(live_server, tmp_path_factory, django_db_setup, django_db_blocker):
    """Generate the client package from the served schema and import it."""
    root = tmp_path_factory.mktemp("client")
    with django_db_blocker.unblock():
        schema = httpx.get(f"{live_server.url}/api/schema/?format=json", timeout=30)
    assert schema.status_code == 200
    (root / "schema.json").write_bytes(schema.content)
    config = {
        "package_name_override": PACKAGE,
        # The pictures are SVG documents: the client hands them over as bytes.
        "content_type_overrides": {"image/svg+xml": "application/octet-stream"},
    }
    (root / "config.yaml").write_text(yaml.safe_dump(config))
    subprocess.run(
        [
            str(BIN / "openapi-python-client"), "generate", "--path", "schema.json",
            "--config", "config.yaml", "--meta", "none", "--output-path", PACKAGE,
            "--fail-on-warning",
        ],
        cwd=root,
        check=True,
        capture_output=True,
        # The generator formats its output with ruff, which it looks for on PATH.
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )  # fmt: skip
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def api(name: str):
    return importlib.import_module(f"{PACKAGE}.api.{name}")


def model(name: str):
    return getattr(importlib.import_module(f"{PACKAGE}.models"), name)


@pytest.fixture
def front_end(generated, live_server, transactional_db):
    """Return an anonymous and a curator's client on the seeded live server."""
    seed_load(SEED_PATH)
    _, token = curator_create(username="desk", password="desk-password")
    anonymous = generated.Client(base_url=live_server.url, raise_on_unexpected_status=True)
    curator = generated.AuthenticatedClient(
        base_url=live_server.url, token=token, prefix="Token", raise_on_unexpected_status=True
    )
    return anonymous, curator


def test_a_front_end_lists_disputes_by_speaker(front_end):
    anonymous, _ = front_end
    page = api("disputes.disputes_list").sync(
        client=anonymous,
        speaker="russian-mod",
        speaker_side=True,
        entity="amstor-mall",
        ordering="-score",
    )
    assert isinstance(page, model("PaginatedDisputeList"))
    assert page.count == 4
    titles = [dispute.title for dispute in page.results]
    assert any("facility status" in title for title in titles)


def test_a_front_end_reads_a_statement_by_its_ref(front_end):
    anonymous, _ = front_end
    page = api("statements.statements_list").sync(client=anonymous, ref="mod-first-claim")
    assert [statement.ref for statement in page.results] == ["mod-first-claim"]
    statement = api("statements.statements_retrieve").sync(client=anonymous, id=page.results[0].id)
    assert statement.speaker.slug == "russian-mod"


def draft(generated, **fields):
    body = {
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
        **fields,
    }
    return body


def test_a_front_end_checks_a_draft_then_files_it(generated, front_end):
    anonymous, curator = front_end
    checked = api("check.check_create").sync(
        client=anonymous, body=model("DraftStatementRequest").from_dict(draft(generated))
    )
    assert isinstance(checked, model("DraftCheckResult"))
    assert checked.opens == 0 and len(checked.joins) == 1
    assert checked.joins[0].title.startswith("Amstor shopping mall · facility status")
    assert {rule for finding in checked.conflicts for rule in finding.rules} >= {"exclusion"}
    # Both sides parse as positions; the draft's is named by its index in the request.
    assert {finding.position_a.draft_assertion for finding in checked.conflicts} == {0}
    assert all(finding.position_b.id for finding in checked.conflicts)

    body = model("StatementInputRequest").from_dict(
        draft(generated, source="daily-mail-2022-06-30")
    )
    created = api("statements.statements_create").sync_detailed(client=curator, body=body)
    assert created.status_code == 201
    assert created.parsed.speaker.slug == "russian-mod"
    assert created.headers["ETag"]


def test_a_front_end_gives_a_verdict_with_if_match_and_meets_a_412(generated, front_end):
    anonymous, curator = front_end
    dispute_id = Dispute.objects.filter(title__contains="facility status").values("pk")[0]["pk"]
    read = api("disputes.disputes_retrieve").sync_detailed(client=anonymous, id=dispute_id)
    etag = read.headers["ETag"]
    operational = next(p for p in read.parsed.positions if p.value == "operational")
    verdict = model("DisputeReviewInputRequest").from_dict(
        {"verdict": "supported", "position": operational.id, "note": "The footage is clear."}
    )
    review = api("disputes.disputes_review_create")
    done = review.sync_detailed(client=curator, id=dispute_id, body=verdict, if_match=etag)
    assert done.status_code == 200
    assert done.parsed.status == "reviewed"

    stale = review.sync_detailed(client=curator, id=dispute_id, body=verdict, if_match=etag)
    assert stale.status_code == 412
    assert isinstance(stale.parsed, model("ErrorResponse412"))
    assert stale.parsed.errors[0].code == "precondition_failed"


def test_a_front_end_meets_a_400_a_404_and_a_304_as_declared_types(generated, front_end):
    anonymous, _ = front_end
    bad = api("disputes.disputes_list").sync_detailed(client=anonymous, min_score="high")
    assert bad.status_code == 400
    assert isinstance(bad.parsed, model("ErrorResponse400"))
    assert [error.attr for error in bad.parsed.errors] == ["min_score"]

    wrong = draft(generated)
    wrong["assertions"][0]["predicate"] = "no-such-predicate"
    bad_body = api("check.check_create").sync_detailed(
        client=anonymous, body=model("DraftStatementRequest").from_dict(wrong)
    )
    assert bad_body.status_code == 400
    assert [error.attr for error in bad_body.parsed.errors] == ["assertions.0.predicate"]

    missing = api("disputes.disputes_retrieve").sync_detailed(client=anonymous, id=999_999)
    assert missing.status_code == 404
    assert isinstance(missing.parsed, model("ErrorResponse404"))

    dispute_id = Dispute.objects.values("pk")[0]["pk"]
    read = api("disputes.disputes_retrieve").sync_detailed(client=anonymous, id=dispute_id)
    again = api("disputes.disputes_retrieve").sync_detailed(
        client=anonymous, id=dispute_id, if_none_match=read.headers["ETag"]
    )
    assert again.status_code == 304
    # Compressed on the way, the 200's tag is weak (W/): the same tag compared weakly.
    assert again.headers["ETag"] == read.headers["ETag"].removeprefix("W/")
