"""One way to drive a real browser in tests: Debian's Chromium through Playwright, offline.

Playwright's own browsers are never installed; `.ci/run` installs `chromium` with apt when it
is missing, and tests skip with that reason elsewhere.
"""

from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@contextmanager
def local_page(server_url: str, **page_options):
    """Yield a Chromium page whose requests may reach only ``server_url``'s host.

    Every request to another host is aborted and recorded in ``page.foreign_requests``.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    local = urlparse(server_url).hostname
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        page = browser.new_page(**page_options)
        page.foreign_requests = []

        def only_local(route):
            if urlparse(route.request.url).hostname == local:
                route.continue_()
            else:
                page.foreign_requests.append(route.request.url)
                route.abort()

        page.route("**/*", only_local)
        try:
            yield page
        finally:
            browser.close()
