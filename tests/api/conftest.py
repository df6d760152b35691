"""API fixtures: the seed loaded once for the package, a fresh throttle cache per test, and a
signed-in user who is not a curator."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

from statements.models import Statement
from statements.seeding import seed_load
from tests.conftest import SEED_PATH, record_empty


@pytest.fixture(scope="package")
def _seed_once(django_db_setup, django_db_blocker):
    """Load the seed once for tests/api (each test still rolls back its own changes).

    Loading it per test would take most of this package's run time. The database is emptied
    afterwards so the other packages start from nothing, as they expect.
    """
    with django_db_blocker.unblock():
        report = seed_load(SEED_PATH)
    yield report
    with django_db_blocker.unblock():
        record_empty()


@pytest.fixture
def seeded(request, _seed_once, django_db_blocker):
    """Return the report of the package's one seed load (overrides the per-test load)."""
    with django_db_blocker.unblock():
        # A transactional test (PostgreSQL row locks) empties the database when it ends.
        if not Statement.objects.filter(ref="konashenkov-non-functioning").exists():
            seed_load(SEED_PATH)
    request.getfixturevalue("db")
    return _seed_once


def pytest_collection_modifyitems(items):
    """Let a test that asks only for ``seeded`` still have a database set up for it.

    pytest-django creates the test database only if some selected test names ``db`` (or a
    marker); ``seeded`` asks for ``db`` at run time, after the seed, so a run selecting only
    such tests (``-k``, one test) found no tables. Naming ``db`` last keeps that order.
    """
    for item in items:
        if "seeded" in item.fixturenames and "db" not in item.fixturenames:
            item.fixturenames.append("db")


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the cache; one test's requests must not throttle the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user_api_client(db):
    """Return a client authenticated as a signed-in user who is not a curator."""
    user = get_user_model().objects.create_user(username="reader", password="reader-password")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")
    return client
