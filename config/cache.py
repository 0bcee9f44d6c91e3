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
import pickle
import threading

import redis
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient, RedisSerializer
from django.db import router, transaction


class AtomicCounterDatabaseCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        with transaction.atomic(using=router.db_for_write(self.cache_model_class)):
            return super().incr(key, delta, version)


class _Serializer(RedisSerializer):
    """Django's Redis serializer (integers as they are, everything else pickled),
    reading a pickle without first trying it as an integer: `int()` of a pickled
    value fails only after building an error message from it, which cost about as
    much as unpickling it. Pickles of this protocol start with PROTO (0x80), which no
    integer's text does."""

    def loads(self, data):
        if data[:1] == pickle.PROTO:
            return pickle.loads(data)  # noqa: S301 (our own cache, as Django reads it)
        return super().loads(data)


class _ThreadRedis(redis.Redis):
    """redis-py's client over one thread's own connection, sending a command the way
    `Redis.execute_command` does (the connection's retry policy, a disconnect before
    each retry, a reconnect when the server asked for one) without the bookkeeping a
    client shared between threads needs: its lock, and the per-command metrics
    records of redis-py's observability, which this project does not switch on.
    That bookkeeping cost a third of redis-py's CPU per command (~12 of ~35 us)."""

    def execute_command(self, *args, **options):
        conn = self.connection
        try:
            return conn.retry.call_with_retry(
                lambda: self._send(conn, args, options), lambda _error: conn.disconnect()
            )
        finally:
            if conn.should_reconnect():
                conn.disconnect()
                conn.connect()

    def _send(self, conn, args, options):
        conn.send_command(*args, **options)
        return self.parse_response(conn, args[0], **options)


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
    Pipelines (set_many) still take their connection from the pool.

    `set` with an expiry sends its SET ... EX itself: redis-py's `set()` checks a dozen
    optional arguments (and a deprecation wrapper around them) on every call, which
    cost more than sending the command."""

    def __init__(self, *args, serializer=None, **kwargs) -> None:
        super().__init__(*args, serializer=serializer or _Serializer, **kwargs)
        self._client = _ThreadRedis
        self._local = threading.local()

    def set(self, key, value, timeout):
        if not timeout:  # 0 deletes, None never expires: Django's own way
            return super().set(key, value, timeout)
        client = self.get_client(key, write=True)
        client.execute_command("SET", key, self._serializer.dumps(value), "EX", timeout)

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
    RedisCache with the client above, and without the per-key check for memcached.

    Django checks every key of every call for what memcached refuses (over 250
    characters, spaces or control characters) and only warns; Redis takes any key,
    and our keys are fixed prefixes with digests and ids. The check read each of a
    token key's ~140 characters on every request."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ReusingRedisCacheClient

    def validate_key(self, key) -> None:
        pass
