"""Production's Redis cache: Django's own, with one redis-py client per thread and
pool, each on a connection of its own."""

import os
import threading
import uuid

import pytest

from config import cache as cache_module
from config.cache import RedisCache


@pytest.mark.redis
def test_the_redis_client_is_built_once_per_thread_and_process(monkeypatch):
    cache = RedisCache(os.environ["REDIS_URL"], {})
    first = cache._cache.get_client("a")
    assert cache._cache.get_client("b", write=True) is first
    others = []
    thread = threading.Thread(target=lambda: others.append(cache._cache.get_client("a")))
    thread.start()
    thread.join()
    assert others[0] is not first
    assert others[0].connection is not first.connection
    pid = os.getpid()
    monkeypatch.setattr(cache_module.os, "getpid", lambda: pid + 1)  # as in a forked child
    assert cache._cache.get_client("a") is not first


@pytest.mark.redis
def test_the_reused_client_reads_and_counts():
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    cache.set("body", (("a", "b"), b"{}"), 30)
    assert cache.get_many(["body", "missing"]) == {"body": (("a", "b"), b"{}")}
    assert cache.add("window", 0, 30) is True
    assert [cache.incr("window") for _ in range(3)] == [1, 2, 3]
    cache.delete_many(["body", "window"])
