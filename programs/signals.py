"""Events of the programs app, for the apps above it.

Each is sent inside the service's transaction, so what a receiver writes (e.g. a
webhook outbox row) commits or rolls back with the change itself.
"""

from django.dispatch import Signal

# program: Program, newly assigned.
program_assigned = Signal()
# program: Program; change: "items" | "details" | "paused" | "resumed" | "completed".
program_updated = Signal()
# patient: Patient; logs: list[ExerciseLog] created by one upload; rtm_reached: the
# remote-monitoring tiers it made the patient cross, [{tier: "2-15" | "16+",
# period_start, period_end: dates, data_days: int}] (see programs.services.rtm).
logs_created = Signal()
# alerts: list[Alert] just opened.
alerts_opened = Signal()
# alert: Alert just resolved.
alert_resolved = Signal()
