"""Parts around the app fail while it runs: a visitor sees a delay at worst, never an error page.

Each test starts its own services on spare ports (tests/processes.py) and stops them by
PID; the machine's own Redis and PostgreSQL are never touched.
"""

import logging

import pytest

from tests.factories import registration_details
from tests.processes import own_redis
from wpsconf import rate_limit_cache

pytestmark = pytest.mark.faults


@pytest.fixture
def redis_for_rate_limits(settings, tmp_path, monkeypatch):
    """The production cache set-up, on a Redis of the test's own."""
    monkeypatch.setattr(rate_limit_cache, "outage", rate_limit_cache.Outage())
    with own_redis(tmp_path) as redis:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis.url,
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            },
            "process": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fault-test"},
            "rate_limits": {
                "BACKEND": "wpsconf.rate_limit_cache.SharedOrLocalCache",
                "OPTIONS": {"SHARED": "default", "LOCAL": "process"},
            },
        }
        settings.RATELIMIT_USE_CACHE = settings.COUNTERS_CACHE = "rate_limits"
        yield redis


def shared_counters(own) -> list:
    import redis

    return redis.Redis.from_url(own.url).keys("*")


def register(client, number: int):
    return client.post("/register/", registration_details(email=f"person{number}@example.org"))


def test_registration_goes_on_while_redis_is_down_and_the_limit_still_holds(
    client, registration_open, redis_for_rate_limits, settings, caplog
):
    settings.REGISTRATION_RATE_LIMIT = "4/h"
    assert register(client, 1).status_code == 302
    assert len(shared_counters(redis_for_rate_limits)) == 1  # counted in Redis while it is up

    redis_for_rate_limits.stop()
    with caplog.at_level(logging.WARNING, logger="wpsconf.rate_limit_cache"):
        answers = [register(client, number).status_code for number in range(2, 8)]

    assert answers[:4] == [302, 302, 302, 302]  # nobody is turned away for the outage
    assert set(answers[4:]) == {429}  # this process keeps counting: the limit still holds
    warnings = [record for record in caplog.records if record.name == "wpsconf.rate_limit_cache"]
    assert len(warnings) == 1  # one line for the outage, not one per request


def test_counting_returns_to_redis_when_it_is_back(client, registration_open, redis_for_rate_limits, monkeypatch):
    monkeypatch.setattr(rate_limit_cache, "RETRY_AFTER", 0)
    redis_for_rate_limits.stop()
    assert register(client, 1).status_code == 302  # counted in the process

    redis_for_rate_limits.start()  # empty: restarted without persistence
    assert register(client, 2).status_code == 302

    assert len(shared_counters(redis_for_rate_limits)) == 1  # the second registration was counted in Redis again
