"""The curator's workspace in a real browser (Chromium at 1440 x 900, Playwright, live server):
log in, read the dispute list and a dispute, give a verdict, add a contradicting statement.

Screenshots go to var/screenshots/ (gitignored); CI keeps them as the run's pictures.
"""

from pathlib import Path

import pytest
from django.conf import settings

from statements.models import Assertion
from statements.seeding import seed_load
from statements.services.accounts import curator_create
from tests.browser import local_page
from tests.conftest import SEED_PATH

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
VIEWPORT = {"width": 1440, "height": 900}
PASSWORD = "curator-password"

pytestmark = pytest.mark.browser


@pytest.fixture
def record(transactional_db):
    """Load the seed and make a curator (a live server needs committed rows)."""
    seed_load(SEED_PATH)
    curator_create(username="curator", password=PASSWORD)
    return Assertion.objects.get(statement__ref="konashenkov-non-functioning").position.dispute


@pytest.fixture
def page(live_server, record):
    """Yield a logged-in Chromium page at 1440 x 900 that may reach only the live server."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with local_page(live_server.url, viewport=VIEWPORT) as page:
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "curator")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_selector("#site-name")
        yield page


def shoot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_fits_1440(page) -> None:
    """Nothing scrolls sideways: neither the page nor a scrolling box inside it."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORT["width"], f"page is {width} px wide"
    overflow = page.evaluate(
        "Math.max(0, ...[...document.querySelectorAll('.results, #content-main, .inline-group')]"
        ".map(e => e.scrollWidth - e.clientWidth))"
    )
    assert overflow == 0, f"a box inside the page scrolls {overflow} px sideways"


def test_the_dispute_list_shows_what_is_disputed(live_server, page, record):
    page.goto(f"{live_server.url}/admin/statements/dispute/")
    row = page.locator("#result_list tbody tr", has_text=record.title)
    assert row.count() == 1
    text = row.inner_text()
    assert "facility status: non-functioning 5 supporters" in text
    assert "operational 1 supporter, B2" in text
    assert "Igor Konashenkov" in text
    assert "cross-speaker, against evidence" in text
    assert "Open" in text
    assert_fits_1440(page)
    shoot(page, "dispute-list")
    assert page.foreign_requests == []


def test_a_dispute_shows_positions_side_by_side_with_supporters(live_server, page, record):
    page.goto(f"{live_server.url}/admin/statements/dispute/{record.pk}/change/")
    cards = page.locator("article.ws-position")
    headings = cards.locator("h3").all_inner_texts()
    assert any("facility status: non-functioning" in h for h in headings)
    assert any("facility status: operational" in h for h in headings)
    boxes = [cards.nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]  # side by side
    supporters = page.locator(".ws-who a").all_inner_texts()
    assert "Igor Konashenkov" in supporters
    assert "Two CCTV cameras inside a shop in the Amstor mall" in supporters
    images = page.locator(".ws-pictures img")
    assert images.count() >= 2
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete", arg=image.element_handle())
        assert image.evaluate("img => img.naturalWidth") > 0, image.get_attribute("src")
    assert_fits_1440(page)
    shoot(page, "dispute-page")


def test_a_verdict_with_a_note_is_kept(live_server, page, record):
    page.goto(f"{live_server.url}/admin/statements/dispute/{record.pk}/change/")
    page.select_option("#id_new_verdict", "supported")
    page.select_option(
        "#id_supported_position",
        label=page.locator("#id_supported_position option", has_text="operational").inner_text(),
    )
    page.fill("#id_note", "The footage shows shoppers inside.")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    assert page.input_value("#id_new_verdict") == "supported"
    assert "operational" in page.locator("#id_supported_position option:checked").inner_text()
    assert page.input_value("#id_note") == "The footage shows shoppers inside."
    assert "The record supports one position" in page.locator(".ws-summary").inner_text()
    assert "The footage shows shoppers inside." in page.locator(".ws-verdicts").inner_text()
    assert page.locator("article.ws-supported h3").inner_text().endswith("operational")
    shoot(page, "dispute-verdict")


def choose(page, select_id: str, text: str) -> None:
    """Pick ``text`` in a Select2 autocomplete as a curator does: open, type, click."""
    page.click(f"#{select_id} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    page.click(f".select2-results__option:has-text('{text}')")


def test_a_contradicting_statement_added_in_the_admin_joins_the_dispute(live_server, page, record):
    page.goto(f"{live_server.url}/admin/statements/statement/add/")
    choose(page, "id_speaker", "Mykhailo Podolyak")
    choose(page, "id_source", "Ukraine releases")
    page.fill("#id_said_at_0", "2022-06-28")
    page.fill("#id_said_at_1", "09:00:00")
    page.fill("#id_quote", "The mall was open and full of shoppers.")
    prefix = "id_assertions-0"
    choose(page, f"{prefix}-predicate", "Facility status")
    # A choice predicate: the editor offers the choice input, not number, entity or yes/no.
    assert page.is_visible(f"#{prefix}-choice")
    assert not page.is_visible(f"#{prefix}-number")
    assert not page.is_visible(f"#{prefix}-boolean")
    choose(page, f"{prefix}-subject", "Amstor shopping mall")
    page.fill(f"#{prefix}-choice", "operational")
    page.fill(f"#{prefix}-valid_from_0", "2022-06-27")
    page.fill(f"#{prefix}-valid_from_1", "12:50:00")
    page.fill(f"#{prefix}-valid_until_0", "2022-06-27")
    page.fill(f"#{prefix}-valid_until_1", "12:50:00")
    page.select_option(f"#{prefix}-time_precision", "hour")
    assert_fits_1440(page)
    shoot(page, "statement-add")
    page.click("input[name=_save]")
    message = page.locator(".messagelist li", has_text="dispute")
    assert "joined 1 dispute" in message.inner_text().lower()
    assert record.title in message.inner_text()
    shoot(page, "statement-saved")
    message.locator("a").click()
    page.wait_for_selector("article.ws-position")
    operational = page.locator("article.ws-position", has_text="facility status: operational")
    assert "Mykhailo Podolyak" in operational.inner_text()
