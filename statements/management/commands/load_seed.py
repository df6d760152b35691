"""``manage.py load_seed [path]``: load a case from a seed file (idempotent) and print counts."""

from django.core.management.base import BaseCommand, CommandError

from statements.models import Conflict, ConflictStatus
from statements.seeding import SeedError, seed_load

DEFAULT_PATH = "seeds/kremenchuk.yaml"


class Command(BaseCommand):
    help = "Load a seed file (entities, predicates, statements, evidence) through the services."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=DEFAULT_PATH, help=f"default {DEFAULT_PATH}")

    def handle(self, *args, path, **options):
        try:
            report = seed_load(path)
        except SeedError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(report))
        live = Conflict.objects.exclude(status=ConflictStatus.RETRACTED).count()
        self.stdout.write(
            f"  conflicts on record: {live} (review them at /admin/statements/conflict/)"
        )
