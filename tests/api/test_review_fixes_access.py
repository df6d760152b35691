"""Review fixes to access: anonymous clients cannot dodge the throttle with X-Forwarded-For,
throttle counters can live in Redis, and a reset password also rotates the API token."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

# --- Throttling by the client's real address. ---


def test_a_forged_forwarded_for_header_does_not_reset_the_anonymous_throttle(
    seeded, api_client, monkeypatch
):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "anon", "3/minute")
    statuses = [
        api_client.get("/api/predicates/", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code
        for i in range(6)
    ]
    assert statuses == [200, 200, 200, 429, 429, 429]


def test_behind_a_trusted_proxy_clients_are_told_apart_by_forwarded_for(
    seeded, api_client, monkeypatch
):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "anon", "1/minute")
    monkeypatch.setattr(api_settings, "NUM_PROXIES", 1)
    first = api_client.get("/api/predicates/", HTTP_X_FORWARDED_FOR="203.0.113.1")
    second = api_client.get("/api/predicates/", HTTP_X_FORWARDED_FOR="203.0.113.2")
    again = api_client.get("/api/predicates/", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert [first.status_code, second.status_code, again.status_code] == [200, 200, 429]


def test_the_proxy_count_defaults_to_none_trusted():
    assert api_settings.user_settings["NUM_PROXIES"] == 0


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({}, "django.core.cache.backends.locmem.LocMemCache"),
        ({"CACHE_URL": "redis://127.0.0.1:6379/1"}, "contradict.cache.RedisCache"),
        (
            {"REDIS_CACHE_URL": "redis://127.0.0.1:6379/2"},
            "contradict.cache.RedisCache",
        ),
    ],
)
def test_a_cache_url_shares_throttle_counters_through_redis(env, backend):
    root = Path(__file__).resolve().parents[2]
    clean = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "REDIS_CACHE_URL"}}
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.CACHES['default']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "contradict.settings", **env},
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert backend in out
    for url in env.values():
        assert url in out


# --- Curators' credentials. ---


def _printed_token(out: str) -> str:
    return next(line.split()[2] for line in out.splitlines() if "API token:" in line)


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_resetting_a_password_also_rotates_the_api_token(seeded, curator, capsys):
    call_command("curator_create", "--username", curator.username)
    old = _printed_token(capsys.readouterr().out)
    call_command("curator_create", "--username", curator.username, "--reset-password")
    new = _printed_token(capsys.readouterr().out)
    assert new != old
    assert _client(old).get("/api/predicates/").status_code == 401
    assert _client(new).get("/api/predicates/").status_code == 200


def test_updating_a_curator_without_a_reset_keeps_the_token_working(seeded, curator, capsys):
    call_command("curator_create", "--username", curator.username)
    old = _printed_token(capsys.readouterr().out)
    call_command("curator_create", "--username", curator.username, "--email", "c@example.org")
    assert _client(old).get("/api/predicates/").status_code == 200
