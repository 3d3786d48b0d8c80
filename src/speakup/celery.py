"""The Celery app. With no CELERY_BROKER_URL, tasks run inline (eager) in the caller."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "speakup.settings")

app = Celery("speakup")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
