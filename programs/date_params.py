"""Dates in query strings (`from`, `to`), read the same way by the API and the console."""

import datetime as dt
from collections.abc import Mapping

from config.api.strict import ISO_DATE
from programs.api.program_serializers import MAX_DATE, MAX_REPORT_DAYS, MIN_DATE


class DateParamError(Exception):
    """A field-level problem, e.g. {"to": ["Use a date as YYYY-MM-DD."]}."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def date_param(params: Mapping[str, str], name: str) -> dt.date | None:
    """An ISO 8601 date between MIN_DATE and MAX_DATE, or None when absent."""
    raw = params.get(name)
    if raw is None:
        return None
    try:
        if not ISO_DATE.fullmatch(raw):
            raise ValueError(raw)
        value = dt.date.fromisoformat(raw)
    except ValueError:
        raise DateParamError({name: ["Use a date as YYYY-MM-DD."]}) from None
    if not MIN_DATE <= value <= MAX_DATE:
        raise DateParamError({name: [f"Use a date between {MIN_DATE} and {MAX_DATE}."]})
    return value


def optional_range(params: Mapping[str, str]) -> tuple[dt.date | None, dt.date | None]:
    """`from` and `to`, each optional; `from` not after `to`."""
    start, end = date_param(params, "from"), date_param(params, "to")
    if start and end and start > end:
        raise DateParamError({"from": ["Must not be after `to`."]})
    return start, end


def report_range(params: Mapping[str, str], *, default_end: dt.date) -> tuple[dt.date, dt.date]:
    """`to` (default `default_end`) and `from` (default 29 days before), at most
    MAX_REPORT_DAYS days."""
    end = date_param(params, "to") or default_end
    start = date_param(params, "from") or end - dt.timedelta(days=29)
    if start > end:
        raise DateParamError({"from": ["Must not be after `to`."]})
    if (end - start).days + 1 > MAX_REPORT_DAYS:
        raise DateParamError({"to": [f"At most {MAX_REPORT_DAYS} days per call."]})
    return start, end
