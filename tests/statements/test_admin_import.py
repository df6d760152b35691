"""Curators import statements and evidence in the admin, a dry run first."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from statements.models import Statement
from tests.conftest import seed_once
from tests.statements.test_records_import import BAD_ROWS, _csv_text

seeded = seed_once()

IMPORT = reverse("admin:statements_statement_import")
GOOD = _csv_text(BAD_ROWS[:2])
BAD = _csv_text([BAD_ROWS[0], BAD_ROWS[2]])


def _upload(client, text: str, dry_run: bool, name="desk.csv"):
    data = {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(IMPORT, data)


def test_statement_list_links_to_the_import_page(seeded, curator_client):
    page = curator_client.get(reverse("admin:statements_statement_changelist"))
    assert 'href="import/"' in page.content.decode()
    assert curator_client.get(IMPORT).status_code == 200


def test_dry_run_in_the_admin_shows_what_would_be_written(seeded, curator_client):
    response = _upload(curator_client, GOOD, dry_run=True)
    assert response.status_code == 200
    assert "dry run, nothing written: statements: 1 created" in response.content.decode()
    assert not Statement.objects.filter(ref="desk-1").exists()


def test_errors_are_listed_by_row_and_column(seeded, curator_client):
    response = _upload(curator_client, BAD, dry_run=True)
    page = response.content.decode()
    assert 'id="import-errors"' in page
    assert "<td>2</td><td>speaker</td>" in page
    assert not Statement.objects.filter(ref="desk-2").exists()


def test_import_without_dry_run_writes_and_returns_to_the_list(seeded, curator_client):
    response = _upload(curator_client, GOOD, dry_run=False)
    assert response.status_code == 302
    assert Statement.objects.get(ref="desk-1").created_by.username == "curator"


def test_a_file_that_is_not_a_table_is_refused_on_the_form(seeded, curator_client):
    response = _upload(curator_client, "just words", dry_run=True, name="notes.txt")
    assert "expected a .csv, .xlsx or .ndjson file" in response.content.decode()


def test_only_those_who_may_add_statements_import(seeded, client, django_user_model):
    staff = django_user_model.objects.create_user("visitor", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(IMPORT).status_code == 403
