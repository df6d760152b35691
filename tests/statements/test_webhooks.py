"""Webhooks: signed deliveries to a local receiver, retries with backoff, refused addresses."""

import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from contradict.celery import app as celery_app
from statements.models import Conflict, Dispute, Verdict
from statements.seeding import seed_load
from statements.services import dispute_review
from statements.services.findings import conflicts_retract
from statements.webhooks.delivery import Refused, resolve
from statements.webhooks.events import webhook_deliveries_retry_due, webhook_dispatch
from statements.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from statements.webhooks.services import webhook_subscriber_create
from tests.api.utils import if_match
from tests.conftest import SEED_PATH

SECRET = "test-secret-that-is-long-enough"


class Receiver:
    """An HTTP server on 127.0.0.1 that records each POST and answers the scripted codes."""

    def __init__(self):
        self.requests: list[dict] = []
        self.codes: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                code = receiver.codes.pop(0) if receiver.codes else 200
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/contradict"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def allow_private(settings):
    settings.CONTRADICT_WEBHOOKS_ALLOW_PRIVATE = True


def verify(request, secret=SECRET, tolerance=300) -> dict:
    """Check a delivery as a receiver should: the HMAC of "t.body" and a recent t."""
    parts = dict(
        item.split("=", 1) for item in request["headers"]["X-Contradict-Signature"].split(",")
    )
    expected = hmac.new(
        secret.encode(), parts["t"].encode() + b"." + request["body"], hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected)
    assert abs(time.time() - int(parts["t"])) < tolerance
    return json.loads(request["body"])


def subscribe(url, events=tuple(WebhookEvent.values)):
    return webhook_subscriber_create(name="newsroom", url=url, events=list(events), secret=SECRET)


def test_disputes_opened_by_a_load_are_delivered_signed_once_it_commits(
    db, receiver, allow_private, django_capture_on_commit_callbacks
):
    subscribe(receiver.url, [WebhookEvent.DISPUTE_OPENED])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        seed_load(SEED_PATH)
        assert receiver.requests == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert receiver.requests, "no delivery"
    opened = [verify(request) for request in receiver.requests]
    assert {body["event"] for body in opened} == {"dispute.opened"}
    ids = {item["id"] for body in opened for item in body["data"]["disputes"]}
    assert ids == set(Dispute.objects.values_list("id", flat=True))
    first = receiver.requests[0]["headers"]
    assert first["X-Contradict-Event"] == "dispute.opened"
    assert first["Content-Type"] == "application/json"
    delivery = WebhookDelivery.objects.get(pk=int(first["X-Contradict-Delivery"]))
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 200)


def test_a_tampered_body_fails_the_signature_check(db, receiver, allow_private):
    subscriber = subscribe(receiver.url)
    delivery = WebhookDelivery.objects.create(
        subscriber=subscriber, event="dispute.changed", payload={"data": {"disputes": []}}
    )
    webhook_dispatch(delivery_ids=[delivery.pk])
    (request,) = receiver.requests
    verify(request)
    with pytest.raises(AssertionError):
        verify({**request, "body": request["body"].replace(b"[]", b"[1]")})
    with pytest.raises(AssertionError):
        verify(request, secret="another-secret-entirely")


