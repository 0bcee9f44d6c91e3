"""Celery tasks of the programs app: thin wrappers around services."""

from celery import shared_task

from programs.services.alerts import alerts_daily_pass
from programs.services.phases import phases_daily_pass
from programs.services.suggestions import suggestions_daily_pass


@shared_task(name="programs.tasks.run_alert_pass")
def run_alert_pass() -> dict:
    """The daily missed-days / pain-rising pass; returns what it created."""
    return alerts_daily_pass()


@shared_task(name="programs.tasks.run_suggestion_pass")
def run_suggestion_pass() -> dict:
    """The daily progression pass; returns what it raised, applied and expired."""
    return suggestions_daily_pass()


@shared_task(name="programs.tasks.run_phase_pass")
def run_phase_pass() -> dict:
    """Moves programs whose protocol phase has run its weeks (or raises the approval)."""
    return phases_daily_pass()
