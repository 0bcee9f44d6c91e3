"""IANA time-zone names: validation and the patient's local clock."""

import datetime as dt
import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import timezone


@lru_cache(maxsize=1)
def iana_zone_names() -> frozenset[str]:
    # "localtime" and "Factory" ship with tzdata but are not places.
    return frozenset(zoneinfo.available_timezones() - {"localtime", "Factory"})


def validate_timezone_name(value: str) -> None:
    if value not in iana_zone_names():
        raise ValidationError(
            "%(value)s is not an IANA time-zone name (e.g. Europe/London).",
            code="invalid_timezone",
            params={"value": value},
        )


@lru_cache(maxsize=1024)
def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def local_now(tz_name: str, now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()).astimezone(zone(tz_name))


def local_today(tz_name: str, now: dt.datetime | None = None) -> dt.date:
    return local_now(tz_name, now).date()
