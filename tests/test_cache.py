import os

import pytest
from django.core.cache import caches

pytestmark = pytest.mark.redis


def test_it_counts_in_redis_with_one_client_per_pool(settings):
    settings.CACHES = {"default": {"BACKEND": "wpsconf.cache.RedisCache", "LOCATION": os.environ["CELERY_BROKER_URL"]}}
    cache = caches["default"]
    key = "wpsconf-test-counter"
    cache.delete(key)

    assert cache.add(key, 0, 60)
    assert cache.incr(key) == 1
    assert cache.incr(key) == 2
    assert cache.get(key) == 2
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=False)
    cache.delete(key)


def test_incrementing_keeps_the_expiry_and_refuses_a_missing_key(settings):
    settings.CACHES = {"default": {"BACKEND": "wpsconf.cache.RedisCache", "LOCATION": os.environ["CELERY_BROKER_URL"]}}
    cache = caches["default"]
    key = "wpsconf-test-expiring-counter"
    cache.delete(key)

    with pytest.raises(ValueError, match="not found"):
        cache.incr(key)
    assert cache.get(key) is None  # a failed increment creates nothing

    cache.add(key, 1, 60)
    assert cache.incr(key, 5) == 6
    client = cache._cache.get_client(write=True)
    assert 0 < client.ttl(cache.make_and_validate_key(key)) <= 60
    cache.delete(key)
