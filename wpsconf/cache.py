"""Django's Redis cache, keeping its client objects and counting in one atomic step.

Django builds a new `redis.Redis` for every cache call; building one costs more CPU than
the round trip itself, and every rate-limited post makes two calls. One client per
connection pool is safe to share: redis-py clients are thread-safe over a pool.

Django's `incr` asks whether the key exists, then increments it: two round trips, and a
key that expires between them comes back as a counter without an expiry, which would
rate-limit an address for good. Here one script does both, atomically.
"""

from django.core.cache.backends import redis

# Increment only a key that exists (it keeps its expiry); nil for a missing one.
INCREMENT_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return nil
"""


class ReusedClientRedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._scripts = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def incr(self, key, delta):
        client = self.get_client(key, write=True)
        script = self._scripts.get(id(client))
        if script is None:
            script = self._scripts[id(client)] = client.register_script(INCREMENT_EXISTING)
        value = script(keys=[key], args=[delta])
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


class RedisCache(redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
