"""Production's Redis cache: Django's own, with one redis-py client per pool."""

import os
import uuid

import pytest

from config.cache import RedisCache


def test_the_redis_client_is_built_once_not_per_call():
    cache = RedisCache("redis://127.0.0.1:6379/0", {})
    first = cache._cache.get_client("a")
    assert cache._cache.get_client("b", write=True) is first


@pytest.mark.redis
def test_the_reused_client_reads_and_counts():
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    cache.set("body", (("a", "b"), b"{}"), 30)
    assert cache.get_many(["body", "missing"]) == {"body": (("a", "b"), b"{}")}
    assert cache.add("window", 0, 30) is True
    assert [cache.incr("window") for _ in range(3)] == [1, 2, 3]
    cache.delete_many(["body", "window"])
