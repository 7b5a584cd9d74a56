"""The rate limits' counters: in Redis, shared by every web process, or in this process while Redis is away.

A Redis restart must not turn people away at the registration form. While the shared
cache fails, counting goes on in this process's memory (each process then allows the
limit on its own: looser, never shut), Redis is tried again every `RETRY_AFTER` seconds,
and the outage is logged once a minute, not for every request. A custom cache backend
(Django's documented extension point): django-ratelimit is told to use it by
`RATELIMIT_USE_CACHE`.
"""

import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER = 10  # seconds of counting in process memory before Redis is tried again
WARN_EVERY = 60  # seconds between two warnings of the same outage
COUNTER_LIFETIME = 60 * 60  # a counter restarted in process memory: as long as the longest window we use


class Outage:
    """When this process may try the shared cache again, and when it last said it was down."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.retry_at = 0.0
        self.warned_at = float("-inf")

    def shared_cache_may_answer(self) -> bool:
        return time.monotonic() >= self.retry_at

    def shared_cache_failed(self) -> None:
        now = time.monotonic()
        with self.lock:
            self.retry_at = now + RETRY_AFTER
            warn = now - self.warned_at >= WARN_EVERY
            if warn:
                self.warned_at = now
        if warn:
            logger.warning("the shared cache is unreachable; rate limits and pages use this process's memory meanwhile")


outage = Outage()  # one per process: every thread's cache object shares it


class SharedOrLocalCache(BaseCache):
    """OPTIONS: `SHARED` and `LOCAL`, the aliases of the shared cache and of the process's own."""

    def __init__(self, location, params) -> None:
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self.shared_alias, self.local_alias = options["SHARED"], options["LOCAL"]

    def _call(self, method: str, *args, **kwargs):
        if outage.shared_cache_may_answer():
            try:
                return getattr(caches[self.shared_alias], method)(*args, **kwargs)
            except (RedisError, OSError):
                outage.shared_cache_failed()
        return getattr(caches[self.local_alias], method)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def incr(self, key, delta=1, version=None):
        try:
            return self._call("incr", key, delta, version)
        except ValueError:
            # Started in the shared cache just before it failed (or expired there): go on from zero here.
            local = caches[self.local_alias]
            local.add(key, 0, COUNTER_LIFETIME, version)
            return local.incr(key, delta, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def clear(self):
        return self._call("clear")
