"""Checks on the library data before anything is written.

Every problem is collected and reported at once, each line naming the entry it is
about, so a typo in one exercise is found without a round of trial and error.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from programs.models import (
    EXERCISE_CONTENT_FIELDS,
    Category,
    Driver,
    Equipment,
    Laterality,
    Region,
    Side,
)

# The data files give the default dose as one `dose` mapping instead of default_* fields.
EXERCISE_REQUIRED = (
    "slug",
    *(name for name in EXERCISE_CONTENT_FIELDS if not name.startswith("default_")),
    "dose",
)
EXERCISE_OPTIONAL = ("regression", "progression")
TEXT_LISTS = ("target_muscles", "instructions", "cues", "common_mistakes", "cautions")
CHOICE_LISTS = {
    "body_regions": Region.values,
    "drivers": Driver.values,
    "equipment": Equipment.values,
}

# Same ranges as the database check constraints on doses.
DOSE_LIMITS = {
    "sets": (1, 20),
    "reps": (1, 200),
    "hold_seconds": (1, 600),
    "duration_seconds": (1, 14400),
}
DOSE_AMOUNTS = ("reps", "hold_seconds", "duration_seconds")

PROTOCOL_REQUIRED = ("slug", "name", "description")
PROTOCOL_OPTIONAL = ("items", "phases")  # exactly one of them
PHASE_REQUIRED = ("name", "weeks", "advance", "items")
PHASE_OPTIONAL = ("description",)
PHASE_ADVANCES = ("date", "approval")
PHASE_NAME_MAX_LENGTH = 100
PHASE_DESCRIPTION_MAX_LENGTH = 300
ITEM_REQUIRED = ("exercise", "side", "days")
ITEM_OPTIONAL = (*DOSE_LIMITS, "times_per_day", "notes")

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 100
NAME_MAX_LENGTH = 200


class LibraryDataError(ValueError):
    """The library data is inconsistent; nothing has been written."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        listing = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"Library data is invalid ({len(self.problems)} problems):\n{listing}")


def validate_library(
    *, exercises: Sequence[Mapping[str, Any]], protocols: Sequence[Mapping[str, Any]]
) -> None:
    """Raise LibraryDataError listing every problem found in the data."""
    problems: list[str] = []
    by_slug = _check_exercises(exercises, problems)
    _check_chains(by_slug, problems)
    _check_protocols(protocols, by_slug, problems)
    if problems:
        raise LibraryDataError(problems)


def _label(kind: str, entry: Any, index: int) -> str:
    slug = entry.get("slug") if isinstance(entry, Mapping) else None
    return f"{kind} '{slug}'" if isinstance(slug, str) and slug else f"{kind} #{index + 1}"


