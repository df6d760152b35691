"""Production settings share throttle counters between workers without any extra setting."""

import json
import os
import subprocess
import sys

from django.conf import settings

from contradict.cache import RedisCache

PROBE = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.CACHES['default']))"
)


def production_cache(**env) -> dict:
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "REDIS_CACHE_URL")},
        "DJANGO_SETTINGS_MODULE": "contradict.settings",
        "DEBUG": "false",
        "SECRET_KEY": "x" * 60,
        **env,
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, cwd=settings.BASE_DIR,
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def test_without_a_cache_url_production_uses_the_database_cache_all_workers_share():
    cache = production_cache()
    assert cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_a_cache_url_wins():
    cache = production_cache(CACHE_URL="redis://127.0.0.1:6379/11")
    assert cache == {
        "BACKEND": "contradict.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/11",
    }


def test_the_redis_cache_keeps_one_client_per_pool():
    cache = RedisCache("redis://127.0.0.1:6379/11", {})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
