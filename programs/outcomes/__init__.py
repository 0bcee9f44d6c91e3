"""Outcome measures: patient-reported check-ins (NPRS, PSFS, Global Rating of Change),
when they fall due, how they are answered and what their change means."""
