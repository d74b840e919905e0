"""The Celery app. Configuration comes from Django settings under the CELERY_ namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planboard.settings")

app = Celery("planboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Features above the apps keep their tasks beside their code.
app.autodiscover_tasks(["planboard.transfer"])
