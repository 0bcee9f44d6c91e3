"""The project's cache backends: Redis in production, the database when embedded.

A database cache whose counters are atomic across processes, for the embedded run.

Django's DatabaseCache increments with a read and a separate write, so two web
processes counting one sign-in failure at once could both read 3 and write 4. The
embedded run has no Redis but serves from two gunicorn processes; wrapping the
increment in a transaction makes it one step there: the SQLite database is opened
with `transaction_mode=IMMEDIATE`, so the transaction takes the write lock before
it reads. Production uses Redis, where INCR is atomic by itself.
"""

from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import router, transaction


class AtomicCounterDatabaseCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        with transaction.atomic(using=router.db_for_write(self.cache_model_class)):
            return super().incr(key, delta, version)


class _ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one redis-py client per connection pool.

    Django builds a new `redis.Redis` for every cache call, and its constructor
    fills a table of ~170 response callbacks each time: on GET /me/today that cost
    more than the Redis round trip itself. A client over a pool is safe to share
    (the pool hands each command a connection), so it is built once per pool."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """The shared cache of production (throttles, today's body): Django's own
    RedisCache with the client above."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ReusingRedisCacheClient
