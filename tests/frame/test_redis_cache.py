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


@pytest.fixture
def fresh_cache():
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield cache
    cache.delete_many(["body", "forever", "gone", "n", "key with spaces " + "x" * 300])


@pytest.mark.redis
def test_set_expires_as_django_sets_it(fresh_cache):
    client = fresh_cache._cache.get_client(None)
    fresh_cache.set("body", {"a": [1, 2]}, 30)
    fresh_cache.set("forever", "kept", None)
    fresh_cache.set("gone", "x", 30)
    fresh_cache.set("gone", "x", 0)  # a timeout of 0 deletes
    assert fresh_cache.get_many(["body", "forever", "gone"]) == {
        "body": {"a": [1, 2]},
        "forever": "kept",
    }
    assert 0 < client.ttl(fresh_cache.make_key("body")) <= 30
    assert client.ttl(fresh_cache.make_key("forever")) == -1


@pytest.mark.redis
def test_integers_stay_numbers_and_any_key_is_taken_without_a_warning(fresh_cache, recwarn):
    fresh_cache.set("n", 41, 30)
    assert fresh_cache.incr("n") == 42
    assert fresh_cache.get("n") == 42
    long_key = "key with spaces " + "x" * 300  # past memcached's 250 characters
    fresh_cache.set(long_key, b"\x80 not a pickle's text", 30)
    assert fresh_cache.get(long_key) == b"\x80 not a pickle's text"
    assert not recwarn.list


@pytest.mark.redis
def test_a_connection_the_server_dropped_is_opened_again(fresh_cache):
    """As with redis-py's own client (whose pooled connections retry nothing by
    default): the command that meets the dropped connection fails, the next one
    runs on a new connection."""
    import redis

    fresh_cache.set("body", "before", 30)
    client = fresh_cache._cache.get_client(None)
    own_id = client.client_id()
    redis.Redis.from_url(os.environ["REDIS_URL"]).client_kill_filter(_id=own_id)
    with pytest.raises(redis.ConnectionError):
        fresh_cache.get("body")
    assert fresh_cache.get("body") == "before"
    assert client.client_id() != own_id
