"""``manage.py load_seed [path]``: load a case from a seed file (idempotent) and print counts."""

from django.core.management.base import BaseCommand, CommandError

from statements.management.progress import progress
from statements.models import Conflict, ConflictStatus, Dispute, DisputeStatus, Position
from statements.seeding import SeedError, seed_load

DEFAULT_PATH = "seeds/kremenchuk.yaml"


class Command(BaseCommand):
    help = "Load a seed file (entities, predicates, statements, evidence) through the services."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=DEFAULT_PATH, help=f"default {DEFAULT_PATH}")

    def handle(self, *args, path, **options):
        try:
            with progress(unit="record", desc="seed", enabled=options["verbosity"] >= 1) as bar:
                report = seed_load(path, progress=bar)
        except SeedError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(report))
        live = Conflict.objects.exclude(status=ConflictStatus.RETRACTED).count()
        disputes = Dispute.objects.exclude(status=DisputeStatus.RETRACTED)
        self.stdout.write(
            f"  on record: {Position.objects.count()} positions, {live} conflicts between them, "
            f"{disputes.count()} disputes (review them at /admin/statements/dispute/)"
        )
        for dispute in disputes.order_by("-score", "title"):
            self.stdout.write(f"    {dispute.status:9} {dispute.score:.2f}  {dispute.title}")
