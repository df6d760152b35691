"""The dispute page: positions side by side with their supporters, why they clash, pictures,
the verdict form in the state it was saved in, and the verdicts given so far."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.models import Assertion, Conflict, Dispute
from statements.services import dispute_review, statement_create
from tests.workspace.conftest import admin_url


def page_of(client, dispute) -> str:
    response = client.get(admin_url("dispute", "change", dispute.pk))
    assert response.status_code == 200
    return response.content.decode()


def test_positions_show_each_supporter_with_who_when_grade_and_links(curator_client, mall_dispute):
    page = page_of(curator_client, mall_dispute)
    assert page.count('<article class="ws-position') == mall_dispute.positions.count()
    assert "Igor Konashenkov" in page
    assert "28 Jun 2022" in page  # said on a day: no invented midnight
    assert 'class="ws-grade" title="Admiralty grade">B2' in page
    statement = mall_dispute.positions.get(choice="non_functioning").supporters.first().statement
    assert admin_url("statement", "change", statement.pk) in page
    assert statement.source.url in page


def test_the_page_explains_the_clash_and_shows_both_pictures(curator_client, mall_dispute):
    page = page_of(curator_client, mall_dispute)
    conflict = Conflict.objects.filter(position_a__disputes=mall_dispute).first()
    assert conflict.explanation.split("“")[0][:40] in page
    assert f"/api/disputes/{mall_dispute.pk}/graph/" in page
    assert "/api/timeline/?subject=amstor-mall&amp;predicate=facility_status" in page


def test_a_saved_verdict_is_what_the_form_shows_and_the_history_lists(
    curator_client, curator, mall_dispute
):
    operational = mall_dispute.positions.get(choice="operational")
    url = admin_url("dispute", "change", mall_dispute.pk)
    response = curator_client.post(
        url,
        {"new_verdict": "supported", "supported_position": operational.pk, "note": "Shoppers."},
    )
    assert response.status_code == 302 and response["Location"] == url
    form = curator_client.get(url).context["adminform"].form
    assert form["new_verdict"].value() == "supported"
    assert str(form["supported_position"].value()) == str(operational.pk)
    assert form["note"].value() == "Shoppers."
    response = curator_client.post(url, {"new_verdict": "unresolved", "note": "Disputed."})
    page = curator_client.get(url).content.decode()
    table = page.split('class="ws-verdicts"')[1].split("</table>")[0]
    assert table.index("Disputed.") < table.index("Shoppers.")  # newest first
    assert "curator" in table


def test_saving_the_form_unchanged_gives_no_new_verdict(curator_client, curator, mall_dispute):
    dispute_review(dispute=mall_dispute, verdict="unresolved", note="Open.", reviewer=curator)
    before = Dispute.objects.get(pk=mall_dispute.pk).reviewed_at
    url = admin_url("dispute", "change", mall_dispute.pk)
    curator_client.post(url, {"new_verdict": "unresolved", "note": "Open."})
    assert Dispute.objects.get(pk=mall_dispute.pk).reviewed_at == before


def test_history_of_a_derived_row_offers_no_revert(curator_client, curator, mall_dispute):
    dispute_review(dispute=mall_dispute, verdict="unresolved", note="", reviewer=curator)
    record = mall_dispute.history.order_by("history_id").first()
    history = curator_client.get(admin_url("dispute", "history", mall_dispute.pk))
    assert "revert" not in history.content.decode().lower()
    version = admin_url("dispute", "simple_history", mall_dispute.pk, record.history_id)
    assert "Revert" not in curator_client.get(version).content.decode()
    assert curator_client.post(version, {}).status_code == 403


def test_history_names_no_one_sensibly_for_loaders_and_deleted_users(curator_client, mall_dispute):
    reviewer = get_user_model().objects.create_user("gone", is_staff=True)
    dispute_review(dispute=mall_dispute, verdict="unresolved", note="", reviewer=reviewer)
    reviewer.delete()
    page = curator_client.get(admin_url("dispute", "history", mall_dispute.pk)).content.decode()
    assert "pk=None" not in page and "Deleted user" not in page
    assert "no signed-in user" in page


def test_the_page_costs_the_same_queries_however_many_repeat_a_claim(curator_client, mall_dispute):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page_of(curator_client, mall_dispute)
        return len(captured)

    before = queries()
    held = Assertion.objects.filter(position__disputes=mall_dispute, statement__isnull=False)
    original = held.select_related("statement").first()
    claim = {name: getattr(original, name) for name in Assertion.CLAIM_FIELDS}
    claim["value"] = original.value
    for name in ("object", "choice", "number", "number_high", "boolean"):
        claim.pop(name)
    for index in range(5):
        statement_create(
            speaker=original.statement.speaker,
            source=original.statement.source,
            said_at=original.statement.said_at,
            quote=f"Repeated {index}.",
            assertions=[claim],
        )
    assert mall_dispute.positions.count() == 4
    assert queries() == before
