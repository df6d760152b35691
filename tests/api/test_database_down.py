"""A database that is down or drops connections: JSON 503s with Retry-After, a read retried.

These need a database server that can refuse connections and kill a session, so they run on
PostgreSQL (CI runs the suite there too); the connection is real, nothing is patched.
"""

import psycopg
import pytest
from django.db import connection

from statements.models import Statement
from tests.api.utils import statement_payload

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs a database server to stop and to drop sessions; run with DATABASE_URL",
    ),
]


@pytest.fixture(autouse=True)
def _responses_not_exceptions(api_client, curator_api_client):
    # The test client re-raises any exception a request logged; a server answers with the
    # response instead, and the response is what these tests are about.
    api_client.raise_request_exception = False
    curator_api_client.raise_request_exception = False


def assert_json_503(response):
    assert response.status_code == 503, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "2"
    assert response.json() == {
        "type": "server_error",
        "errors": [
            {
                "code": "service_unavailable",
                "detail": "The database is unavailable; retry after the time in Retry-After.",
                "attr": None,
            }
        ],
    }


@pytest.fixture
def database_refusing(settings):
    """Point the connection at a port nothing listens on (as while PostgreSQL restarts)."""
    connection.close()
    saved = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = "1"
    yield
    connection.close()
    connection.settings_dict["PORT"] = saved


def drop_this_session():
    """Kill the server side of Django's connection, as a server restart does."""
    pid = connection.connection.info.backend_pid
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=True
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_reads_and_writes_while_the_database_refuses_connections_are_json_503s(
    api_client, curator_api_client, seeded, database_refusing
):
    assert_json_503(api_client.get("/api/statements/"))
    assert_json_503(api_client.get("/api/disputes/1/"))
    assert_json_503(curator_api_client.post("/api/statements/", statement_payload(), format="json"))
    assert_json_503(api_client.post("/api/check/", statement_payload(), format="json"))


def test_the_schema_names_the_503_on_every_operation(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert operations and all("503" in op["responses"] for op in operations)


def test_a_read_on_a_connection_the_server_dropped_is_retried_and_answers(api_client, seeded):
    assert api_client.get("/api/statements/").status_code == 200
    drop_this_session()

    response = api_client.get("/api/statements/")

    assert response.status_code == 200, response.content
    assert response.json()["count"] == Statement.objects.count()


def test_a_write_on_a_dropped_connection_is_a_503_and_not_retried(curator_api_client, seeded):
    before = Statement.objects.count()
    assert curator_api_client.get("/api/statements/").status_code == 200
    drop_this_session()

    response = curator_api_client.post("/api/statements/", statement_payload(), format="json")

    assert_json_503(response)
    assert Statement.objects.count() == before, "the write did not happen"