def test_a_failed_delivery_is_retried_after_its_backoff(db, receiver, allow_private, settings):
    settings.CONTRADICT_WEBHOOK_BACKOFF_SECONDS = 30
    subscriber = subscribe(receiver.url)
    delivery = WebhookDelivery.objects.create(
        subscriber=subscriber, event="dispute.changed", payload={"data": {"disputes": [1]}}
    )
    receiver.codes = [500]
    webhook_dispatch(delivery_ids=[delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("retrying", 1, 500)
    assert "500" in delivery.last_error
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=25) < wait <= timedelta(seconds=30)
    assert webhook_deliveries_retry_due() == 0  # not due yet

    assert webhook_deliveries_retry_due(now=timezone.now() + timedelta(seconds=31)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 2, 200)
    assert delivery.last_error == ""
    first, second = receiver.requests
    assert first["body"] == second["body"]
    verify(second)


def test_backoff_doubles_and_a_delivery_gives_up_after_the_last_attempt(
    db, receiver, allow_private, settings
):
    settings.CONTRADICT_WEBHOOK_MAX_ATTEMPTS = 3
    settings.CONTRADICT_WEBHOOK_BACKOFF_SECONDS = 10
    delivery = WebhookDelivery.objects.create(
        subscriber=subscribe(receiver.url), event="dispute.changed", payload={}
    )
    receiver.codes = [502, 502, 502]
    waits = []
    for _ in range(3):
        webhook_dispatch(delivery_ids=[delivery.pk])
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            waits.append(round((delivery.next_attempt_at - timezone.now()).total_seconds()))
    assert waits == [10, 20]
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert len(receiver.requests) == 3


def test_celery_retries_a_failed_delivery(db, receiver, allow_private):
    delivery = WebhookDelivery.objects.create(
        subscriber=subscribe(receiver.url), event="dispute.changed", payload={"n": 1}
    )
    receiver.codes = [503]
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with override_settings(CELERY_BROKER_URL="memory://"):
            webhook_dispatch(delivery_ids=[delivery.pk])
    finally:
        celery_app.conf.task_always_eager = eager
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert len(receiver.requests) == 2


def test_a_loopback_address_is_refused_unless_allowed(db, receiver, settings):
    settings.CONTRADICT_WEBHOOKS_ALLOW_PRIVATE = False
    delivery = WebhookDelivery.objects.create(
        subscriber=subscribe(receiver.url), event="dispute.changed", payload={}
    )
    webhook_dispatch(delivery_ids=[delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.REFUSED
    assert "non-public address (127.0.0.1)" in delivery.last_error
    assert delivery.next_attempt_at is None
    assert receiver.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:8650/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://localhost:8650/hook",
        "http://0.0.0.0/hook",
        "ftp://example.org/hook",
    ],
)
def test_private_link_local_and_odd_addresses_are_refused(settings, url):
    settings.CONTRADICT_WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(Refused):
        resolve(url)


def test_a_review_and_a_retraction_are_delivered(
    db, receiver, allow_private, curator, django_capture_on_commit_callbacks
):
    seed_load(SEED_PATH)
    subscribe(receiver.url, [WebhookEvent.DISPUTE_REVIEWED, WebhookEvent.CONFLICT_RETRACTED])
    dispute = Dispute.objects.order_by("id").first()
    conflict = Conflict.objects.order_by("id").first()
    with django_capture_on_commit_callbacks(execute=True):
        dispute_review(
            dispute=dispute, verdict=Verdict.UNRESOLVED, note="Needs a source.", reviewer=curator
        )
    with django_capture_on_commit_callbacks(execute=True):
        conflicts_retract([conflict.pk])
    reviewed, retracted = (verify(request) for request in receiver.requests)
    (item,) = reviewed["data"]["disputes"]
    assert reviewed["event"] == "dispute.reviewed"
    assert (item["id"], item["verdict"], item["verdict_note"]) == (
        dispute.pk,
        "unresolved",
        "Needs a source.",
    )
    assert item["reviewed_by"] == "curator"
    assert retracted["event"] == "conflict.retracted"
    assert [c["id"] for c in retracted["data"]["conflicts"]] == [conflict.pk]


def test_a_rolled_back_change_notifies_no_one(db, receiver, allow_private, curator):
    seed_load(SEED_PATH)
    subscribe(receiver.url)
    dispute = Dispute.objects.first()
    with pytest.raises(RuntimeError), transaction.atomic():
        dispute_review(dispute=dispute, verdict=Verdict.UNRESOLVED, reviewer=curator)
        raise RuntimeError
    assert not WebhookDelivery.objects.exists()


def test_curators_manage_subscribers_and_the_secret_is_never_shown_back(curator):
    from knox.models import AuthToken

    client = APIClient()
    assert client.get("/api/webhooks/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=curator)[1]}")
    created = client.post(
        "/api/webhooks/",
        {"name": "desk", "url": "https://hooks.example.org/c", "events": ["dispute.opened"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    secret = body["secret"]  # generated: shown this once
    assert secret.startswith("whsec_") and body["secret_hint"] == f"…{secret[-4:]}"
    shown = client.get(f"/api/webhooks/{body['id']}/").json()
    assert "secret" not in shown and secret not in json.dumps(shown)
    changed = client.patch(
        f"/api/webhooks/{body['id']}/",
        {"secret": "a-new-secret-of-my-own"},
        format="json",
        **if_match(client, f"/api/webhooks/{body['id']}/"),
    )
    assert "a-new-secret-of-my-own" not in json.dumps(changed.json())
    bad = client.post(
        "/api/webhooks/",
        {"name": "x", "url": "https://h.example.org", "events": ["dispute.exploded"]},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["attr"] == "events.0"
    deliveries = client.get(f"/api/webhooks/{body['id']}/deliveries/")
    assert deliveries.json()["count"] == 0


def test_a_reader_who_is_no_curator_cannot_see_subscribers(db):
    from django.contrib.auth import get_user_model
    from knox.models import AuthToken

    reader = get_user_model().objects.create_user(username="reader", password="pw-reader-1")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=reader)[1]}")
    assert client.get("/api/webhooks/").status_code == 403


def test_each_subscriber_gets_only_its_events_and_nothing_is_rendered_for_the_unsubscribed(db):
    from statements.webhooks.events import webhook_events_emit_each

    opened = webhook_subscriber_create(
        name="opened", url="https://a.example/h", events=["dispute.opened"], secret=SECRET
    )
    changed = webhook_subscriber_create(
        name="changed", url="https://b.example/h", events=["dispute.changed"], secret=SECRET
    )
    rendered = []

    def render(item):
        rendered.append(item)
        return {"id": item}

    made = webhook_events_emit_each(
        kind="disputes",
        items_by_event={
            WebhookEvent.DISPUTE_OPENED: [1, 2],
            WebhookEvent.DISPUTE_CHANGED: [3],
            WebhookEvent.DISPUTE_REVIEWED: [4],  # no one subscribes
        },
        render=render,
    )
    assert made == 2
    sent = {
        (d.subscriber_id, d.event, tuple(i["id"] for i in d.payload["data"]["disputes"]))
        for d in WebhookDelivery.objects.all()
    }
    assert sent == {(opened.pk, "dispute.opened", (1, 2)), (changed.pk, "dispute.changed", (3,))}
    assert sorted(rendered) == [1, 2, 3]
