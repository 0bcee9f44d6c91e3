"""Reads of the patient page that are this app's: the patient with their active push
devices counted, and the last deliveries of the outbox. Each is compiled once
(config.db.CompiledQuery): building these querysets cost the page more than running
them."""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from config.db import CompiledQuery
from notifications.models import Delivery, Device
from patients.models import Patient

DELIVERIES_SHOWN = 14

_PATIENT_WITH_DEVICES = CompiledQuery(
    lambda patient_id, clinic_id: (
        Patient.objects.annotate(
            active_devices=Coalesce(
                Subquery(
                    Device.objects.filter(patient=OuterRef("pk"), active=True)
                    .order_by()
                    .values("patient")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            )
        )
        .select_related("user", "clinic")
        .filter(pk=patient_id, clinic_id=clinic_id)
    ),
    arity=2,
)
_LAST_DELIVERIES = CompiledQuery(
    lambda patient_id: Delivery.objects.filter(patient_id=patient_id).order_by(
        "-local_date", "channel"
    )[:DELIVERIES_SHOWN],
    arity=1,
)


def clinic_patient_with_devices(*, patient_id: int, clinic_id: int) -> Patient | None:
    """The clinic's patient with `user` and `clinic` loaded and `active_devices`, the
    number of their active push devices; None when the clinic has no such patient."""
    found = _PATIENT_WITH_DEVICES(patient_id, clinic_id)
    return found[0] if found else None


def last_deliveries(*, patient: Patient) -> list[Delivery]:
    """The patient's last DELIVERIES_SHOWN reminder deliveries, newest day first."""
    return _LAST_DELIVERIES(patient.pk)
