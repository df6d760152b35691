"""``manage.py claimreview_import FILE``: statements from a Fact Check Tools ``claims:search``
response (JSON), through the same service as ``POST /api/imports/claimreview/``."""

import json

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from statements.interchange.factcheck import factcheck_import


class Command(BaseCommand):
    help = (
        "Import the ClaimReview items of a Fact Check Tools claims:search response as "
        "statements with their sources (assertions are left for a curator). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A JSON file: the response of claims:search.")
        parser.add_argument("--dry-run", action="store_true", help="Check, report, write nothing.")
        parser.add_argument("--user", help="Username recorded as the statements' creator.")

    def handle(self, *args, path, dry_run, user, **options):
        creator = None
        if user:
            creator = get_user_model().objects.filter(username=user).first()
            if creator is None:
                raise CommandError(f"No user {user!r}.")
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: {error}") from error
        try:
            report = factcheck_import(data=data, created_by=creator, dry_run=dry_run)
        except ValidationError as error:
            raise CommandError(f"{path}: {'; '.join(_messages(error))}") from error
        prefix = "dry run, nothing written: " if dry_run else ""
        self.stdout.write(
            f"{prefix}{len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped; "
            f"new speakers: {', '.join(report.speakers_created) or 'none'}"
        )
        for skipped in report.skipped:
            self.stdout.write(f"  claim {skipped['claim']}: {skipped['reason']}")


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{key}: {' '.join(m for e in errors for m in e.messages)}"
            for key, errors in error.error_dict.items()
        ]
    return error.messages
