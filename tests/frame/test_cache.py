"""The embedded run's database cache counts atomically across connections.

Run in the embedded settings themselves (a SQLite file in WAL mode), in a child
process: the test database is an in-memory one with different locking.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

SCRIPT = """
import threading
from django.core.cache import caches
from django.core.management import call_command
from django.db import connections

call_command("createcachetable")
cache = caches["default"]
cache.set("hits", 0, 60)
errors = []

def hit():
    try:
        for _ in range(25):
            cache.incr("hits")
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connections.close_all()

threads = [threading.Thread(target=hit) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(type(cache).__name__, cache.get("hits"), errors)
"""


def test_concurrent_increments_in_the_embedded_cache_lose_nothing(tmp_path):
    hidden = {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ENV", "SECRET_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    env["HEP_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["AtomicCounterDatabaseCache", "200", "[]"]
