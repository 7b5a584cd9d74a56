"""Kombu's Redis transport, publishing through one client per channel.

Kombu builds a new `redis.Redis` for every message it publishes; building one (its table
of response callbacks) cost a quarter of queueing an email. A client over the channel's
own connection pool is safe to keep: redis-py clients are thread-safe over a pool.
Settings use it for `redis://` brokers only (`rediss://` keeps kombu's own TLS set-up).
"""

from contextlib import contextmanager

from kombu.transport import redis


class Channel(redis.Channel):
    _publishing_client = None

    @contextmanager
    def conn_or_acquire(self, client=None):
        if client is not None:
            yield client
            return
        # Kombu drops its pool after a fork or a reconnection: follow it to the new one.
        if self._publishing_client is None or self._publishing_client.connection_pool is not self.pool:
            self._publishing_client = self._create_client()
        yield self._publishing_client


class Transport(redis.Transport):
    Channel = Channel
