"""Benchmarks of benchmarks.md: `uv run python -m bench <name>` or `... all`."""

NAMES = (
    "today_api",
    "query_scaling",
    "dispatch",
    "fanout",
    "sync_ingest",
    "clinic_report",
    "fhir_export",
    "console_pages",
    "app_load",
    "suggestion_pass",
)
