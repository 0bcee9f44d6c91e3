"""Write the seeded library and protocols to the database, idempotently.

Global entries (clinic is NULL) are matched by slug: missing ones are created,
changed ones updated, identical ones left untouched (their `updated_at` does not
move). Entries that exist in the database but no longer in the data are left alone:
programs may still point at them. The data is validated first and everything is
written in one transaction, so a bad entry leaves the database as it was.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from django.db import transaction

from programs import library
from programs.library.validation import LibraryDataError, validate_library
from programs.models import (
    EXERCISE_CONTENT_FIELDS,
    PRESCRIPTION_LINE_FIELDS,
    Exercise,
    ProgramTemplate,
    TemplateItem,
    TemplatePhase,
    days_to_mask,
)

__all__ = ["LibraryDataError", "LoadReport", "load_library"]

Entries = Sequence[Mapping[str, Any]]
Say = Callable[[str], None]

ITEM_FIELDS = ("exercise_id", *PRESCRIPTION_LINE_FIELDS)
PHASE_FIELDS = ("order", "name", "weeks", "advance", "description")


@dataclass
class LoadReport:
    exercises_created: int = 0
    exercises_updated: int = 0
    exercises_unchanged: int = 0
    protocols_created: int = 0
    protocols_updated: int = 0
    protocols_unchanged: int = 0

    def summary(self) -> str:
        return (
            f"Exercise library: {self.exercises_created} created, "
            f"{self.exercises_updated} updated, {self.exercises_unchanged} unchanged. "
            f"Protocols: {self.protocols_created} created, "
            f"{self.protocols_updated} updated, {self.protocols_unchanged} unchanged."
        )


def load_library(
    *,
    stdout: TextIO | None = None,
    exercises: Entries | None = None,
    protocols: Entries | None = None,
) -> LoadReport:
    """Upsert the global exercise library and starter protocols.

    `exercises` and `protocols` default to the seeded data in programs.library; pass
    others to load a different set. With `stdout`, each created or updated entry is
    named on its own line.
    """
    exercises = library.EXERCISES if exercises is None else exercises
    protocols = library.PROTOCOLS if protocols is None else protocols
    validate_library(exercises=exercises, protocols=protocols)

    def say(line: str) -> None:
        if stdout is not None:
            stdout.write(f"{line}\n")

    report = LoadReport()
    with transaction.atomic():
        by_slug, created, updated = _upsert_exercises(exercises, say)
        _link_chains(exercises, by_slug, created, updated, say)
        report.exercises_created = len(created)
        report.exercises_updated = len(updated)
        report.exercises_unchanged = len(exercises) - len(created) - len(updated)

        templates_created, templates_updated = _upsert_protocols(protocols, by_slug, say)
        report.protocols_created = templates_created
        report.protocols_updated = templates_updated
        report.protocols_unchanged = len(protocols) - templates_created - templates_updated
    return report


def _exercise_values(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The model's content fields; the data gives the default dose as one `dose` mapping."""
    values = {}
    for name in EXERCISE_CONTENT_FIELDS:
        if name.startswith("default_"):
            values[name] = entry["dose"].get(name.removeprefix("default_"))
        else:
            value = entry[name]
            values[name] = list(value) if isinstance(value, list | tuple) else value
    return values


def _save_changes(obj: Any, values: Mapping[str, Any]) -> list[str]:
    """Set the fields that differ and save only those; returns their names."""
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.save(update_fields=[*changed, "updated_at"])
    return changed


def _upsert_exercises(
    exercises: Entries, say: Say
) -> tuple[dict[str, Exercise], set[str], set[str]]:
    slugs = [entry["slug"] for entry in exercises]
    existing = {
        exercise.slug: exercise
        for exercise in Exercise.objects.filter(clinic__isnull=True, slug__in=slugs)
    }
    by_slug: dict[str, Exercise] = {}
    created: set[str] = set()
    updated: set[str] = set()
    for entry in exercises:
        slug = entry["slug"]
        values = _exercise_values(entry)
        exercise = existing.get(slug)
        if exercise is None:
            exercise = Exercise.objects.create(clinic=None, slug=slug, **values)
            created.add(slug)
            say(f"created exercise {slug}")
        else:
            changed = _save_changes(exercise, values)
            if changed:
                updated.add(slug)
                say(f"updated exercise {slug} ({', '.join(changed)})")
        by_slug[slug] = exercise
    return by_slug, created, updated


