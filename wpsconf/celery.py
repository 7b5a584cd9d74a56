import os

from celery import Celery
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wpsconf.settings")

app = Celery("wpsconf")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def refuse_tasks_in_the_web_process() -> None:
    """A web server in production needs a broker: tasks run in a request would make it slow, and
    their timing would tell what they did (whether an address is registered, for one)."""
    if settings.CELERY_TASK_ALWAYS_EAGER and not settings.DEBUG and not settings.TASKS_IN_THE_WEB_PROCESS:
        raise ImproperlyConfigured(
            "CELERY_BROKER_URL is not set. With DEBUG off, the site needs a broker (e.g. "
            "redis://127.0.0.1:6379/0) and a Celery worker; only DEBUG=on runs tasks in the web process."
        )