def _check_keys(
    entry: Mapping[str, Any],
    required: Iterable[str],
    optional: Iterable[str],
    label: str,
    problems: list[str],
) -> None:
    required = tuple(required)
    missing = [key for key in required if key not in entry]
    unknown = sorted(set(entry) - set(required) - set(optional))
    if missing:
        problems.append(f"{label}: missing fields {', '.join(missing)}")
    if unknown:
        problems.append(f"{label}: unknown fields {', '.join(unknown)}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_slug(slug: Any, seen: set[str], label: str, problems: list[str]) -> bool:
    if not isinstance(slug, str) or not SLUG_PATTERN.match(slug) or len(slug) > SLUG_MAX_LENGTH:
        problems.append(f"{label}: slug must be lower-case words joined by hyphens")
        return False
    if slug in seen:
        problems.append(f"{label}: duplicate slug")
        return False
    seen.add(slug)
    return True


def _check_name(value: Any, field: str, label: str, problems: list[str]) -> None:
    if not _is_text(value) or len(value) > NAME_MAX_LENGTH:
        problems.append(f"{label}: {field} must be non-empty text of at most 200 characters")


def _check_dose(dose: Mapping[str, Any], label: str, problems: list[str]) -> None:
    for key, (low, high) in DOSE_LIMITS.items():
        value = dose.get(key)
        if value is not None and (not _is_int(value) or not low <= value <= high):
            problems.append(f"{label}: {key} must be a whole number from {low} to {high}")
    if not any(dose.get(key) is not None for key in DOSE_AMOUNTS):
        problems.append(f"{label}: dose needs reps, hold_seconds or duration_seconds")


def _check_exercise(entry: Mapping[str, Any], label: str, problems: list[str]) -> None:
    _check_keys(entry, EXERCISE_REQUIRED, EXERCISE_OPTIONAL, label, problems)
    _check_name(entry.get("name"), "name", label, problems)
    if entry.get("category") not in Category.values:
        problems.append(f"{label}: unknown category {entry.get('category')!r}")
    if entry.get("laterality") not in Laterality.values:
        problems.append(f"{label}: unknown laterality {entry.get('laterality')!r}")
    level = entry.get("level")
    if not _is_int(level) or not 1 <= level <= 4:
        problems.append(f"{label}: level must be a whole number from 1 to 4")
    for field, allowed in CHOICE_LISTS.items():
        values = entry.get(field)
        if not isinstance(values, list) or not values:
            problems.append(f"{label}: {field} must be a non-empty list")
            continue
        for value in values:
            if value not in allowed:
                problems.append(f"{label}: unknown {field} value {value!r}")
        if len(set(values)) != len(values):
            problems.append(f"{label}: {field} repeats a value")
    equipment = entry.get("equipment")
    if isinstance(equipment, list) and Equipment.NONE in equipment and len(equipment) > 1:
        problems.append(f"{label}: equipment 'none' cannot be combined with other equipment")
    for field in TEXT_LISTS:
        values = entry.get(field)
        if not isinstance(values, list) or not values or not all(_is_text(v) for v in values):
            problems.append(f"{label}: {field} must be a non-empty list of non-empty text")
    # The library ships text only: a clinic adds media of its own. An address that
    # looks real but leads nowhere is worse than none.
    media = entry.get("media_urls")
    if not isinstance(media, list) or not all(_is_text(url) for url in media):
        problems.append(f"{label}: media_urls must be a list of addresses")
    elif not all(str(url).startswith("https://") for url in media):
        problems.append(f"{label}: media_urls must be https addresses")
    dose = entry.get("dose")
    if isinstance(dose, Mapping):
        _check_dose(dose, label, problems)
        unknown = sorted(set(dose) - set(DOSE_LIMITS))
        if unknown:
            problems.append(f"{label}: unknown dose fields {', '.join(unknown)}")
    elif "dose" in entry:
        problems.append(f"{label}: dose must be a mapping of sets/reps/hold/duration")


def _check_exercises(
    exercises: Sequence[Mapping[str, Any]], problems: list[str]
) -> dict[str, Mapping[str, Any]]:
    by_slug: dict[str, Mapping[str, Any]] = {}
    seen: set[str] = set()
    for index, entry in enumerate(exercises):
        label = _label("exercise", entry, index)
        if not isinstance(entry, Mapping):
            problems.append(f"{label}: must be a mapping")
            continue
        if _check_slug(entry.get("slug"), seen, label, problems):
            by_slug[entry["slug"]] = entry
        _check_exercise(entry, label, problems)
    return by_slug


def _check_chains(by_slug: Mapping[str, Mapping[str, Any]], problems: list[str]) -> None:
    """Links name known exercises, agree in both directions and never loop."""
    opposite = {"progression": "regression", "regression": "progression"}
    for slug, entry in by_slug.items():
        label = f"exercise '{slug}'"
        for field, reverse in opposite.items():
            target = entry.get(field)
            if target is None:
                continue
            if target == slug:
                problems.append(f"{label}: {field} points at itself")
            elif target not in by_slug:
                problems.append(f"{label}: {field} names unknown exercise {target!r}")
            elif by_slug[target].get(reverse) != slug:
                problems.append(
                    f"{label}: {field} is {target!r} but {target!r} has {reverse} "
                    f"{by_slug[target].get(reverse)!r}; links must agree both ways"
                )
    for start in by_slug:
        visited = [start]
        current = by_slug[start].get("progression")
        while current in by_slug and current != start:
            if current in visited:
                break
            visited.append(current)
            current = by_slug[current].get("progression")
        if current == start and len(visited) > 1:
            problems.append(f"exercise '{start}': progression chain loops: {' -> '.join(visited)}")


def _check_item(
    item: Any, label: str, exercises: Mapping[str, Mapping[str, Any]], problems: list[str]
) -> None:
    if not isinstance(item, Mapping):
        problems.append(f"{label}: must be a mapping")
        return
    _check_keys(item, ITEM_REQUIRED, ITEM_OPTIONAL, label, problems)
    _check_dose(item, label, problems)
    slug = item.get("exercise")
    exercise = exercises.get(slug) if isinstance(slug, str) else None
    if exercise is None:
        problems.append(f"{label}: unknown exercise {slug!r}")
    side = item.get("side")
    if side not in Side.values:
        problems.append(f"{label}: unknown side {side!r}")
    elif exercise is not None:
        one_sided = exercise.get("laterality") == Laterality.EACH_SIDE
        if one_sided and side == Side.BOTH:
            problems.append(f"{label}: {slug!r} is done on each side; side cannot be 'both'")
        if not one_sided and side != Side.BOTH:
            problems.append(f"{label}: {slug!r} works both sides together; side must be 'both'")
    days = item.get("days")
    if (
        not isinstance(days, list)
        or not days
        or not all(_is_int(day) and 1 <= day <= 7 for day in days)
        or len(set(days)) != len(days)
    ):
        problems.append(f"{label}: days must be distinct ISO weekdays 1-7")
    times = item.get("times_per_day", 1)
    if not _is_int(times) or not 1 <= times <= 10:
        problems.append(f"{label}: times_per_day must be a whole number from 1 to 10")
    if not isinstance(item.get("notes", ""), str):
        problems.append(f"{label}: notes must be text")


def _check_protocols(
    protocols: Sequence[Mapping[str, Any]],
    exercises: Mapping[str, Mapping[str, Any]],
    problems: list[str],
) -> None:
    seen: set[str] = set()
    for index, protocol in enumerate(protocols):
        label = _label("protocol", protocol, index)
        if not isinstance(protocol, Mapping):
            problems.append(f"{label}: must be a mapping")
            continue
        _check_keys(protocol, PROTOCOL_REQUIRED, PROTOCOL_OPTIONAL, label, problems)
        _check_slug(protocol.get("slug"), seen, label, problems)
        _check_name(protocol.get("name"), "name", label, problems)
        if not _is_text(protocol.get("description")):
            problems.append(f"{label}: description must be non-empty text")
        if ("items" in protocol) == ("phases" in protocol):
            problems.append(f"{label}: give either items or phases")
            continue
        if "phases" in protocol:
            _check_phases(protocol["phases"], label, exercises, problems)
        else:
            _check_items(protocol["items"], label, exercises, problems)


def _check_items(
    items: Any, label: str, exercises: Mapping[str, Mapping[str, Any]], problems: list[str]
) -> None:
    if not isinstance(items, list) or not items:
        problems.append(f"{label}: items must be a non-empty list")
        return
    for position, item in enumerate(items, start=1):
        _check_item(item, f"{label} item {position}", exercises, problems)


def _check_phases(
    phases: Any, label: str, exercises: Mapping[str, Mapping[str, Any]], problems: list[str]
) -> None:
    if not isinstance(phases, list) or not 2 <= len(phases) <= 6:
        problems.append(f"{label}: phases must be a list of 2 to 6 phases")
        return
    for position, phase in enumerate(phases, start=1):
        phase_label = f"{label} phase {position}"
        if not isinstance(phase, Mapping):
            problems.append(f"{phase_label}: must be a mapping")
            continue
        _check_keys(phase, PHASE_REQUIRED, PHASE_OPTIONAL, phase_label, problems)
        name = phase.get("name")
        if not _is_text(name) or len(name) > PHASE_NAME_MAX_LENGTH:
            problems.append(f"{phase_label}: name must be text of at most 100 characters")
        weeks = phase.get("weeks")
        if not _is_int(weeks) or not 1 <= weeks <= 52:
            problems.append(f"{phase_label}: weeks must be a whole number from 1 to 52")
        if phase.get("advance") not in PHASE_ADVANCES:
            problems.append(f"{phase_label}: advance must be 'date' or 'approval'")
        description = phase.get("description", "")
        if not isinstance(description, str) or len(description) > PHASE_DESCRIPTION_MAX_LENGTH:
            problems.append(f"{phase_label}: description must be text of at most 300 characters")
        _check_items(phase.get("items"), phase_label, exercises, problems)
