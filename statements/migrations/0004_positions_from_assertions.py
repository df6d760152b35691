"""Give every assertion its position, and carry conflict reviews over to disputes.

Conflicts were pairs of assertions reviewed one by one; they become pairs of positions,
derived again by a full re-check (run ``manage.py conflicts_recheck`` after this migration).
The reviews are not lost: each group of positions that reviewed conflicts linked becomes a
dispute with a verdict (``unresolved`` if any of its conflicts was confirmed, else
``not_a_contradiction``) on exactly those positions, so the re-check keeps it while the group
stays the same, and re-opens it, saying why, if it has grown.
"""

from django.db import migrations
from django.utils import timezone

from contradict.engine.disputes import components
from statements.services.positions import position_key

COLUMNS = (
    "predicate_id",
    "subject_id",
    "object_id",
    "choice",
    "number",
    "number_high",
    "boolean",
    "comparator",
    "polarity",
    "valid_from",
    "valid_until",
    "time_precision",
)
BATCH = 1000


def positions_forward(apps, schema_editor):
    Assertion = apps.get_model("statements", "Assertion")
    Position = apps.get_model("statements", "Position")
    keys: dict[str, dict] = {}
    key_of: dict[int, str] = {}
    for row in Assertion.objects.order_by("id").values("id", *COLUMNS).iterator():
        pk = row.pop("id")
        key = position_key(row)
        keys.setdefault(key, row)
        key_of[pk] = key
    Position.objects.bulk_create(
        (Position(key=key, **columns) for key, columns in keys.items()), batch_size=BATCH
    )
    ids = dict(Position.objects.values_list("key", "id"))
    pending = []
    for pk, key in key_of.items():
        pending.append(Assertion(id=pk, position_id=ids[key]))
        if len(pending) >= BATCH:
            Assertion.objects.bulk_update(pending, ["position_id"])
            pending = []
    if pending:
        Assertion.objects.bulk_update(pending, ["position_id"])


def reviews_forward(apps, schema_editor):
    Assertion = apps.get_model("statements", "Assertion")
    Position = apps.get_model("statements", "Position")
    Conflict = apps.get_model("statements", "Conflict")
    Dispute = apps.get_model("statements", "Dispute")
    position_of = dict(Assertion.objects.values_list("id", "position_id"))
    rows = list(
        Conflict.objects.exclude(status="retracted").values(
            "assertion_a_id",
            "assertion_b_id",
            "review_decision",
            "review_note",
            "reviewed_by_id",
            "reviewed_at",
        )
    )
    edges = []
    reviews: dict[tuple[int, int], dict] = {}
    for row in rows:
        a, b = position_of[row["assertion_a_id"]], position_of[row["assertion_b_id"]]
        if a == b:
            continue
        edge = (min(a, b), max(a, b))
        edges.append(edge)
        if row["review_decision"]:
            reviews.setdefault(edge, row)
    keys = dict(Position.objects.values_list("id", "key"))
    now = timezone.now()
    for group in components(edges):
        members = set(group)
        reviewed = [row for edge, row in reviews.items() if edge[0] in members]
        if not reviewed:
            continue
        confirmed = any(row["review_decision"] == "confirmed" for row in reviewed)
        latest = max(reviewed, key=lambda row: row["reviewed_at"] or now)
        notes = [row["review_note"] for row in reviewed if row["review_note"]]
        dispute = Dispute.objects.create(
            title="(review carried over; re-check to refresh)",
            verdict="unresolved" if confirmed else "not_a_contradiction",
            status="reviewed" if confirmed else "dismissed",
            verdict_note="\n".join(dict.fromkeys(notes)),
            reviewed_by_id=latest["reviewed_by_id"],
            reviewed_at=latest["reviewed_at"],
            reviewed_positions=sorted(keys[pk] for pk in group),
            last_activity_at=now,
        )
        Position.objects.filter(id__in=group).update(dispute=dispute)
    # The pairs of assertions go; a re-check derives the pairs of positions.
    Conflict.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("statements", "0003_positions_and_disputes")]

    operations = [
        migrations.RunPython(positions_forward, migrations.RunPython.noop),
        migrations.RunPython(reviews_forward, migrations.RunPython.noop),
    ]
