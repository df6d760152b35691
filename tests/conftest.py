"""Shared fixtures: the seeded Kremenchuk case, a curator, and clients for the admin and API."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from knox.models import AuthToken
from rest_framework.test import APIClient

from statements.models import Assertion, Conflict, ConflictStatus
from statements.seeding import seed_load
from statements.services.accounts import curator_create

SEED_PATH = Path(settings.BASE_DIR) / "seeds" / "kremenchuk.yaml"
# The article the seed quotes, kept beside the seed so a clone can check every quote.
ARTICLE_PATH = Path(settings.BASE_DIR) / "seeds" / "kremenchuk-article.txt"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash test passwords cheaply: the production hasher takes a third of a second by design."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded(db):
    """Load seeds/kremenchuk.yaml through the services; return the load's report."""
    return seed_load(SEED_PATH)


@pytest.fixture(scope="module")
def seeded_module(django_db_setup, django_db_blocker):
    """Load the seed once for a module; return the load's report.

    A module whose tests may all start from the seed says ``seeded = seed_once()``: each test
    still rolls back its own changes, and the module pays for one load (a quarter of a second)
    instead of one per test. The database is emptied after the module, so the next one starts
    from nothing, as it expects.
    """
    with django_db_blocker.unblock():
        report = seed_load(SEED_PATH)
    yield report
    with django_db_blocker.unblock():
        record_empty()


# What the seed gives: conflicts between positions, and the disputed questions they make.
SEED_CONFLICTS = 11
SEED_DISPUTES = 7


def held_by(ref: str) -> Q:
    """Return the condition "either position is held by the statement or evidence ``ref``"."""
    positions = Assertion.objects.filter(Q(statement__ref=ref) | Q(evidence__ref=ref))
    ids = positions.values("position_id")
    return Q(position_a__in=ids) | Q(position_b__in=ids)


def with_tags(queryset, *, rule=None, pair_class=None):
    """Return ``queryset`` (conflicts or disputes) seen by ``rule`` / with ``pair_class``."""
    if rule is not None:
        queryset = queryset.filter(rules__contains=f",{rule},")
    if pair_class is not None:
        queryset = queryset.filter(pair_classes__contains=f",{pair_class},")
    return queryset


def live_conflicts(*, rule=None, pair_class=None, ref=None, **filters):
    """Return the live conflicts, filtered by ``filters``, a rule, a pair class and a record
    (``ref``) holding either side."""
    conflicts = Conflict.objects.exclude(status=ConflictStatus.RETRACTED).filter(**filters)
    if ref is not None:
        conflicts = conflicts.filter(held_by(ref))
    return with_tags(conflicts, rule=rule, pair_class=pair_class)


def record_empty() -> None:
    """Delete every row of the record (the statements app's tables, history included).

    Users, groups, permissions, content types and the vocabularies (entity and evidence kinds)
    stay: a full ``flush`` drops and rebuilds
    them too, and truncates every table, which takes a second or more on PostgreSQL. Foreign
    keys are checked at commit (Django declares them deferrable), so the order is free.
    """
    models = apps.get_app_config("statements").get_models(include_auto_created=True)
    # The vocabularies are the catalogue's ground, not the record: they stay too.
    kept = {"EntityKind", "EvidenceKind", "HistoricalEntityKind", "HistoricalEvidenceKind"}
    with transaction.atomic(), connection.cursor() as cursor:
        for model in models:
            if model.__name__ in kept:
                continue
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def seed_once():
    """Return a ``seeded`` fixture that shares one seed load across the module.

    It asks for ``seeded_module`` by name, so pytest sets that up (module scope) before the
    test's transaction opens, whatever other fixtures the test asks for first.
    """

    @pytest.fixture
    def seeded(seeded_module, db):
        return seeded_module

    return seeded


@pytest.fixture
def curator(db):
    """Return a staff user in the curators group (password "curator-password")."""
    user, _ = curator_create(username="curator", password="curator-password")
    return user


@pytest.fixture
def curator_client(client, curator):
    """Return a Django test client logged in as the curator (for the admin)."""
    client.force_login(curator)
    return client


@pytest.fixture
def api_client():
    """Return an anonymous DRF API client."""
    return APIClient()


@pytest.fixture
def curator_api_client(curator):
    """Return a DRF API client authenticated with the curator's token."""
    client = APIClient()
    _, key = AuthToken.objects.create(user=curator)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client
