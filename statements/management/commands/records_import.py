"""``manage.py records_import FILE [--dry-run]``: statements and evidence with their assertions
from CSV, XLSX or NDJSON, through the services; every error is listed by row and column."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from statements.interchange.records import records_import
from statements.interchange.tables import read_tables


class Command(BaseCommand):
    help = (
        "Import statements and evidence with their assertions from a .csv, .xlsx or .ndjson "
        "file (the layout of /api/exports/statements/ and /api/exports/evidence/). Records "
        "with a ref on record are updated. Any error, or --dry-run, writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only.")
        parser.add_argument("--user", help="Username recorded as the records' creator.")

    def handle(self, *args, path, dry_run, user, **options):
        creator = None
        if user:
            creator = get_user_model().objects.filter(username=user).first()
            if creator is None:
                raise CommandError(f"No user {user!r}.")
        try:
            with open(path, "rb") as handle:
                tables = read_tables(handle, path)
        except OSError as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        report = records_import(tables=tables, created_by=creator, dry_run=dry_run)
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            raise CommandError(str(report))
        self.stdout.write(str(report))
