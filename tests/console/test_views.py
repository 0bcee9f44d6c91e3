"""Console pages with the Django test client: what they show, validation next to the
field, nothing half-saved, the audit trail, and query counts flat in the rows."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from patients.models import AuditEvent, Patient
from programs.models import Alert, ExerciseMedia, Program, ProgramItem, ProgramTemplate
from programs.services.alerts import alert_resolve, alerts_raise_high_pain
from tests import factories
from tests.conftest import auth_client
from tests.console.conftest import seeded_patient

pytestmark = pytest.mark.django_db


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def grow(clinic, clinician, n):
    for i in range(n):
        _, _, _, logs = seeded_patient(
            clinic, clinician, days=5, pain=lambda d, i=i: 8 if (d == 1 and i % 3 == 0) else 2
        )
        alerts_raise_high_pain(logs=logs, clinic_id=clinic.pk)
        invited = factories.PatientFactory(clinic=clinic).user
        invited.set_unusable_password()
        invited.save()


@pytest.mark.parametrize("path", ["/clinic/", "/clinic/patients/", "/clinic/alerts/"])
def test_list_pages_cost_the_same_queries_at_1x_and_50x(console, clinic, clinician, path):
    grow(clinic, clinician, 1)
    console.get(path)  # warm the session
    small = queries(console, path)
    grow(clinic, clinician, 49)
    assert queries(console, path) == small


@pytest.mark.parametrize("sort", ["-adherence", "pain", "-rtm", "last_log", "alerts"])
def test_sorting_by_a_computed_column_costs_the_same_queries_at_1x_and_50x(
    console, clinic, clinician, sort
):
    grow(clinic, clinician, 1)
    console.get("/clinic/")
    small = queries(console, f"/clinic/patients/?sort={sort}")
    grow(clinic, clinician, 49)
    assert queries(console, f"/clinic/patients/?sort={sort}") == small


def test_patient_page_costs_the_same_queries_with_1x_and_50x_the_history(
    console, clinic, clinician
):
    patient, program, item, logs = seeded_patient(clinic, clinician, days=1, pain=lambda n: 8)
    alerts_raise_high_pain(logs=logs, clinic_id=clinic.pk)
    console.get("/clinic/")
    small = queries(console, f"/clinic/patients/{patient.pk}/")
    today = dt.date.today()
    for offset in range(2, 60):
        factories.ExerciseLogFactory(item=item, date=today - dt.timedelta(days=offset), pain=4)
    for _ in range(3):
        factories.ProgramItemFactory(program=program)
    Alert.objects.update(status=Alert.Status.RESOLVED)
    alerts_raise_high_pain(
        logs=[factories.ExerciseLogFactory(item=item, pain=9, note="ouch")], clinic_id=clinic.pk
    )
    assert queries(console, f"/clinic/patients/{patient.pk}/") == small


def test_the_sign_in_state_costs_two_queries_per_console_page(console, clinic, clinician):
    """The session and its user; the user row brings the clinic membership, the clinic
    and whether an authenticator is set up, which the second-factor gate and the page
    read (they were three more queries of their own)."""
    seeded_patient(clinic, clinician, days=2)
    console.get("/clinic/")
    with CaptureQueriesContext(connection) as captured:
        assert console.get("/clinic/patients/").status_code == 200
    # Each statement by the table of its last FROM: its own, after any subquery of
    # the columns (the user statement's authenticator check comes first).
    tables = [q["sql"].rsplit(" FROM ", 1)[1].split()[0].strip('"') for q in captured]
    # With Redis the session itself is read from the cache (tests/console/test_session_cache).
    session = [] if settings.SESSION_ENGINE.endswith("cached_db") else ["django_session"]
    assert tables[: len(session) + 1] == [*session, "patients_user"]
    assert not {"patients_clinician", "patients_clinic", "otp_totp_totpdevice"} & set(tables)


def test_console_pages_query_counts(console, clinic, clinician):
    """Pinned, so a new query on these pages is a decision. The list: session, user,
    count, page (with the NPRS change), activity, 7-day rates, data days and latest
    pain, audit. The patient page: session, user, patient (with their active push
    devices counted), programs with their lines and pauses (3), the adherence report
    (3), deliveries, logs, check-ins, audit, alerts (and the logs behind them). With
    Redis the session comes from the cache: one query fewer on each."""
    patient, _program, _item, logs = seeded_patient(clinic, clinician, days=3, pain=lambda n: 8)
    alerts_raise_high_pain(logs=logs, clinic_id=clinic.pk)
    console.get("/clinic/")
    session = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
    assert queries(console, "/clinic/patients/") == 7 + session
    assert queries(console, f"/clinic/patients/{patient.pk}/") == 14 + session


def test_patient_list_shows_the_apis_numbers(console, clinician, clinic):
    patient, *_ = seeded_patient(clinic, clinician, days=10, pain=lambda n: 6)
    api = auth_client(clinician.user)
    (row,) = api.get("/api/v1/patients").json()["results"]
    page = console.get("/clinic/patients/").content.decode()
    assert f"{row['last_7_days']:.0f}%" in page
    assert "6.0/10" in page
    report = api.get(f"/api/v1/patients/{patient.pk}/adherence").json()
    assert f'<td class="num">{report["data_days_last_30"]}</td>' in page


def test_patient_list_search_sort_and_pages(console, clinic):
    for n in range(55):
        factories.PatientFactory(clinic=clinic, user__last_name=f"Zed{n:02d}")
    factories.PatientFactory(clinic=clinic, user__last_name="Abbott")
    first = console.get("/clinic/patients/").content.decode()
    assert "Abbott" in first and "Page 1 of 2" in first
    assert "Abbott" not in console.get("/clinic/patients/?page=2").content.decode()
    assert "Abbott" in console.get("/clinic/patients/?sort=-name&page=2").content.decode()
    found = console.get("/clinic/patients/?q=abbo").content.decode()
    assert "Abbott" in found and "Zed00" not in found
    assert console.get("/clinic/patients/?q=" + "x" * 101).status_code == 200  # refused, shown


def test_viewing_pages_writes_the_audit_trail(console, clinician, high_pain_patient):
    console.get(f"/clinic/patients/{high_pain_patient.pk}/")
    console.get("/clinic/patients/")
    events = AuditEvent.objects.filter(patient=high_pain_patient, actor=clinician.user)
    assert sorted(events.values_list("what", flat=True)) == [
        "GET /clinic/patients/",
        f"GET /clinic/patients/{high_pain_patient.pk}/",
    ]


def test_resolve_in_place_returns_the_card_for_htmx(console, high_pain_patient):
    alert = Alert.objects.get(patient=high_pain_patient)
    response = console.post(f"/clinic/alerts/{alert.pk}/resolve/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"alert-card--resolved" in response.content and b"<html" not in response.content
    alert.refresh_from_db()
    assert alert.status == Alert.Status.RESOLVED
    again = console.post(f"/clinic/alerts/{alert.pk}/resolve/", {"next": "/clinic/"})
    assert again.status_code == 302 and again["Location"] == "/clinic/"


def test_add_patient_errors_are_beside_each_field_and_nothing_is_saved(console, clinic):
    before = Patient.objects.count()
    response = console.post(
        "/clinic/patients/new/",
        {"first_name": "", "last_name": "Lee", "email": "not-an-email", "timezone": "Mars/Base"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page
    for field in ("id_first_name_error", "id_email_error", "id_timezone_error"):
        assert f'id="{field}"' in page
    assert Patient.objects.count() == before and mail.outbox == []


def test_add_patient_with_an_email_this_clinic_uses_is_refused_on_the_email_field(console, patient):
    response = console.post(
        "/clinic/patients/new/",
        {
            "first_name": "A",
            "last_name": "B",
            "email": patient.user.email.upper(),
            "timezone": "Europe/London",
        },
    )
    assert response.status_code == 400
    assert b'id="id_email_error"' in response.content
    assert (
        b"A patient or clinician of this clinic already uses this email address."
        in response.content
    )


def test_add_patient_emails_the_code_shown_once(
    console, clinic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = console.post(
            "/clinic/patients/new/",
            {
                "first_name": "Kai",
                "last_name": "Moana",
                "email": "kai@example.com",
                "timezone": "Pacific/Auckland",
            },
        )
    assert response.status_code == 201
    patient = Patient.objects.get(user__email="kai@example.com")
    assert patient.clinic == clinic and patient.timezone == "Pacific/Auckland"
    (message,) = mail.outbox
    code = response.content.decode().split('class="code-once">')[1].split("<")[0]
    assert code in message.body
    assert AuditEvent.objects.filter(patient=patient, action="create").count() == 1


def test_re_send_gives_a_new_code_but_an_activated_patient_gets_a_reset(
    console, clinic, patient, django_capture_on_commit_callbacks
):
    invited = factories.PatientFactory(clinic=clinic)
    invited.user.set_unusable_password()
    invited.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = console.post(f"/clinic/patients/{invited.pk}/invite/")
    assert response.status_code == 200 and b"code-once" in response.content
    assert len(mail.outbox) == 1
    password_before = patient.user.password
    with django_capture_on_commit_callbacks(execute=True):
        response = console.post(f"/clinic/patients/{patient.pk}/invite/")
    assert response.status_code == 200 and b"Password reset sent" in response.content
    assert b"code-once" not in response.content
    # A patient resets in the app, with the one reset service's link.
    assert len(mail.outbox) == 2
    assert "/app/reset?uid=" in mail.outbox[-1].body
    assert not patient.activation_codes.exists()
    patient.user.refresh_from_db()
    assert patient.user.password == password_before


def test_assign_from_a_protocol_then_edit_is_versioned(console, patient):
    exercise = factories.ExerciseFactory(name="Bird dog")
    protocol = factories.ProgramTemplateFactory()
    factories.TemplateItemFactory(template=protocol, exercise=exercise, sets=2, reps=8)
    response = console.post(
        f"/clinic/patients/{patient.pk}/programs/new/",
        {"name": "Back basics", "start_date": "2026-11-01", "template": str(protocol.pk)},
    )
    program = Program.objects.get(patient=patient)
    assert response.status_code == 302 and response["Location"] == f"/clinic/programs/{program.pk}/"
    item = ProgramItem.objects.get(program=program)
    form = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-key": str(item.key),
        "form-0-order": "1",
        "form-0-sets": "3",
        "form-0-reps": "12",
        "form-0-side": "both",
        "form-0-days": ["1", "3", "5"],
        "form-0-times_per_day": "1",
        "form-0-notes": "Slow on the way down",
    }
    assert console.post(f"/clinic/programs/{program.pk}/", form).status_code == 302
    program.refresh_from_db()
    assert program.version == 2
    current = ProgramItem.objects.get(program=program, valid_until__isnull=True)
    assert (current.sets, current.reps, current.days_of_week) == (3, 12, [1, 3, 5])
    page = console.get(f"/clinic/programs/{program.pk}/").content.decode()
    assert "Version 2" in page and "Slow on the way down" in page


def test_an_invalid_line_saves_nothing(console, patient):
    program = factories.ProgramFactory(patient=patient)
    item = factories.ProgramItemFactory(program=program)
    form = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-key": str(item.key),
        "form-0-order": "1",
        "form-0-sets": "99",
        "form-0-reps": "10",
        "form-0-side": "both",
        "form-0-times_per_day": "1",
    }
    response = console.post(f"/clinic/programs/{program.pk}/", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_form-0-sets_error"' in page and "Pick at least one day." in page
    program.refresh_from_db()
    assert program.version == 1 and ProgramItem.objects.filter(program=program).count() == 1


def test_pause_resume_complete(console, patient):
    program = factories.ProgramFactory(patient=patient)
    factories.ProgramItemFactory(program=program)
    for action, status in (("pause", "paused"), ("resume", "active"), ("complete", "completed")):
        assert console.post(f"/clinic/programs/{program.pk}/{action}/").status_code == 302
        program.refresh_from_db()
        assert program.status == status
    console.post(f"/clinic/programs/{program.pk}/pause/")
    program.refresh_from_db()
    assert program.status == "completed"  # refused, said on the page


def test_pdf_has_the_program(console, patient):
    program = factories.ProgramFactory(patient=patient, name="Runner's back")
    factories.ProgramItemFactory(program=program, exercise=factories.ExerciseFactory(name="Clam"))
    response = console.get(f"/clinic/programs/{program.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 1000
    assert "no-store" in response["Cache-Control"]


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "pose.png"
    return buffer


def test_media_upload_is_served_only_inside_the_clinic(
    console, clinic, patient, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    exercise = factories.ExerciseFactory(clinic=clinic, slug="our-bridge")
    response = console.post(
        f"/clinic/library/{exercise.slug}/",
        {"action": "upload", "file": _png(), "caption": "Start position"},
    )
    assert response.status_code == 302
    media = ExerciseMedia.objects.get(exercise=exercise)
    assert console.get(f"/clinic/library/media/{media.pk}/").status_code == 200
    assert auth_client(patient.user).get(f"/clinic/library/media/{media.pk}/").status_code == 200
    stranger = factories.ClinicianFactory()
    other = auth_client(factories.PatientFactory(clinic=stranger.clinic).user)
    assert other.get(f"/clinic/library/media/{media.pk}/").status_code == 404
    from django.test import Client

    outsider = Client()
    outsider.force_login(stranger.user)
    assert outsider.get(f"/clinic/library/media/{media.pk}/").status_code == 404
    assert Client().get(f"/clinic/library/media/{media.pk}/").status_code == 404


def test_a_file_that_is_not_the_photo_it_claims_is_refused(console, clinic, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    exercise = factories.ExerciseFactory(clinic=clinic, slug="our-plank")
    fake = io.BytesIO(b"<html>not a photo</html>")
    fake.name = "plank.jpg"
    response = console.post(f"/clinic/library/{exercise.slug}/", {"action": "upload", "file": fake})
    assert response.status_code == 400
    assert b'id="id_file_error"' in response.content
    assert not ExerciseMedia.objects.exists()


def test_create_a_clinic_exercise_and_a_protocol(console, clinic):
    response = console.post(
        "/clinic/library/new/",
        {
            "name": "Wall slide",
            "category": "core_anti_extension",
            "body_regions": ["lumbar"],
            "level": "1",
            "laterality": "bilateral",
            "default_sets": "2",
            "default_reps": "10",
            "instructions": "Stand against a wall.\nSlide your arms up.",
        },
    )
    assert response.status_code == 302
    exercise = clinic.exercises.get(slug="wall-slide")
    assert exercise.instructions == ["Stand against a wall.", "Slide your arms up."]
    response = console.post(
        "/clinic/protocols/new/",
        {"name": "Desk reset", "description": "", "exercises": [str(exercise.pk)]},
    )
    assert response.status_code == 302
    protocol = ProgramTemplate.objects.get(clinic=clinic, name="Desk reset")
    assert [item.exercise for item in protocol.items.all()] == [exercise]
    assert "Wall slide" in console.get(response["Location"]).content.decode()


def test_patient_page_counts_only_the_active_push_devices(console, clinic, clinician):
    from notifications.models import Device

    patient, *_ = seeded_patient(clinic, clinician, days=1)
    other, *_ = seeded_patient(clinic, clinician, days=1)
    for n, (owner, active) in enumerate([(patient, True), (patient, True), (patient, False),
                                         (other, True)]):  # fmt: skip
        Device.objects.create(patient=owner, platform="fcm", token=f"t{n}", active=active)
    html = console.get(f"/clinic/patients/{patient.pk}/").content.decode()
    assert "<dt>Push devices</dt><dd>2</dd>" in html
    Device.objects.filter(patient=patient).update(active=False)
    html = console.get(f"/clinic/patients/{patient.pk}/").content.decode()
    assert "<dt>Push devices</dt><dd>0</dd>" in html


def test_a_resolved_alert_on_the_patient_page_names_who_resolved_it(
    console, clinic, clinician, high_pain_patient
):
    alert = Alert.objects.get(patient=high_pain_patient, kind=Alert.Kind.HIGH_PAIN)
    alert_resolve(alert=alert, by=clinician.user)
    open_one = Alert.objects.create(
        clinic=clinic, patient=high_pain_patient, kind=Alert.Kind.MISSED_DAYS,
        date=alert.date, detail={"days": [str(alert.date)]},
    )  # fmt: skip
    page = console.get(f"/clinic/patients/{high_pain_patient.pk}/").content.decode()
    assert f'id="alert-{open_one.pk}"' in page
    resolved = page.split(f'id="alert-{alert.pk}"', 1)[1].split("</li>", 1)[0]
    assert f"by {clinician.user.get_full_name()}" in resolved
    assert "Sharp pain in my left hip" in resolved


def test_the_patient_page_lists_every_open_alert_and_the_latest_resolved_ones(
    console, clinic, clinician
):
    from programs.selectors.console import RESOLVED_ALERTS_SHOWN

    patient, *_ = seeded_patient(clinic, clinician, days=1)
    today = dt.date(2026, 11, 1)

    def alert(n: int, status: str) -> Alert:
        return Alert.objects.create(
            clinic=clinic, patient=patient, kind=Alert.Kind.MISSED_DAYS, status=status,
            date=today - dt.timedelta(days=n), detail={"days": []},
        )  # fmt: skip

    open_ones = [alert(0, Alert.Status.OPEN)]
    resolved = [alert(n, Alert.Status.RESOLVED) for n in range(1, RESOLVED_ALERTS_SHOWN + 4)]
    path = f"/clinic/patients/{patient.pk}/"
    before = queries(console, path)
    page = console.get(path).content.decode()
    shown = {a.pk for a in open_ones + resolved if f'id="alert-{a.pk}"' in page}
    # Created one after the other: the latest resolved are the last ones made.
    assert shown == {a.pk for a in open_ones + resolved[-RESOLVED_ALERTS_SHOWN:]}
    assert "3 older resolved alerts are not listed here" in page
    Alert.objects.filter(pk__in=[a.pk for a in resolved[:2]]).delete()
    page = console.get(path).content.decode()
    assert "1 older resolved alert is not listed here" in page
    Alert.objects.filter(pk=resolved[2].pk).delete()
    page = console.get(path).content.decode()
    assert "older resolved" not in page
    assert f'id="alert-{open_ones[0].pk}"' in page
    assert queries(console, path) == before
