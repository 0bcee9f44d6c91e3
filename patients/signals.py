"""Signals the patients app sends for apps above it (which it never imports)."""

from django.dispatch import Signal

# A patient now belongs to another clinic. Sent with `patient` (already saved) and
# `previous_clinic_id`; apps whose per-patient rows carry a clinic move them along.
patient_clinic_changed = Signal()
