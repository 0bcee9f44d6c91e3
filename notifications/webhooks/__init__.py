"""Webhooks for clinic systems, following the Standard Webhooks specification.

An outbox row per (event, endpoint) is written in the transaction of the change;
Celery sends it after commit, signed with the `standardwebhooks` package, retries
transient failures with exponential backoff for up to a day, records every attempt,
and disables an endpoint after a run of failures (its owners are told by email).
"""
