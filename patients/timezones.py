"""IANA time-zone names: validation and the patient's local clock."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ZoneClock:
    """One zone's wall clock at an instant: what the planners compare reminder times with."""

    name: str
    date: dt.date
    time: dt.time
    day_start: dt.datetime  # the UTC instant of local midnight starting `date`


def zone_clock(name: str, now: dt.datetime) -> ZoneClock:
    local = local_now(name, now)
    midnight = dt.datetime.combine(local.date(), dt.time(0), tzinfo=local.tzinfo)
    return ZoneClock(
        name, local.date(), local.time().replace(microsecond=0), midnight.astimezone(dt.UTC)
    )


def first_instant_at(day: dt.date, at: dt.time, tz_name: str) -> dt.datetime:
    """The first UTC instant at which the wall clock of `tz_name` on `day` reads `at`
    or later: the planners' "due once local time >= R".

    A time that occurs twice (autumn fold) is its first occurrence; a time that does
    not occur (spring gap) is the end of the gap, the instant the clocks jump past it.
    """
    tz = zone(tz_name)
    wall = dt.datetime.combine(day, at)
    first = wall.replace(tzinfo=tz, fold=0)
    utc = first.astimezone(dt.UTC)
    if utc.astimezone(tz).replace(tzinfo=None) == wall:
        return utc
    # In a gap: fold=1 reads the wall time with the offset after the jump, an instant
    # before the transition; fold=0 with the offset before it, one after. The jump
    # lies between; transitions fall on whole minutes.
    low = wall.replace(tzinfo=tz, fold=1).astimezone(dt.UTC)
    high = utc
    if low > high:
        low, high = high, low
    while high - low > dt.timedelta(minutes=1):
        middle = low + (high - low) / 2
        middle = middle.replace(second=0, microsecond=0)
        if middle == low:
            break
        if middle.astimezone(tz).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return high
