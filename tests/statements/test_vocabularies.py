"""Vocabularies in the seed loader and the admin: kinds a case adds, untitled evidence."""

import textwrap

import pytest
from django.urls import reverse

from statements.models import Conflict, Entity, EntityKind, Evidence, EvidenceKind
from statements.seeding import SeedError, seed_load

VESSEL_CASE = """
entity_kinds:
  - {slug: vessel, name: Vessel, description: A ship or boat.}
evidence_kinds:
  - {slug: inquiry_report, name: Inquiry report}
entities:
  - {slug: navy, name: The navy, kind: organisation}
  - {slug: moskva, name: Cruiser Moskva, kind: vessel}
sources:
  - {slug: inquiry, title: Report of the inquiry}
predicates:
  - slug: vessel_status
    value_type: choice
    choices: [afloat, sunk]
    single_valued: true
    subject_kinds: [vessel]
statements:
  - ref: navy-afloat
    speaker: navy
    source: inquiry
    said_at: 2022-04-14
    language: en-us
    quote: The cruiser is afloat.
    assertions:
      - {predicate: vessel_status, subject: moskva, value: afloat,
         valid_from: 2022-04-14, valid_until: 2022-04-14}
evidence:
  - ref: inquiry-sunk
    kind: inquiry_report
    source: inquiry
    reliability: B
    credibility: 2
    description: The inquiry found that the cruiser sank after two hits.
    assertions:
      - {predicate: vessel_status, subject: moskva, value: sunk,
         valid_from: 2022-04-14, valid_until: 2022-04-14}
"""


def _load(tmp_path, text):
    path = tmp_path / "case.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return seed_load(path)


def test_a_seed_adds_its_own_kinds_and_an_untitled_evidence_item(db, tmp_path):
    report = _load(tmp_path, VESSEL_CASE)
    assert report.sections["entity_kinds"]["created"] == 1
    assert EntityKind.objects.get(slug="vessel").description == "A ship or boat."
    evidence = Evidence.objects.get(ref="inquiry-sunk")
    assert evidence.title == ""
    assert str(evidence) == "The inquiry found that the cruiser sank after two hits."
    (conflict,) = Conflict.objects.all()
    assert "The inquiry found that the cruiser sank" in conflict.explanation
    assert _load(tmp_path, VESSEL_CASE).sections["entity_kinds"]["unchanged"] == 1


def test_a_seed_entity_of_a_kind_nobody_added_names_the_field(db, tmp_path):
    text = VESSEL_CASE.replace("entity_kinds:\n  - {slug: vessel", "entity_kinds:\n  - {slug: boat")
    with pytest.raises(SeedError, match=r"entities\[1\] \(slug moskva\)\.kind: unknown kind"):
        _load(tmp_path, text)


def test_a_long_untitled_description_is_shown_by_its_first_words(db):
    item = Evidence(title="", description="one two three four five six seven eight nine " * 5)
    assert str(item) == "one two three four five six seven eight nine one two three…"


def test_the_admin_offers_the_kinds_on_record_and_refuses_deleting_one_in_use(
    db, tmp_path, curator_client
):
    _load(tmp_path, VESSEL_CASE)
    add_page = curator_client.get(reverse("admin:statements_entity_add"))
    assert '<option value="vessel">Vessel (vessel)</option>' in add_page.content.decode()
    evidence_page = curator_client.get(
        reverse("admin:statements_evidence_change", args=[Evidence.objects.get().pk])
    )
    assert 'value="inquiry_report" selected' in evidence_page.content.decode()

    vessel = EntityKind.objects.get(slug="vessel")
    delete_url = reverse("admin:statements_entitykind_delete", args=[vessel.pk])
    page = curator_client.get(delete_url).content.decode()
    assert "named by 1 entity" in page
    curator_client.post(delete_url, {"post": "yes"})
    assert EntityKind.objects.filter(slug="vessel").exists()

    unused = EvidenceKind.objects.get(slug="satellite")
    curator_client.post(
        reverse("admin:statements_evidencekind_delete", args=[unused.pk]), {"post": "yes"}
    )
    assert not EvidenceKind.objects.filter(slug="satellite").exists()


def test_a_new_entity_kind_saved_in_the_admin_is_accepted_for_entities(db, curator_client):
    curator_client.post(
        reverse("admin:statements_entitykind_add"), {"slug": "vessel", "name": "Vessel"}
    )
    assert EntityKind.objects.filter(slug="vessel", name="Vessel").exists()
    response = curator_client.post(
        reverse("admin:statements_entity_add"),
        {"name": "Cruiser Moskva", "slug": "moskva", "kind": "vessel", "aliases": "[]"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Entity.objects.get(slug="moskva").kind == "vessel"
