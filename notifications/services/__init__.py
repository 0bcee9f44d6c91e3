"""Writes of the notifications app: planning, sending, digests, unsubscribing."""
