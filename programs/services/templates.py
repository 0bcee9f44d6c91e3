"""Writes on a clinic's own protocols (program templates)."""

from django.db import transaction

from patients.models import Clinic
from programs.models import PRESCRIPTION_LINE_FIELDS, ProgramTemplate, TemplateItem

LINE_FIELDS = ("exercise", *PRESCRIPTION_LINE_FIELDS)


def _write_items(template: ProgramTemplate, items: list[dict]) -> None:
    TemplateItem.objects.bulk_create(
        [
            TemplateItem(template=template, **{k: item[k] for k in LINE_FIELDS if k in item})
            for item in items
        ]
    )


@transaction.atomic
def template_create(
    *, clinic: Clinic, name: str, description: str, items: list[dict]
) -> ProgramTemplate:
    """`items` are validated lines with `exercise` already resolved to the clinic's view."""
    template = ProgramTemplate.objects.create(clinic=clinic, name=name, description=description)
    _write_items(template, items)
    return template


@transaction.atomic
def template_update(*, template: ProgramTemplate, data: dict) -> ProgramTemplate:
    """Change name/description; `items`, when given, replace all lines at once."""
    if template.clinic_id is None:
        raise ValueError("global protocols are read-only")
    fields = [name for name in ("name", "description") if name in data]
    for name in fields:
        setattr(template, name, data[name])
    template.save(update_fields=[*fields, "updated_at"])
    if "items" in data:
        template.items.all().delete()
        _write_items(template, data["items"])
    return template
