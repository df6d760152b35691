"""Settings for contradict, read from the environment.

Every value has a development default that needs nothing installed: SQLite in ``var/``,
checks in-process, no broker. ``.env.example`` lists what production sets.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as cors_default_headers
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# The development key is public on purpose; production must set SECRET_KEY (check --deploy says so).
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-development-only-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    # API tokens stored as hashes, with an expiry (rest_framework.authtoken kept them plain).
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "simple_history",
    # Locks out repeated failed admin logins (AXES_* below).
    "axes",
    "csp",
    "statements",
]

MIDDLEWARE = [
    # Outermost: a database that is down gets /api/ a JSON 503, wherever it failed.
    "statements.api.unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Large JSON under /api/ only (statements/api/compression.py says why that is BREACH-safe).
    "statements.api.compression.ApiJsonGZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: answers a locked-out login with 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "contradict.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "contradict.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        # Keep connections between requests, and check them first so a database restart
        # costs one failed health check instead of an error page.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the planner's row guesses for the entity walk (a recursive query)
    # and the re-check's grouped screen pass jit_above_cost, and compiling took 100-120 ms
    # for queries that run in 1-20 ms (the 1M re-check went from 3.4 s to 5.6 s). An
    # ``options`` given in DATABASE_URL (``?options=...``) is kept as it is.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several writers (runserver, a check, a test client) wait for the lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Take the write lock when a request's transaction begins: a deferred transaction that
    # reads, then writes, fails at once with "database is locked" (a 500) when another
    # request holds the lock, whatever the timeout.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    # The re-check's covering index includes columns for PostgreSQL's index-only scan; SQLite
    # keeps the index without them, which is all it needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
    # Tests get a file, not Django's shared in-memory database: there a live server's threads
    # (a page loading two pictures at once) fail at once with "database table is locked"
    # instead of waiting for the lock as they do on a file.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is locked out for AXES_COOLOFF_MINUTES (a 429 on the admin login).
# Locking the pair, not the username alone, keeps an attacker from locking a curator out from
# elsewhere; the address is REMOTE_ADDR, so behind a proxy set AXES_IPWARE_PROXY_COUNT too.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "60")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every manage.py command

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security: strict when DEBUG is off (``manage.py check --deploy`` runs in CI). ---
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Probes call the health endpoints over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- CORS: front ends on other origins read the API; origins come from the environment. ---
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
# A browser on another origin reads ETag and sends it back (If-Match on writes, If-None-Match
# on reads), so the conditional requests of docs/api.md work from a front end too.
CORS_EXPOSE_HEADERS = ["ETag"]
CORS_ALLOW_HEADERS = [*cors_default_headers, "if-match", "if-none-match"]

# Bodies larger than this are refused before parsing (a 400 that names the body).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(1024 * 1024)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- The rule engine: the active rules, in order. A deployment can add or drop one here. ---
CONTRADICT_RULES = env_list(
    "CONTRADICT_RULES",
    ",".join(
        [
            "contradict.engine.rules.PolarityRule",
            "contradict.engine.rules.ExclusiveValueRule",
            "contradict.engine.rules.NumericRule",
            "contradict.engine.rules.GenericInstanceRule",
            "contradict.engine.rules.ExclusionRule",
        ]
    ),
)

# --- Celery: long re-checks run on workers when a broker is configured, in-process otherwise. ---
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "contradict")
# With Redis as broker an unacknowledged message (its worker was killed) comes back only once
# it is older than the visibility timeout AND a restore sweep runs; kombu sweeps every
# unacked_restore_interval x unacked_restore_throttle seconds (10 x 10 by default). Shards take
# seconds, so a 60 s timeout and a 1 s sweep bring a killed worker's shard back within about a
# minute; a shard still running past the timeout is delivered twice, which is harmless because
# shards are idempotent.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "60")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

# --- The JSON API: DRF, OpenAPI schema, one error shape, throttling (statements/api/). ---
# Throttle counters live in the cache. With CACHE_URL (or REDIS_CACHE_URL), e.g.
# redis://127.0.0.1:6379/1, they are shared by every gunicorn worker. Without it, production
# (DEBUG off) uses the database cache, shared too: a per-process cache would let each worker
# count on its own, so the real limit would be workers x the setting. Its table comes with
# `migrate` (statements migration 0007). Development keeps an in-memory cache.
_CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_CACHE_URL")
if _CACHE_URL:
    # Django's Redis cache with one client per pool (contradict/cache.py says why).
    _CACHE = {"BACKEND": "contradict.cache.RedisCache", "LOCATION": _CACHE_URL}
elif not DEBUG:
    _CACHE = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "contradict_cache",
    }
else:
    _CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
CACHES = {"default": _CACHE}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous write gets 401 with ``WWW-Authenticate: Token``.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["statements.api.permissions.CuratorOrReadOnly"],
    # JSON only: any other request body is a 415, any other Accept a 406.
    "DEFAULT_PARSER_CLASSES": ["statements.api.parsers.GuardedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "statements.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "statements.api.throttling.AnonThrottle",
        "statements.api.throttling.UserThrottle",
        "statements.api.throttling.ScopedThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "120/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "1200/minute"),
        # POST /api/check/ costs far more than a read: its own, lower rate on top of the above.
        "check": os.environ.get("API_THROTTLE_CHECK", "30/minute"),
    },
    # The anonymous throttle counts per client address. 0 = REMOTE_ADDR, ignoring a client's
    # X-Forwarded-For (which anyone can forge); set it to the number of trusted proxies in front.
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "statements.api.schema.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "URL_FORMAT_OVERRIDE": None,
}

DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "statements.api.handlers.ExceptionHandler",
    "ALLOWED_ERROR_STATUS_CODES": [
        str(code) for code in (400, 401, 403, 404, 405, 406, 409, 412, 413, 415, 428, 429, 500, 503)
    ],
    "ERROR_SCHEMAS": {
        "409": "statements.api.exceptions.ErrorResponse409Serializer",
        "412": "statements.api.exceptions.ErrorResponse412Serializer",
        "413": "statements.api.exceptions.ErrorResponse413Serializer",
        "428": "statements.api.exceptions.ErrorResponse428Serializer",
        "503": "statements.api.exceptions.ErrorResponse503Serializer",
    },
}

_ERROR_ENUMS = "drf_standardized_errors.openapi_serializers"
SPECTACULAR_SETTINGS = {
    "TITLE": "contradict API",
    "DESCRIPTION": (
        "Who said what, when and where; the typed assertions in it; recorded evidence; and the "
        "pairs of assertions that cannot both be true. Anyone may read. Writing and reviewing "
        "need a curator's token (`Authorization: Token <key>`) or an admin session. Every 4xx "
        "has the same shape: `{type, errors: [{code, detail, attr}]}`, where `attr` names the "
        "field at fault (`assertions.2.value`). Detail responses carry an `ETag`; send it back "
        "as `If-Match` on PUT, PATCH, DELETE and review (required: without it, 428) to get 412 "
        "instead of a lost update."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/",
    # Swagger UI and Redoc come from the app's own static files (drf-spectacular-sidecar,
    # served by WhiteNoise in production): the docs work offline and never load a CDN script.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ValidationErrorEnum": f"{_ERROR_ENUMS}.ValidationErrorEnum.choices",
        "ClientErrorEnum": f"{_ERROR_ENUMS}.ClientErrorEnum.choices",
        "ServerErrorEnum": f"{_ERROR_ENUMS}.ServerErrorEnum.choices",
        "ErrorCode401Enum": f"{_ERROR_ENUMS}.ErrorCode401Enum.choices",
        "ErrorCode403Enum": f"{_ERROR_ENUMS}.ErrorCode403Enum.choices",
        "ErrorCode404Enum": f"{_ERROR_ENUMS}.ErrorCode404Enum.choices",
        "ErrorCode405Enum": f"{_ERROR_ENUMS}.ErrorCode405Enum.choices",
        "ErrorCode406Enum": f"{_ERROR_ENUMS}.ErrorCode406Enum.choices",
        "ErrorCode415Enum": f"{_ERROR_ENUMS}.ErrorCode415Enum.choices",
        "ErrorCode429Enum": f"{_ERROR_ENUMS}.ErrorCode429Enum.choices",
        "ErrorCode500Enum": f"{_ERROR_ENUMS}.ErrorCode500Enum.choices",
        "ConflictKindEnum": "statements.models.ConflictKind",
        "WebhookEventEnum": "statements.webhooks.models.WebhookEvent",
        "DeliveryStatusEnum": "statements.webhooks.models.DeliveryStatus",
        "ConflictStatusEnum": "statements.models.ConflictStatus",
        "DisputeStatusEnum": "statements.models.DisputeStatus",
        "VerdictEnum": "statements.models.Verdict",
        "PairClassEnum": "statements.models.PairClass",
        "TimePrecisionEnum": "statements.models.TimePrecision",
        "ValueTypeEnum": "statements.models.ValueType",
        "ConditionOperatorEnum": "statements.models.ConditionOperator",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "statements.api.schema.postprocess_error_attrs",
        "statements.api.contract.postprocess_contract",
    ],
}
# --- What one POST /api/check/ may cost (anyone may send one): more is a 400 naming the limit.
# Assertions in a draft; stored assertions its check examines; conflicts it reports. The draft's
# quote is bounded too (it is repeated in every conflict's explanation): 200 numeric assertions
# once made a 27 MB response.
CONTRADICT_CHECK_MAX_ASSERTIONS = int(os.environ.get("CONTRADICT_CHECK_MAX_ASSERTIONS", "50"))
CONTRADICT_CHECK_MAX_CANDIDATES = int(os.environ.get("CONTRADICT_CHECK_MAX_CANDIDATES", "2000"))
CONTRADICT_CHECK_MAX_CONFLICTS = int(os.environ.get("CONTRADICT_CHECK_MAX_CONFLICTS", "100"))

# How many subject-range shards a full re-check is cut into.
# --- Reach (issue 13): statement language, claim search, webhooks. ---
# The BCP 47 tag a statement gets when written without one ("" leaves it unknown).
CONTRADICT_STATEMENT_LANGUAGE = os.environ.get("CONTRADICT_STATEMENT_LANGUAGE", "")
# PostgreSQL's text search configuration for claim search (its stemmer and stop words). The
# GIN index is built with it: after changing it, run migrate's index again (see search.py).
CONTRADICT_SEARCH_CONFIG = os.environ.get("CONTRADICT_SEARCH_CONFIG", "english")
# Webhooks: no delivery to private, loopback or link-local addresses unless this is set (a
# deployment whose subscribers sit on its own network; tests deliver to 127.0.0.1).
CONTRADICT_WEBHOOKS_ALLOW_PRIVATE = os.environ.get(
    "CONTRADICT_WEBHOOKS_ALLOW_PRIVATE", ""
).lower() in ("1", "true", "yes")
CONTRADICT_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("CONTRADICT_WEBHOOK_TIMEOUT", "5"))
CONTRADICT_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("CONTRADICT_WEBHOOK_MAX_ATTEMPTS", "8"))
# The wait after the first failure; each further failure doubles it (capped at six hours).
CONTRADICT_WEBHOOK_BACKOFF_SECONDS = float(os.environ.get("CONTRADICT_WEBHOOK_BACKOFF", "30"))
# How many statements on record /api/check/ shows as closest to a draft's quote.
CONTRADICT_CHECK_SIMILAR = int(os.environ.get("CONTRADICT_CHECK_SIMILAR", "5"))

CONTRADICT_RECHECK_SHARDS = int(os.environ.get("CONTRADICT_RECHECK_SHARDS", "16"))
# An in-process re-check (no broker) has fewer shards: each costs a screening pass and a few
# reads of its own, and 16 took a quarter longer than 4 on the 1M benchmark. On PostgreSQL it
# runs CONTRADICT_RECHECK_THREADS of them at once, each on a connection of its own (SQLite one
# at a time): while one waits on the database another computes. The shard that finishes a
# re-check (in-process or on a Celery worker) rebuilds the disputes in as many parts at once,
# each on a connection of its own, so size the database's connections for it.
CONTRADICT_RECHECK_SHARDS_INLINE = int(os.environ.get("CONTRADICT_RECHECK_SHARDS_INLINE", "4"))
CONTRADICT_RECHECK_THREADS = int(os.environ.get("CONTRADICT_RECHECK_THREADS", "2"))

# --- Re-check outbox (statements.services.rechecks): a shard whose task did not reach the broker
# within this many seconds of being asked for is sent by the sweeper; one sent this long ago and
# still unfinished is sent again. The sweeper runs on Celery beat (`celery -A contradict beat`,
# one instance) every CONTRADICT_RECHECK_SWEEP_EVERY seconds, or as `manage.py rechecks_sweep`.
CONTRADICT_RECHECK_SWEEP_AFTER = int(os.environ.get("CONTRADICT_RECHECK_SWEEP_AFTER", "30"))
CONTRADICT_RECHECK_RESEND_AFTER = int(os.environ.get("CONTRADICT_RECHECK_RESEND_AFTER", "900"))
CELERY_BEAT_SCHEDULE = {
    "rechecks-sweep": {
        "task": "statements.tasks.rechecks_sweep",
        "schedule": float(os.environ.get("CONTRADICT_RECHECK_SWEEP_EVERY", "60")),
    },
}

# Seconds a client is told to wait (Retry-After) when the database is unavailable (a 503).
CONTRADICT_RETRY_AFTER = int(os.environ.get("CONTRADICT_RETRY_AFTER", "2"))

# --- API tokens (django-rest-knox): only a hash of each token is stored; each expires after
# API_TOKEN_TTL_DAYS (0 = never). `Authorization: Token <key>`, as before. Rotate with
# POST /api/auth/token/rotate/ (a new token; the one sent is revoked), revoke with
# POST /api/auth/logout/ (this token) or /api/auth/logout-all/ (every token of the user).
_TOKEN_TTL_DAYS = int(os.environ.get("API_TOKEN_TTL_DAYS", "30"))
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=_TOKEN_TTL_DAYS) if _TOKEN_TTL_DAYS else None,
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

# --- Content-Security-Policy (django-csp) on every page: the admin, the API, the docs. Everything
# comes from this origin, no inline script or style, no plugins, no framing. A page that truly
# needs more adds it for itself with csp.decorators.csp_update (as the docs do with
# CONTRADICT_CSP_DOCS); a deployment that serves media from elsewhere appends its origin here,
# e.g. CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append("https://media.example.org").
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # the admin's and Swagger UI's icons are data: URLs
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# What Swagger UI (/api/docs/) and Redoc (/api/redoc/) need on top: both inject inline styles at
# run time (no nonce can reach them), Redoc's fonts are data: URLs and it parses in a blob: worker.
# Their scripts still come only from this origin (Swagger UI's init script is a file too).
CONTRADICT_CSP_DOCS = {
    "style-src": ["'unsafe-inline'"],
    "font-src": ["data:"],
    "worker-src": [SELF, "blob:"],
}
# --- Interchange: who publishes the ClaimReviews of reviewed disputes, and where. ---
CONTRADICT_CLAIMREVIEW_PUBLISHER_NAME = os.environ.get(
    "CONTRADICT_CLAIMREVIEW_PUBLISHER_NAME", "contradict"
)
CONTRADICT_CLAIMREVIEW_PUBLISHER_URL = os.environ.get(
    "CONTRADICT_CLAIMREVIEW_PUBLISHER_URL", "http://127.0.0.1:8000"
)
# The page of one review: {publisher_url}, {dispute} and {position} are filled in.
CONTRADICT_CLAIMREVIEW_URL = os.environ.get(
    "CONTRADICT_CLAIMREVIEW_URL", "{publisher_url}/disputes/{dispute}/#position-{position}"
)
# Bulk exports stream the whole record: their own rate, on top of the anonymous and user rates.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["export"] = os.environ.get(
    "API_THROTTLE_EXPORT", "10/minute"
)
