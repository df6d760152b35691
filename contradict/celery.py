"""The Celery app: long re-checks run on workers when ``CELERY_BROKER_URL`` is set."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contradict.settings")

app = Celery("contradict")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
