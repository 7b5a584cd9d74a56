"""Rate limits count in Redis, shared by every web process, through Django's own Redis cache."""

import os

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from registration.views import over_rate_limit

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CELERY_BROKER_URL"],
            "KEY_PREFIX": f"wpsconf-test-{os.getpid()}",
        }
    }
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def test_the_limit_holds_and_its_counter_expires(redis_cache, settings):
    settings.REGISTRATION_RATE_LIMIT = "3/h"
    post = RequestFactory().post("/register/", REMOTE_ADDR="203.0.113.9")

    answers = [over_rate_limit(post, "register") for _ in range(5)]

    assert answers == [False, False, False, True, True]
    client = redis_cache._cache.get_client(write=True)
    keys = client.keys(f"wpsconf-test-{os.getpid()}:*")
    assert len(keys) == 1
    assert 0 < client.ttl(keys[0]) <= 60 * 60 + 60  # never a counter that blocks an address for good
