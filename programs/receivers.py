"""What programs does when the patients app announces a change."""

from programs.models import Alert


def alerts_follow_patient(sender, patient, previous_clinic_id: int, **kwargs) -> None:
    """A patient's alerts belong to the clinic that now cares for them."""
    Alert.objects.filter(patient_id=patient.pk).exclude(clinic_id=patient.clinic_id).update(
        clinic_id=patient.clinic_id
    )
