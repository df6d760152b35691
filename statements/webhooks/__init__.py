"""Webhooks: signed notices to curator-managed subscribers when disputes and conflicts change.

``models`` the subscribers and deliveries; ``events`` records what a transaction did, as
deliveries, and dispatches them once it commits; ``delivery`` signs and sends one, refusing
private addresses; ``tasks`` retries on Celery with backoff.
"""
