"""The product's URL conf plus /bench/insert/: mounted by bench.bench_settings only, never by wpsconf.urls."""

import uuid
from functools import cache

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from agenda.models import Conference, Room
from wpsconf.urls import urlpatterns as product_urlpatterns


@cache
def conference_id() -> int:
    """Looked up once per process, so the baseline is one INSERT (plus the middleware's query)."""
    return Conference.objects.current().pk


@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest) -> HttpResponse:
    """One row in one transaction: the floor a registration's cost is measured against."""
    with transaction.atomic():
        Room.objects.create(conference_id=conference_id(), name=uuid.uuid4().hex)
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/insert/", bare_insert, name="bench-insert"),
    *product_urlpatterns,
]
