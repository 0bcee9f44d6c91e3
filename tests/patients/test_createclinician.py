"""`manage.py createclinician`: a clinic's staff account in one command."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from patients.models import Clinic, Clinician, User

pytestmark = pytest.mark.django_db

PASSWORD = "knee-high daffodil parade"


def create(**options) -> str:
    out = StringIO()
    arguments = {"clinic": "Northside Physio", "email": "anna@clinic.test", "password": PASSWORD}
    arguments |= options
    call_command("createclinician", stdout=out, **arguments)
    return out.getvalue()


def row_counts() -> tuple[int, int, int]:
    return Clinic.objects.count(), User.objects.count(), Clinician.objects.count()


def test_creates_clinic_and_owner_who_can_log_in():
    output = create(
        email="Anna@Clinic.test",
        role="owner",
        first_name="Anna",
        last_name="Lind",
        timezone="Europe/London",
    )

    assert output.strip() == (
        "Created owner anna@clinic.test in clinic 'Northside Physio' (new clinic)"
    )
    clinician = Clinician.objects.select_related("user", "clinic").get()
    assert clinician.clinic.name == "Northside Physio"
    assert clinician.role == Clinician.Role.OWNER
    assert clinician.timezone == "Europe/London"
    user = clinician.user
    assert (user.email, user.first_name, user.last_name) == ("anna@clinic.test", "Anna", "Lind")
    assert user.is_staff
    assert not user.is_superuser
    assert authenticate(email="anna@clinic.test", password=PASSWORD) == user


def test_clinic_staff_permissions_are_granted():
    create(role="owner")
    create(email="ben@clinic.test")
    owner = User.objects.get(email="anna@clinic.test")
    clinician = User.objects.get(email="ben@clinic.test")

    for user in (owner, clinician):
        assert user.has_perm("patients.add_patient")
        assert user.has_perm("programs.add_program")
        assert user.has_perm("programs.view_exerciselog")
        assert not user.has_perm("programs.delete_exerciselog")
        assert not user.has_perm("patients.change_user")
    assert owner.has_perm("patients.view_auditevent")
    assert not clinician.has_perm("patients.view_auditevent")


def test_second_clinician_joins_the_existing_clinic():
    create(role="owner")

    output = create(clinic="northside physio", email="ben@clinic.test")

    assert "Created clinician ben@clinic.test in clinic 'Northside Physio' (existing clinic)" in (
        output
    )
    assert Clinic.objects.count() == 1
    assert Clinician.objects.filter(clinic__name="Northside Physio").count() == 2


def test_duplicate_email_in_another_case_fails_and_creates_nothing():
    create()
    before = row_counts()

    with pytest.raises(CommandError, match=r"email: A user with the email anna@clinic\.test"):
        create(clinic="Southside Chiro", email="ANNA@Clinic.Test")

    assert row_counts() == before
    assert not Clinic.objects.filter(name="Southside Chiro").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"role": "admin"}, r"role: 'admin' is not a role; choose one of: owner, clinician"),
        ({"timezone": "Mars/Olympus"}, r"timezone: Mars/Olympus is not an IANA time-zone name"),
        ({"password": "12345678"}, r"password: .*too common"),
        ({"password": "short"}, r"password: .*too short"),
        ({"email": "not-an-email"}, r"email: Enter a valid email address"),
        ({"clinic": "   "}, r"clinic: A clinic name is required"),
    ],
    ids=["role", "timezone", "common-password", "short-password", "email", "clinic"],
)
def test_bad_input_fails_clearly_and_creates_nothing(options, message):
    with pytest.raises(CommandError, match=message):
        create(**options)

    assert row_counts() == (0, 0, 0)


def test_every_problem_is_reported_at_once():
    with pytest.raises(CommandError) as failure:
        create(role="boss", timezone="Nowhere", password="short")

    text = str(failure.value)
    assert text.startswith("No clinician created:")
    assert "role:" in text
    assert "timezone:" in text
    assert "password:" in text
