"""Events of the patients app, for the apps above it (sent inside the writing
transaction, so a receiver's rows commit or roll back with the change)."""

from django.dispatch import Signal

# patient: Patient, just activated with their invite code.
patient_activated = Signal()
