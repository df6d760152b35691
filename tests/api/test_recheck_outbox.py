"""The re-check outbox: a re-check asked for while the broker is down is kept and sent later.

The broker that is "down" is a Redis URL on a local port nothing listens on (the connection is
refused, as when Redis is stopped); the one that is back is the machine's Redis, on a queue of
this test's own, whose length shows what reached it.
"""

import os
import uuid
from datetime import timedelta

import pytest
import redis
from django.core.management import call_command
from django.utils import timezone

from contradict.celery import app as celery_app
from statements.models import Recheck, RecheckShard, RecheckStatus
from tests.api.utils import if_match

pytestmark = pytest.mark.django_db

BROKER_UP = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
BROKER_DOWN = "redis://127.0.0.1:1/0"  # port 1: nothing listens, every connection is refused


@pytest.fixture
def broker(settings):
    """Point the app at a broker; ``broker.use(url)`` switches it. Return the queue name."""
    saved = (celery_app.conf.broker_url, celery_app.conf.task_default_queue)
    queue = f"contradict-outbox-{uuid.uuid4().hex[:8]}"

    class Broker:
        name = queue

        def use(self, url):
            settings.CELERY_BROKER_URL = url
            celery_app.conf.broker_url = url
            celery_app.conf.task_default_queue = queue
            celery_app._after_fork()  # drop the pools holding the previous broker's connections

        def queued(self) -> int:
            return redis.Redis.from_url(BROKER_UP).llen(queue)

    broker = Broker()
    yield broker
    redis.Redis.from_url(BROKER_UP).delete(queue)
    celery_app.conf.broker_url, celery_app.conf.task_default_queue = saved
    celery_app._after_fork()


def age(recheck_ids, seconds=120):
    Recheck.objects.filter(pk__in=recheck_ids).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_a_recheck_asked_for_while_the_broker_is_down_is_accepted_and_sent_later(
    seeded, curator_api_client, broker, django_capture_on_commit_callbacks
):
    broker.use(BROKER_DOWN)
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_api_client.post("/api/rechecks/", {"shards": 3}, format="json")

    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["backend"], body["shards_total"]) == ("pending", "celery", 3)
    assert RecheckShard.objects.filter(recheck_id=body["id"], sent_at__isnull=True).count() == 3

    broker.use(BROKER_UP)
    call_command("rechecks_sweep", "--older-than", "60")
    assert broker.queued() == 0, "a re-check younger than the bound is left to its own dispatch"

    age([body["id"]])
    call_command("rechecks_sweep", "--older-than", "60")
    assert broker.queued() == 3
    assert not RecheckShard.objects.filter(recheck_id=body["id"], sent_at__isnull=True).exists()

    call_command("rechecks_sweep", "--older-than", "60")
    assert broker.queued() == 3, "a shard that reached the broker is not sent again at once"


def test_a_predicate_change_while_the_broker_is_down_keeps_its_recheck(
    seeded, curator_api_client, broker, django_capture_on_commit_callbacks
):
    broker.use(BROKER_DOWN)
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_api_client.patch(
            "/api/predicates/killed_count/",
            {"tolerance": 2},
            format="json",
            **if_match(curator_api_client, "/api/predicates/killed_count/"),
        )

    assert response.status_code == 200, response.content
    recheck = Recheck.objects.get()
    assert recheck.status == RecheckStatus.PENDING and "killed_count" in recheck.reason
    assert not recheck.shards.filter(sent_at__isnull=False).exists()

    broker.use(BROKER_UP)
    age([recheck.pk])
    call_command("rechecks_sweep")
    assert broker.queued() == recheck.shards_total > 0


def test_with_the_broker_up_shards_are_sent_once_the_request_commits(
    seeded, curator_api_client, broker, django_capture_on_commit_callbacks
):
    broker.use(BROKER_UP)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = curator_api_client.post("/api/rechecks/", {"shards": 2}, format="json")
        assert broker.queued() == 0, "nothing is sent before the commit"
    for callback in callbacks:
        callback()

    assert response.status_code == 202
    assert broker.queued() == 2
    assert RecheckShard.objects.filter(sent_at__isnull=False).count() == 2


def test_a_recheck_whose_finishing_was_cut_short_gets_one_shard_sent_again(seeded, broker):
    broker.use(BROKER_UP)
    long_ago = timezone.now() - timedelta(hours=1)

    def finished_shards(at, status=RecheckStatus.RUNNING):
        recheck = Recheck.objects.create(
            backend=Recheck.Backend.CELERY,
            status=status,
            shards_total=2,
            shards_done=2,
        )
        RecheckShard.objects.bulk_create(
            RecheckShard(recheck=recheck, index=index, spec={}, sent_at=at, finished_at=at)
            for index in range(2)
        )
        return recheck

    stalled = finished_shards(long_ago)
    failed = finished_shards(long_ago, status=RecheckStatus.FAILED)  # its rebuild failed for good
    finished_shards(timezone.now())  # its last shard may still be rebuilding the disputes

    call_command("rechecks_sweep")
    assert broker.queued() == 2, "one shard of each stalled re-check, which will finish it"

    Recheck.objects.filter(pk__in=[stalled.pk, failed.pk]).update(
        status=RecheckStatus.DONE, finished_at=timezone.now()
    )
    call_command("rechecks_sweep")
    assert broker.queued() == 2, "a finished re-check is not sent again"
