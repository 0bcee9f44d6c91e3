"""The session's user, from one fixed statement: the same user, clinic membership
and authenticator flag a select_related queryset gave, and nothing for a user who
may not sign in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.web.two_factor import has_confirmed_device, second_factor_needed
from patients.backends import EmailBackend
from patients.models import Clinician
from patients.session_user import session_user
from tests import factories


def unverified(user):
    """As OTPMiddleware leaves a session that has not passed a second factor."""
    user.is_verified = lambda: False
    return user


def test_a_clinician_comes_with_their_clinic_in_one_statement(clinician):
    with CaptureQueriesContext(connection) as captured:
        user = session_user(clinician.user.pk)
        loaded = (user.email, user.clinician.role, user.clinician.clinic.name)
        flag = has_confirmed_device(user)
    assert len(captured) == 1
    assert loaded == (clinician.user.email, clinician.role, clinician.clinic.name)
    assert flag is False
    assert user.clinician.user is user
    assert user.password == clinician.user.password  # the session's hash is checked against it


@pytest.mark.parametrize("confirmed", [True, False])
def test_only_a_confirmed_authenticator_counts(clinician, confirmed):
    TOTPDevice.objects.create(user=clinician.user, name="phone", confirmed=confirmed)
    user = unverified(session_user(clinician.user.pk))
    assert has_confirmed_device(user) is confirmed
    assert second_factor_needed(user) == ("verify" if confirmed else None)


def test_a_clinic_that_requires_a_second_factor_is_read_from_the_same_row(clinician):
    clinician.clinic.require_two_factor = True
    clinician.clinic.save()
    user = unverified(session_user(clinician.user.pk))
    with CaptureQueriesContext(connection) as captured:
        assert second_factor_needed(user) == "setup"
    assert len(captured) == 0


def test_a_user_who_is_no_clinician_has_no_clinician(patient):
    user = session_user(patient.user.pk)
    assert user.pk == patient.user.pk
    with pytest.raises(Clinician.DoesNotExist):
        user.clinician  # noqa: B018 (the access is the test)
    assert getattr(user, "clinician", None) is None


def test_unknown_or_inactive_users_get_no_session(clinician, db):
    assert session_user(10**9) is None
    assert session_user("not a number") is None
    clinician.user.is_active = False
    clinician.user.save()
    assert session_user(clinician.user.pk) is not None  # the row is there
    assert EmailBackend().get_user(clinician.user.pk) is None  # but may not sign in


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements")
def test_the_statement_is_prepared_on_postgresql(clinician):
    session_user(clinician.user.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any("otp_totp_totpdevice device" in text for text in statements)


def test_a_second_clinic_user_reads_their_own_clinic(clinician):
    other = factories.ClinicianFactory()
    assert session_user(other.user.pk).clinician.clinic_id == other.clinic_id
    assert session_user(clinician.user.pk).clinician.clinic_id == clinician.clinic_id
