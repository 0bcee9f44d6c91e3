"""The project's cache backends: Redis in production, the database when embedded.

A database cache whose counters are atomic across processes, for the embedded run.

Django's DatabaseCache increments with a read and a separate write, so two web
processes counting one sign-in failure at once could both read 3 and write 4. The
embedded run has no Redis but serves from two gunicorn processes; wrapping the
increment in a transaction makes it one step there: the SQLite database is opened
with `transaction_mode=IMMEDIATE`, so the transaction takes the write lock before
it reads. Production uses Redis, where INCR is atomic by itself.
"""

import os
import threading

from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import router, transaction


class AtomicCounterDatabaseCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        with transaction.atomic(using=router.db_for_write(self.cache_model_class)):
            return super().incr(key, delta, version)


class _ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one redis-py client per thread and pool,
    each holding one connection of its own.

    Django builds a new `redis.Redis` for every cache call, and its constructor
    fills a table of ~170 response callbacks each time: on GET /me/today that cost
    more than the Redis round trip itself. And a client over the shared pool takes
    a connection from it and gives it back on every command (two locks and a poll
    of the socket each time): about a third of redis-py's CPU per command on the
    first read of /me/today after an edit, which sends four. So each thread keeps
    its own client with a connection of its own (`single_connection_client`, not
    thread-safe, hence one per thread), built again in a forked child (gunicorn's
    preloaded workers, Celery's pool) so no socket is shared across processes.
    Pipelines (set_many) still take their connection from the pool."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._local = threading.local()

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = getattr(self._local, "clients", None)
        if clients is None or self._local.pid != os.getpid():
            clients = self._local.clients = {}
            self._local.pid = os.getpid()
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(
                connection_pool=pool, single_connection_client=True
            )
        return client


class RedisCache(DjangoRedisCache):
    """The shared cache of production (throttles, today's body): Django's own
    RedisCache with the client above."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ReusingRedisCacheClient
