"""The Content-Security-Policy holds in a real browser: the admin, Swagger UI and Redoc load and
work without a single violation (Chromium reports each one as an event and on the console)."""

import pytest

from statements.models import Dispute, Statement
from statements.seeding import seed_load
from statements.services.accounts import curator_create
from tests.browser import local_page
from tests.conftest import SEED_PATH

# Recorded before any of the page's own scripts run.
LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
));
"""

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(live_server):
    with local_page(live_server.url) as page:
        page.console_violations = []
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and page.console_violations.append(message.text)
            ),
        )
        page.add_init_script(LISTEN)
        yield page


def violations(page) -> list[str]:
    page.wait_for_timeout(300)  # let late reports (fonts, workers) arrive
    return [*page.evaluate("window.__violations"), *page.console_violations]


@pytest.fixture
def record(transactional_db):
    """Load the seed and a curator (before the browser starts: its loop makes this thread async)."""
    seed_load(SEED_PATH)
    curator_create(username="browser", password="browser-password")
    return Statement.objects.order_by("pk").first(), Dispute.objects.order_by("pk").first()


def test_the_admin_works_under_the_policy(live_server, record, page):
    statement, dispute = record

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "browser")
    page.fill("#id_password", "browser-password")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    seen = {"/admin/login/": violations(page)}
    for path in [
        "/admin/",
        "/admin/statements/statement/",
        f"/admin/statements/statement/{statement.pk}/change/",
        "/admin/statements/statement/add/",
        f"/admin/statements/dispute/{dispute.pk}/change/",
        f"/admin/statements/statement/{statement.pk}/history/",
        "/admin/statements/statement/import/",
        "/admin/statements/entity/?q=mall",
        "/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        seen[path] = violations(page)
    assert all(not found for found in seen.values()), seen


def test_swagger_ui_and_redoc_render_under_the_policy(live_server, page):
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock-summary", timeout=60_000)
    page.locator(".opblock-summary").first.click()  # expand an operation, as a reader does
    swagger = violations(page)
    page.goto(f"{live_server.url}/api/redoc/")
    page.wait_for_selector("h2:has-text('List conflicts')", timeout=60_000)
    assert (swagger, violations(page)) == ([], [])
