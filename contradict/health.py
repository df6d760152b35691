"""Health endpoints for a load balancer or an orchestrator (django-health-check).

- ``/health/live``: the process answers; nothing else is checked, so a slow database never
  gets a healthy worker restarted.
- ``/health/ready``: the database answers, every migration is applied, and, when
  ``CELERY_BROKER_URL`` is set, the broker accepts a connection. 200 when all hold, else 503,
  with one ``"check": "OK" | "Unavailable: why"`` entry per check in JSON either way.
"""

import asyncio
import dataclasses
import datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


@dataclasses.dataclass
class Migrations(HealthCheck):
    """Fail while a migration is not applied (a deploy that forgot ``migrate``)."""

    alias: str = DEFAULT_DB_ALIAS

    def run(self):
        connection = connections[self.alias]
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        finally:
            # The check runs in a worker thread: do not leave its connection open.
            if not connection.in_atomic_block:
                connection.close()
        if plan:
            raise ServiceUnavailable(f"{len(plan)} migration(s) not applied")


@dataclasses.dataclass
class Broker(HealthCheck):
    """Fail when the Celery broker refuses a connection (re-checks could not be dispatched)."""

    timeout = datetime.timedelta(seconds=3)

    def run(self):
        from contradict.celery import app

        url = settings.CELERY_BROKER_URL
        try:
            with app.connection_for_write(url=url, connect_timeout=2) as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
        except Exception as exc:
            # Never the URL: it may hold a password.
            raise ServiceUnavailable(f"broker unreachable ({type(exc).__name__})") from exc


class HealthView(HealthCheckView):
    """Run the checks; answer JSON, 200 when every one passes, else 503."""

    checks = ()

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            self.results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        failed = any(result.error for result in self.results)
        return self.render_to_response_json(503 if failed else 200)


class ReadyView(HealthView):
    """Ready to serve: database, migrations, and the broker if one is configured."""

    checks = ("health_check.checks.Database", Migrations)

    def get_checks(self):
        yield from super().get_checks()
        if settings.CELERY_BROKER_URL:
            yield Broker()
