"""Write a synthetic corpus of N assertions, the same for the same seed number."""

from django.core.management.base import BaseCommand, CommandError

from statements.management.progress import progress
from statements.synthetic import CorpusGenerator, CorpusShape


class Command(BaseCommand):
    help = (
        "Generate a synthetic corpus (entities, predicates, exclusion rules, statements, "
        "evidence and N assertions with a known share of clashes) with bulk inserts. "
        "Run conflicts_recheck afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("assertions", type=int, help="How many assertions to write.")
        parser.add_argument("--seed", type=int, default=1, help="Seed number (default 1).")
        parser.add_argument(
            "--clash-share", type=float, default=0.02, help="Share of assertions that clash."
        )

    def handle(self, *args, assertions, seed, clash_share, **options):
        if assertions < 1:
            raise CommandError("assertions must be at least 1.")
        if not 0 <= clash_share <= 1:
            raise CommandError("--clash-share must be between 0 and 1.")
        shape = CorpusShape(assertions=assertions, seed=seed, clash_share=clash_share)
        with progress(
            total=assertions, unit="assertion", desc="corpus", enabled=options["verbosity"] >= 1
        ) as bar:
            report = CorpusGenerator(shape, progress=bar.update).run()
        self.stdout.write(
            f"entities {report.entities}, predicates {report.predicates}, "
            f"exclusion rules {report.exclusion_rules}, statements {report.statements}, "
            f"evidence {report.evidence}, assertions {report.assertions}"
        )
