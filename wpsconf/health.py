"""`/healthz`: can this process reach its database and its Celery broker, and is mail going out?

Apps add figures for monitoring to alert on (`register`): the outbox reports `due`, its
emails not sent yet, and `oldest_seconds`, the age of the oldest. Figures never make the
answer 503: the site itself is serving.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wpsconf.celery import app as celery_app

logger = logging.getLogger(__name__)


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("health check: database unreachable")
        return "down"
    return "ok"


def broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    try:
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)
    except Exception:  # kombu raises transport-specific errors; any of them means "down"
        logger.warning("health check: broker unreachable", exc_info=True)
        return "down"
    return "ok"


FIGURES: dict[str, Callable[[], object]] = {}


def register(name: str, figures: Callable[[], object]) -> None:
    """An app's figures in the report, read from the database (called from its AppConfig.ready)."""
    FIGURES[name] = figures


def figures_or_unknown(figures: Callable[[], object]) -> object:
    try:
        return figures()
    except DatabaseError:
        return "unknown"


@never_cache
@require_GET
def healthz(request):
    report = {"database": database_status(), "broker": broker_status()}
    healthy = all(value != "down" for value in report.values())
    for name, figures in FIGURES.items():
        report[name] = figures_or_unknown(figures) if report["database"] == "ok" else "unknown"
    return JsonResponse(report, status=200 if healthy else 503)
