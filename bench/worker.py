"""The Celery app for fanout's worker: the product's app, with the `locmem` channel
replaced by one that takes 5 ms per send, like a provider's HTTP call.

    celery -A bench.worker worker ...
"""

import time

from celery.signals import worker_init, worker_process_init

from config.celery import app

__all__ = ["SlowLocmemChannel", "app", "install_slow_locmem"]

PROVIDER_LATENCY_SECONDS = 0.005


def install_slow_locmem() -> type:
    """Register the slow channel under the name `locmem` (settings choose it by name)."""
    import django

    django.setup()
    from notifications import channels
    from notifications.channels.local import LocmemChannel

    class SlowLocmemChannel(LocmemChannel):
        def send(self, message, recipient):
            time.sleep(PROVIDER_LATENCY_SECONDS)
            return super().send(message, recipient)

    channels.CHANNEL_CLASSES["locmem"] = SlowLocmemChannel
    channels._cache.clear()
    globals()["SlowLocmemChannel"] = SlowLocmemChannel
    return SlowLocmemChannel


SlowLocmemChannel = None


@worker_init.connect
def _on_worker_init(**kwargs):
    install_slow_locmem()


@worker_process_init.connect
def _on_process_init(**kwargs):
    install_slow_locmem()
