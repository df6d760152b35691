"""The interactive docs (Swagger UI at /api/docs/, Redoc at /api/redoc/) work offline: every
asset comes from the app's own static files, in development and behind WhiteNoise in production.
"""

import re
from urllib.parse import urlparse

import pytest
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.templatetags.static import static
from django.test import RequestFactory
from django.test.utils import override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

from tests.browser import local_page

SWAGGER_ASSETS = [
    "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
    "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
    "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
    "drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png",
]
REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"


def directives(policy: str) -> dict[str, list[str]]:
    """Return a Content-Security-Policy header as ``{directive: sources}``."""
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def referenced_urls(html: str) -> list[str]:
    """Return the src and href values of an HTML page."""
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_reference_only_their_own_static_files(db, client, path):
    response = client.get(path)
    assert response.status_code == 200
    urls = referenced_urls(response.content.decode())
    assert urls
    for url in urls:
        assert not urlparse(url).netloc, f"{path} loads {url} from another host"
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == policy["script-src"] == ["'self'"]
    assert "unsafe-eval" not in str(policy) and "http" not in str(policy)


def test_redoc_is_served_without_its_cdn_logo_address(db, client):
    page = client.get("/api/redoc/").content.decode()
    assert '<script src="/api/redoc/redoc.standalone.js">' in page
    bundle = client.get("/api/redoc/redoc.standalone.js")
    assert bundle["Content-Type"] == "application/javascript"
    assert b"cdn.redoc.ly" not in bundle.content and b"Redoc" in bundle.content


def test_pages_other_than_the_docs_allow_no_inline_style(db, client):
    policy = directives(client.get("/admin/login/")["Content-Security-Policy"])
    assert policy["style-src"] == ["'self'"] and "unsafe-inline" not in str(policy)


def test_swagger_ui_init_script_is_served_by_the_app(db, client):
    response = client.get("/api/docs/?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


def test_sidecar_files_are_found_by_staticfiles():
    for asset in [*SWAGGER_ASSETS, REDOC_BUNDLE]:
        assert finders.find(asset), asset


def test_whitenoise_serves_the_docs_assets_in_production(tmp_path):
    """With DEBUG off, collectstatic's hashed copies are what WhiteNoise serves."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(
        DEBUG=False, STATIC_ROOT=tmp_path, STORAGES=storages, WHITENOISE_AUTOREFRESH=False
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        middleware = WhiteNoiseMiddleware(lambda request: pytest.fail("not a static file"))
        for asset in [*SWAGGER_ASSETS, REDOC_BUNDLE]:
            url = static(asset)
            assert url != f"/static/{asset}", "expected a hashed name from the manifest"
            response = middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip"))
            assert response.status_code == 200, url
            assert staticfiles_storage.exists(asset)


# --- In a real browser: the pages render their operations and load nothing from elsewhere. ---


@pytest.fixture
def browser_page(live_server):
    """Yield a Chromium page whose requests may reach only the live server.

    Requests to another host are recorded in ``page.foreign_requests``; local requests that
    fail in ``page.failed_local_requests``.
    """
    local_host = urlparse(live_server.url).hostname
    with local_page(live_server.url) as page:
        page.failed_local_requests = []

        def record_failure(request):
            if urlparse(request.url).hostname == local_host:
                page.failed_local_requests.append(request.url)

        page.on("requestfailed", record_failure)
        yield page


@pytest.mark.browser
def test_swagger_ui_shows_the_operations_offline(live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock-summary", timeout=60_000)
    summaries = page.locator(".opblock-summary-description").all_inner_texts()
    wanted = {"List disputes", "Give a dispute a verdict", "Check a draft statement"}
    assert wanted <= set(summaries)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any(path.startswith("/api/statements/") for path in paths)
    assert page.foreign_requests == []
    assert page.failed_local_requests == []


@pytest.mark.browser
def test_redoc_shows_the_operations_offline(live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/api/redoc/")
    page.wait_for_selector("h2:has-text('List conflicts')", timeout=60_000)
    assert page.locator("h2:has-text('Give a dispute a verdict')").count() == 1
    assert page.foreign_requests == []
    assert page.failed_local_requests == []
