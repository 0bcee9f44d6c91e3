"""Writes on a clinic's own protocols (program templates).

A protocol has either plain `items` or `phases`, each phase with its own items.
Phases are kept by their order when a protocol is edited, so programs in a phase
stay in it; a phase that is removed leaves its programs without a phase (they keep
their lines and simply stop moving on)."""

from django.db import transaction

from patients.models import Clinic
from programs.models import PRESCRIPTION_LINE_FIELDS, ProgramTemplate, TemplateItem, TemplatePhase

LINE_FIELDS = ("exercise", *PRESCRIPTION_LINE_FIELDS)
PHASE_FIELDS = ("name", "weeks", "advance", "description")


def _write_items(
    template: ProgramTemplate, items: list[dict], phase: TemplatePhase | None = None
) -> None:
    TemplateItem.objects.bulk_create(
        [
            TemplateItem(
                template=template, phase=phase, **{k: item[k] for k in LINE_FIELDS if k in item}
            )
            for item in items
        ]
    )


def _write_phases(template: ProgramTemplate, phases: list[dict]) -> None:
    """Phase n of the list updates the protocol's phase of order n, or creates it."""
    existing = {phase.order: phase for phase in template.phases.all()}
    for order, given in enumerate(phases, start=1):
        values = {name: given[name] for name in PHASE_FIELDS if name in given}
        phase = existing.get(order)
        if phase is None:
            phase = TemplatePhase.objects.create(template=template, order=order, **values)
        else:
            for name, value in values.items():
                setattr(phase, name, value)
            phase.save()
        _write_items(template, given["items"], phase)
    template.phases.filter(order__gt=len(phases)).delete()


def _replace_lines(template: ProgramTemplate, data: dict) -> None:
    template.items.all().delete()
    if "phases" in data:
        _write_phases(template, data["phases"])
    else:
        template.phases.all().delete()
        _write_items(template, data["items"])


@transaction.atomic
def template_create(
    *,
    clinic: Clinic,
    name: str,
    description: str,
    items: list[dict] | None = None,
    phases: list[dict] | None = None,
) -> ProgramTemplate:
    """`items` (or each phase's `items`) are validated lines with `exercise` already
    resolved to the clinic's view."""
    template = ProgramTemplate.objects.create(clinic=clinic, name=name, description=description)
    _replace_lines(template, {"phases": phases} if phases else {"items": items or []})
    return template


@transaction.atomic
def template_update(*, template: ProgramTemplate, data: dict) -> ProgramTemplate:
    """Change name/description; `items` or `phases`, when given, replace all lines."""
    if template.clinic_id is None:
        raise ValueError("global protocols are read-only")
    fields = [name for name in ("name", "description") if name in data]
    for name in fields:
        setattr(template, name, data[name])
    template.save(update_fields=[*fields, "updated_at"])
    if "items" in data or "phases" in data:
        _replace_lines(template, data)
    return template
