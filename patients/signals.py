"""Signals `patients` sends for the layers above it to act on.

`patients` is the lowest app and imports nothing above it; work that belongs to
`programs` or `notifications` is triggered through these instead.
"""

from django.dispatch import Signal

# Sent with `patient` after its time zone changed (and was saved): the patient's
# local today, and anything computed for it, is now another date.
patient_timezone_changed = Signal()

# A patient now belongs to another clinic. Sent with `patient` (already saved) and
# `previous_clinic_id`; apps whose per-patient rows carry a clinic move them along.
patient_clinic_changed = Signal()

# patient: Patient, just activated with their invite code (sent inside the writing
# transaction, so a receiver's rows commit or roll back with the change).
patient_activated = Signal()
