"""Kombu's Redis transport, publishing through one client per channel.

Kombu builds a new `redis.Redis` for every message it publishes; building one (its table
of response callbacks) cost a quarter of queueing an email. A client over the channel's
own connection pool is safe to keep: redis-py clients are thread-safe over a pool.
Settings use it for `redis://` brokers only (`rediss://` keeps kombu's own TLS set-up).
"""

from contextlib import contextmanager

from kombu.transport import redis
from kombu.utils.objects import cached_property


class Channel(redis.Channel):
    @cached_property
    def publishing_client(self):
        return self._create_client()

    @contextmanager
    def conn_or_acquire(self, client=None):
        yield client or self.publishing_client


class Transport(redis.Transport):
    Channel = Channel
