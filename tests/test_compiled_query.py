"""config.db.CompiledQuery: the ORM's statement compiled once per connection, run
with each call's values, read back as the ORM reads it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.db import CompiledQuery
from patients.models import Patient
from programs.models import Program
from tests import factories

PROGRAMS = CompiledQuery(
    lambda patient_id: (
        Program.objects.filter(patient_id=patient_id)
        .select_related("patient__user")
        .order_by("name")
    ),
    arity=1,
)
PATIENT_EMAILS = CompiledQuery(
    lambda clinic_id, patient_id: (
        Patient.objects.filter(clinic_id=clinic_id, pk=patient_id)
        .order_by("pk")
        .values_list("pk", "user__email")
    ),
    arity=2,
)
WITH_PREFETCH = CompiledQuery(
    lambda patient_id: (
        Program.objects.filter(patient_id=patient_id).prefetch_related("items").order_by("name")
    ),
    arity=1,
)


@pytest.fixture
def two_patients(clinic):
    first, second = factories.PatientFactory.create_batch(2, clinic=clinic)
    factories.ProgramFactory(patient=first, name="B knees")
    factories.ProgramFactory(patient=first, name="A back")
    factories.ProgramFactory(patient=second, name="C hips")
    return first, second


def test_each_call_reads_its_own_values(two_patients):
    first, second = two_patients
    assert [p.name for p in PROGRAMS(first.pk)] == ["A back", "B knees"]
    assert [p.name for p in PROGRAMS(second.pk)] == ["C hips"]
    assert PROGRAMS(first.pk + second.pk + 1000) == []


def test_rows_are_what_the_queryset_gives(two_patients):
    first, _ = two_patients
    orm = list(Program.objects.filter(patient_id=first.pk).select_related("patient__user"))
    compiled = PROGRAMS(first.pk)
    assert {p.pk for p in compiled} == {p.pk for p in orm}
    program = compiled[0]
    # select_related is read as the ORM reads it: no query for the joined rows.
    with CaptureQueriesContext(connection) as queries:
        assert program.patient.user.email == first.user.email
    assert len(queries) == 0
    assert program._state.db == "default" and not program._state.adding


def test_values_rows_and_several_arguments(two_patients):
    first, second = two_patients
    assert PATIENT_EMAILS(first.clinic_id, first.pk) == [(first.pk, first.user.email)]
    assert PATIENT_EMAILS(first.clinic_id, second.pk) == [(second.pk, second.user.email)]
    other_clinic = factories.ClinicFactory()
    assert PATIENT_EMAILS(other_clinic.pk, first.pk) == []


def test_one_fixed_statement_per_call(two_patients):
    first, second = two_patients
    PROGRAMS(first.pk)
    with CaptureQueriesContext(connection) as queries:
        PROGRAMS(first.pk)
        PROGRAMS(second.pk)
    assert len(queries) == 2
    # The same text each time (only the values differ), as the ORM itself writes it.
    texts = {q["sql"].replace(str(first.pk), "?").replace(str(second.pk), "?") for q in queries}
    assert len(texts) == 1
    with CaptureQueriesContext(connection) as orm:
        list(
            Program.objects.filter(patient_id=second.pk)
            .select_related("patient__user")
            .order_by("name")
        )
    assert orm[0]["sql"] == queries[1]["sql"]


def test_prefetch_lookups_still_run(two_patients):
    first, _ = two_patients
    program = factories.ProgramFactory(patient=first, name="0 first")
    factories.ProgramItemFactory(program=program)
    with CaptureQueriesContext(connection) as queries:
        programs = WITH_PREFETCH(first.pk)
        lines = [len(p.items.all()) for p in programs]
    assert lines == [1, 0, 0]
    assert len(queries) == 2


def test_an_argument_the_statement_ignores_is_refused(db):
    ignores = CompiledQuery(lambda patient_id: Program.objects.all(), arity=1)
    with pytest.raises(ValueError, match="do not reach"):
        ignores(1)


def test_a_statement_whose_text_depends_on_the_values_is_refused(db):
    def build(patient_id):
        if patient_id % 2:
            return Program.objects.filter(patient_id=patient_id)
        return Program.objects.filter(patient_id=patient_id, status="active")

    branching = CompiledQuery(build, arity=1)
    with pytest.raises(ValueError, match="depends on the arguments"):
        branching(1)


def test_wrong_number_of_arguments(db):
    with pytest.raises(TypeError, match="1 arguments expected, 2 given"):
        PROGRAMS(1, 2)
    with pytest.raises(ValueError, match="arity"):
        CompiledQuery(lambda: Program.objects.all(), arity=0)


def test_non_integer_ids_are_refused(db):
    with pytest.raises(ValueError):
        PROGRAMS("1 OR 1=1")
