"""API fixtures: a fresh throttle cache per test, a non-curator user, and conflicts made by hand
for tests that exercise the API rather than the rule engine."""

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from statements.models import Assertion, Conflict


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
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def make_conflict(db):
    """Return a factory for a conflict between two assertions, made without the engine.

    The rule code ``api-test`` keeps these apart from whatever the engine flags.
    """

    def make(a: Assertion, b: Assertion, **fields) -> Conflict:
        a, b = sorted((a, b), key=lambda assertion: assertion.pk)
        rule = fields.pop("rule", "api-test")
        defaults = {
            "kind": "exclusive_value",
            "pair_class": "cross_speaker",
            "explanation": f"{a} cannot hold with {b}.",
            "reason": {"compared": [a.pk, b.pk]},
            "score": 0.5,
        }
        defaults.update(fields)
        fingerprint = hashlib.sha256(f"{rule}:{a.pk}:{b.pk}".encode()).hexdigest()
        return Conflict.objects.create(
            fingerprint=fingerprint, assertion_a=a, assertion_b=b, rule=rule, **defaults
        )

    return make
