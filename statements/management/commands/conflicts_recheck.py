"""Re-check every assertion (or one shard) and print what changed."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from statements.services.conflicts import Shard, conflicts_recheck, conflicts_recheck_total


class Command(BaseCommand):
    help = (
        "Re-check the whole record for conflicts (after a predicate or exclusion rule changed), "
        "with a progress bar; print found, new, retracted and unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument("--subject-from", type=int, help="First subject id of a shard.")
        parser.add_argument("--subject-to", type=int, help="Subject id after a shard's last.")
        parser.add_argument(
            "--generic", action="store_true", help="Re-check only the generic claims shard."
        )

    def handle(self, *args, subject_from=None, subject_to=None, generic=False, **options):
        shard = None
        if generic or subject_from is not None or subject_to is not None:
            shard = Shard(subject_from=subject_from, subject_to=subject_to, generic=generic)
        total = conflicts_recheck_total(shard=shard)
        with tqdm(
            total=total, unit="assertion", disable=options["verbosity"] < 1, file=self.stderr
        ) as bar:
            counts = conflicts_recheck(shard=shard, progress=bar.update)
        self.stdout.write(
            f"found {counts.found}, new {counts.new}, retracted {counts.retracted}, "
            f"unchanged {counts.unchanged}, restored {counts.restored}"
        )
