"""Send one delivery: sign the body, check where it goes, POST it, record what happened.

The signature is ``X-Contradict-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">``
with the subscriber's secret; a receiver recomputes it and refuses an old ``t`` (replays).
The host is resolved here and every address checked: private, loopback, link-local and other
non-public addresses are refused unless ``CONTRADICT_WEBHOOKS_ALLOW_PRIVATE``, and the
connection goes to the address that was checked, so a name that resolves differently the
second time (DNS rebinding) cannot reach an inner host.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from statements.webhooks.models import DeliveryStatus, WebhookDelivery

SIGNATURE_HEADER = "X-Contradict-Signature"
USER_AGENT = "contradict-webhooks/1"


class Refused(Exception):
    """The URL may not be delivered to (a private address, say): no retry will change that."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Return the signature header's value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def body_of(delivery: WebhookDelivery) -> bytes:
    """Return the exact bytes sent (and signed) for ``delivery``."""
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(url: str) -> tuple[str, int, str]:
    """Return the URL's scheme, port and the one address to connect to; refuse a bad one.

    Every address the host resolves to is checked, so a name with one public and one private
    address is refused.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"Only http and https URLs with a host are delivered to: {url[:200]}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise OSError(f"Cannot resolve {parts.hostname}: {error}") from error
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not settings.CONTRADICT_WEBHOOKS_ALLOW_PRIVATE:
        private = [address for address in addresses if not _public(address)]
        if private:
            raise Refused(
                f"{parts.hostname} resolves to a non-public address ({', '.join(private)}); "
                "set CONTRADICT_WEBHOOKS_ALLOW_PRIVATE to deliver there."
            )
    return parts.scheme, port, addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # The certificate is checked against the host name, not the address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST ``body`` to ``url`` at its checked address; return the response status."""
    scheme, port, address = resolve(url)
    parts = urlsplit(url)
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(parts.hostname, port, address, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # enough to free the connection; the body is not kept
        return response.status
    finally:
        connection.close()


def backoff(attempts: int) -> timedelta:
    """Return the wait after the ``attempts``-th failure: base, 2x base, 4x base... capped."""
    base = settings.CONTRADICT_WEBHOOK_BACKOFF_SECONDS
    return timedelta(seconds=min(base * 2 ** (attempts - 1), 6 * 3600))


@dataclass(frozen=True)
class Attempt:
    delivery: WebhookDelivery
    retry_in: timedelta | None  # when to try again, or None (delivered, refused, given up)


def webhook_attempt(*, delivery_id: int) -> Attempt | None:
    """Make one attempt at a delivery that is still due; record its outcome.

    Return None when there is nothing to do (delivered already, or gone). The row is locked
    for the attempt, so two workers never send the same delivery at once.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("subscriber")
            .filter(pk=delivery_id, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING])
            .first()
        )
        if delivery is None:
            return None
        subscriber = delivery.subscriber
        delivery.attempts += 1
        retry_in = None
        if not subscriber.active:
            delivery.status, delivery.last_error = DeliveryStatus.FAILED, "Subscriber inactive."
            delivery.next_attempt_at = None
            delivery.save()
            return Attempt(delivery, None)
        body = body_of(delivery)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Contradict-Event": delivery.event,
            "X-Contradict-Delivery": str(delivery.pk),
            SIGNATURE_HEADER: sign(subscriber.secret, int(time.time()), body),
        }
        try:
            code = post(subscriber.url, body, headers, settings.CONTRADICT_WEBHOOK_TIMEOUT_SECONDS)
        except Refused as error:
            delivery.status, delivery.last_error = DeliveryStatus.REFUSED, str(error)
            delivery.response_code = None
        except (OSError, http.client.HTTPException) as error:
            delivery.response_code = None
            delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
            retry_in = backoff(delivery.attempts)
        else:
            delivery.response_code = code
            if 200 <= code < 300:
                delivery.status, delivery.last_error = DeliveryStatus.DELIVERED, ""
                delivery.delivered_at = timezone.now()
            else:
                delivery.last_error = f"The subscriber answered {code}."
                retry_in = backoff(delivery.attempts)
        if retry_in is not None:
            if delivery.attempts >= settings.CONTRADICT_WEBHOOK_MAX_ATTEMPTS:
                delivery.status, retry_in = DeliveryStatus.FAILED, None
            else:
                delivery.status = DeliveryStatus.RETRYING
        delivery.next_attempt_at = timezone.now() + retry_in if retry_in else None
        delivery.save()
        return Attempt(delivery, retry_in)
