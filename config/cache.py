"""A database cache whose counters are atomic across processes, for the embedded run.

Django's DatabaseCache increments with a read and a separate write, so two web
processes counting one sign-in failure at once could both read 3 and write 4. The
embedded run has no Redis but serves from two gunicorn processes; wrapping the
increment in a transaction makes it one step there: the SQLite database is opened
with `transaction_mode=IMMEDIATE`, so the transaction takes the write lock before
it reads. Production uses Redis, where INCR is atomic by itself.
"""

from django.core.cache.backends.db import DatabaseCache
from django.db import router, transaction


class AtomicCounterDatabaseCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        with transaction.atomic(using=router.db_for_write(self.cache_model_class)):
            return super().incr(key, delta, version)
