#!/usr/bin/env bash
# Fuzz the running API against its own schema with schemathesis: a gunicorn server on
# 127.0.0.1 (DEBUG off, a fresh SQLite database with the seed and a curator), then the
# examples, coverage and fuzzing phases within a time budget. Any server error or schema
# violation fails. Usage: bash .ci/schemathesis.sh [extra schemathesis options]
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${SCHEMATHESIS_PORT:-8620}
MAX_TIME=${SCHEMATHESIS_MAX_TIME:-150}
WORK=$(mktemp -d)
export DEBUG=false SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=127.0.0.1 \
  SECRET_KEY="schemathesis-$(head -c 32 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9')" \
  DATABASE_URL="sqlite:///$WORK/db.sqlite3" \
  API_THROTTLE_ANON=1000000/minute API_THROTTLE_USER=1000000/minute API_THROTTLE_CHECK=1000000/minute \
  API_THROTTLE_EXPORT=1000000/minute
unset CELERY_BROKER_URL CACHE_URL

.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/python manage.py load_seed seeds/kremenchuk.yaml >/dev/null
TOKEN=$(.venv/bin/python manage.py curator_create --username fuzz --reset-password \
  | sed -n 's/.*API token: \([0-9a-f]*\).*/\1/p')

.venv/bin/gunicorn contradict.wsgi --bind "127.0.0.1:$PORT" --workers 2 --log-level warning &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT

# The token routes (/api/auth/: rotate, logout, logout-all) are left out: they revoke the very
# token the run sends, and every later request would be a 401. tests/api/test_tokens.py has them.
.venv/bin/schemathesis --config-file .ci/schemathesis.toml run "http://127.0.0.1:$PORT/api/schema/?format=json" \
  --wait-for-schema 30 \
  --phases examples,coverage,fuzzing \
  --checks all \
  --max-time "$MAX_TIME" \
  --workers 1 \
  --exclude-path-regex '^/api/auth/' \
  --header "Authorization: Token $TOKEN" \
  --seed 1 \
  "$@"