def _link_chains(
    exercises: Entries,
    by_slug: Mapping[str, Exercise],
    created: set[str],
    updated: set[str],
    say: Say,
) -> None:
    """Second pass: every exercise exists now, so links can point at any of them."""
    for entry in exercises:
        slug = entry["slug"]
        links = {
            f"{field}_id": by_slug[entry[field]].pk if entry.get(field) else None
            for field in ("regression", "progression")
        }
        changed = _save_changes(by_slug[slug], links)
        if changed and slug not in created:
            if slug not in updated:
                say(f"updated exercise {slug} ({', '.join(changed)})")
            updated.add(slug)


def _item_rows(protocol: Mapping[str, Any], by_slug: Mapping[str, Exercise]) -> list[tuple]:
    """(phase order or None, *ITEM_FIELDS) per item, numbered from 1 across phases."""
    if "phases" in protocol:
        groups = [(order, p["items"]) for order, p in enumerate(protocol["phases"], start=1)]
    else:
        groups = [(None, protocol["items"])]
    rows = []
    order = 0
    for phase_order, items in groups:
        for item in items:
            order += 1
            values = {
                "order": order,
                "exercise_id": by_slug[item["exercise"]].pk,
                "sets": item.get("sets"),
                "reps": item.get("reps"),
                "hold_seconds": item.get("hold_seconds"),
                "duration_seconds": item.get("duration_seconds"),
                "side": item["side"],
                "days_mask": days_to_mask(item["days"]),
                "times_per_day": item.get("times_per_day", 1),
                "notes": item.get("notes", ""),
            }
            rows.append((phase_order, *(values[field] for field in ITEM_FIELDS)))
    return rows


def _phase_rows(protocol: Mapping[str, Any]) -> list[tuple]:
    return [
        (order, phase["name"], phase["weeks"], phase["advance"], phase.get("description", ""))
        for order, phase in enumerate(protocol.get("phases", ()), start=1)
    ]


def _upsert_protocols(
    protocols: Entries, by_slug: Mapping[str, Exercise], say: Say
) -> tuple[int, int]:
    slugs = [protocol["slug"] for protocol in protocols]
    existing = {
        template.slug: template
        for template in ProgramTemplate.objects.filter(clinic__isnull=True, slug__in=slugs)
    }
    created = updated = 0
    for protocol in protocols:
        slug = protocol["slug"]
        values = {"name": protocol["name"], "description": protocol["description"]}
        wanted_rows = _item_rows(protocol, by_slug)
        wanted_phases = _phase_rows(protocol)
        template = existing.get(slug)
        if template is None:
            template = ProgramTemplate.objects.create(clinic=None, slug=slug, **values)
            _replace_items(template, _sync_phases(template, wanted_phases), wanted_rows)
            created += 1
            say(f"created protocol {slug}")
            continue
        changed = _save_changes(template, values)
        current_phases = list(template.phases.order_by("order").values_list(*PHASE_FIELDS))
        current_rows = list(
            template.items.order_by("order").values_list("phase__order", *ITEM_FIELDS)
        )
        if current_phases != wanted_phases or current_rows != wanted_rows:
            _replace_items(template, _sync_phases(template, wanted_phases), wanted_rows)
            if not changed:
                template.save(update_fields=["updated_at"])
            changed.append("phases" if current_phases != wanted_phases else "items")
        if changed:
            updated += 1
            say(f"updated protocol {slug} ({', '.join(changed)})")
    return created, updated


def _sync_phases(template: ProgramTemplate, rows: list[tuple]) -> dict[int, TemplatePhase]:
    """Phases matched by order are updated in place, so programs in them stay there."""
    phases = {phase.order: phase for phase in template.phases.all()}
    for row in rows:
        values = dict(zip(PHASE_FIELDS, row, strict=True))
        phase = phases.get(values["order"])
        if phase is None:
            phases[values["order"]] = TemplatePhase.objects.create(template=template, **values)
        elif any(getattr(phase, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(phase, name, value)
            phase.save()
    wanted = {row[0] for row in rows}
    TemplatePhase.objects.filter(template=template).exclude(order__in=wanted).delete()
    return {order: phase for order, phase in phases.items() if order in wanted}


def _replace_items(
    template: ProgramTemplate, phases: Mapping[int, TemplatePhase], rows: list[tuple]
) -> None:
    template.items.all().delete()
    TemplateItem.objects.bulk_create(
        TemplateItem(
            template=template,
            phase=phases[phase_order] if phase_order is not None else None,
            **dict(zip(ITEM_FIELDS, values, strict=True)),
        )
        for phase_order, *values in rows
    )
