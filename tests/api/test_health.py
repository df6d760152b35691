"""Health endpoints: /health/live answers while the process runs; /health/ready says 503 when
the database, the migrations or (when one is configured) the broker are not ready."""

import os

import pytest
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

REDIS_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


def _redis_up() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/health/live", "/health/live/"])
def test_live_answers_without_checking_anything(client, path, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/health/ready", "/health/ready/"])
def test_ready_checks_the_database_and_migrations(client, settings, path):
    settings.CELERY_BROKER_URL = ""
    response = client.get(path)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"Database(alias='default')", "Migrations(alias='default')"}
    assert set(body.values()) == {"OK"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_is_503_while_a_migration_is_not_applied(client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = ""
    real_plan = MigrationExecutor.migration_plan

    def one_missing(self, targets, clean_start=False):
        return [*real_plan(self, targets, clean_start), ("statements.0099_missing", False)]

    monkeypatch.setattr(MigrationExecutor, "migration_plan", one_missing)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["Migrations(alias='default')"] == (
        "Unavailable: 1 migration(s) not applied"
    )
    assert response.json()["Database(alias='default')"] == "OK"


@pytest.mark.django_db
def test_ready_is_503_when_the_configured_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://:secret@127.0.0.1:1/0"
    response = client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["Broker()"].startswith("Unavailable: broker unreachable")
    assert "secret" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.skipif(not _redis_up(), reason=f"no Redis at {REDIS_URL}")
def test_ready_checks_a_reachable_broker(client, settings):
    settings.CELERY_BROKER_URL = REDIS_URL
    response = client.get("/health/ready")
    assert response.status_code == 200, response.json()
    assert response.json()["Broker()"] == "OK"


@pytest.mark.django_db
def test_health_is_not_redirected_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.CELERY_BROKER_URL = ""
    client = Client()
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/ready").status_code == 200
    assert client.get("/api/statements/").status_code == 301
