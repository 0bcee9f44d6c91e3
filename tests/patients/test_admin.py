"""The admin as a clinic tool: clinic staff see and edit only their own clinic."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import Delivery, Device, DigestDelivery, WebhookEndpoint, WebhookMessage
from patients.admin_scoping import grant_clinic_staff_permissions
from patients.models import ActivationCode, AuditEvent, Clinic, Clinician, Patient, User
from programs.models import (
    Alert,
    Exercise,
    ExerciseLog,
    Program,
    ProgramItem,
    ProgramPause,
    ProgramTemplate,
)
from programs.outcomes.models import CheckIn
from programs.suggestion_models import ProgressionRule, Suggestion
from tests import factories

pytestmark = pytest.mark.django_db


@dataclass
class ClinicWorld:
    clinic: Clinic
    owner: Clinician
    patient: Patient
    exercise: Exercise
    template: object
    program: Program
    log: object
    alert: Alert
    device: Device
    delivery: Delivery
    digest: DigestDelivery
    audit: AuditEvent
    code: ActivationCode
    checkin: CheckIn
    marker: str

    def instance_of(self, model):
        for value in vars(self).values():
            if type(value) is model:
                return value
        if model is User:
            return self.patient.user
        if model is ProgramPause:
            return ProgramPause.objects.create(program=self.program, start=self.program.start_date)
        if model is ProgressionRule:
            return ProgressionRule.objects.create(clinic=self.clinic, template=self.template)
        if model is Suggestion:
            item = self.log.item
            return Suggestion.objects.create(
                clinic=self.clinic,
                patient=self.patient,
                program=self.program,
                line_key=item.key,
                item=item,
                kind=Suggestion.Kind.ADVANCE,
                evidence=f"{self.marker} 4 of 4 sessions complete",
                change=f"{self.marker} more reps",
                to_exercise=self.exercise,
                window_start=self.log.date,
                window_end=self.log.date,
            )
        if model in (WebhookEndpoint, WebhookMessage):
            endpoint = WebhookEndpoint.objects.create(
                clinic=self.clinic,
                url=f"https://{self.marker.lower()}.example/hook",
                events=["log.created"],
                secret="whsec_dGVzdC1zZWNyZXQ=",
            )
            if model is WebhookEndpoint:
                return endpoint
            return WebhookMessage.objects.create(
                endpoint=endpoint,
                msg_id=f"msg_{self.marker}",
                event_type="log.created",
                payload={},
                next_attempt_at=timezone.now(),
            )
        raise LookupError(model)


def build_clinic(marker: str) -> ClinicWorld:
    """One clinic with one of everything; `marker` appears in every visible name."""
    today = timezone.now().date()
    clinic = factories.ClinicFactory(name=f"{marker} Clinic")
    owner = factories.ClinicianFactory(
        clinic=clinic,
        role=Clinician.Role.OWNER,
        user__first_name="Owen",
        user__last_name=f"{marker}owner",
    )
    patient = factories.PatientFactory(
        clinic=clinic, user__first_name="Pat", user__last_name=marker, primary_clinician=owner
    )
    exercise = factories.ExerciseFactory(clinic=clinic, name=f"{marker} private move")
    template = factories.ProgramTemplateFactory(clinic=clinic, name=f"{marker} protocol")
    factories.TemplateItemFactory(template=template, exercise=exercise, order=1)
    program = factories.ProgramFactory(patient=patient, name=f"{marker} program")
    item = factories.ProgramItemFactory(program=program, exercise=exercise)
    log = factories.ExerciseLogFactory(item=item, pain=8, note=f"{marker} note")
    alert = Alert.objects.create(
        clinic=clinic, patient=patient, kind=Alert.Kind.HIGH_PAIN, date=today
    )
    device = Device.objects.create(patient=patient, platform="fcm", token=f"{marker}-token")
    delivery = Delivery.objects.create(
        patient=patient, local_date=today, channel="email", due_at=timezone.now()
    )
    digest = DigestDelivery.objects.create(clinician=owner, local_date=today)
    audit = AuditEvent.objects.create(
        clinic=clinic,
        actor=owner.user,
        patient=patient,
        action=AuditEvent.Action.READ,
        what=f"GET /api/v1/patients/{patient.pk} {marker}",
    )
    code = ActivationCode.objects.create(
        patient=patient,
        code_hash=f"{marker}-hash".ljust(64, "0"),
        expires_at=timezone.now() + dt.timedelta(days=14),
    )
    checkin = CheckIn.objects.create(
        patient=patient,
        program=program,
        measure="nprs",
        due_date=today,
        due_at=timezone.now(),
        answered_at=timezone.now(),
        answers={"current": 3, "best": 2, "worst": 5},
        score=3.33,
    )
    return ClinicWorld(
        clinic=clinic,
        owner=owner,
        patient=patient,
        exercise=exercise,
        template=template,
        program=program,
        log=log,
        alert=alert,
        device=device,
        delivery=delivery,
        digest=digest,
        audit=audit,
        code=code,
        checkin=checkin,
        marker=marker,
    )


def make_staff(clinician: Clinician) -> User:
    user = clinician.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    grant_clinic_staff_permissions(user)
    return User.objects.get(pk=user.pk)  # fresh: no cached permissions


def admin_url(model, view: str = "changelist", *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def world_a():
    return build_clinic("Alderley")


@pytest.fixture
def world_b():
    return build_clinic("Birchwood")


@pytest.fixture
def global_exercise():
    return factories.ExerciseFactory(clinic=None, name="Shared glute bridge", slug="glute-bridge")


@pytest.fixture
def staff_client(world_a, world_b):
    """A plain clinician (not an owner) of clinic A, logged into the admin."""
    client = Client()
    clinician = factories.ClinicianFactory(
        clinic=world_a.clinic, user__first_name="Cleo", user__last_name="Staffer"
    )
    client.force_login(make_staff(clinician))
    client.clinician = clinician
    return client


@pytest.fixture
def owner_client(world_a, world_b):
    client = Client()
    make_staff(world_a.owner)
    client.force_login(world_a.owner.user)
    return client


@pytest.fixture
def superuser_client(world_a, world_b):
    client = Client()
    client.force_login(User.objects.create_superuser(email="root@hep.test", password="x"))
    return client


# --- what clinic staff see -------------------------------------------------------------
SCOPED_LISTS = [Patient, Program, ExerciseLog, Alert, Device, Delivery, CheckIn]


@pytest.mark.parametrize("model", SCOPED_LISTS, ids=lambda model: model.__name__)
def test_clinic_staff_lists_show_only_their_clinic(staff_client, world_a, world_b, model):
    response = staff_client.get(admin_url(model))

    assert response.status_code == 200
    content = response.content.decode()
    assert world_a.marker in content
    assert world_b.marker not in content
    assert list(response.context["cl"].queryset) == [world_a.instance_of(model)]


def test_superuser_sees_every_clinic(superuser_client, world_a, world_b):
    for model in (Patient, Program, Alert):
        response = superuser_client.get(admin_url(model))
        content = response.content.decode()
        assert world_a.marker in content
        assert world_b.marker in content
        assert response.context["cl"].queryset.count() == 2


def test_superuser_can_filter_patients_by_clinic(superuser_client, world_a, world_b):
    response = superuser_client.get(admin_url(Patient), {"clinic__id__exact": world_b.clinic.pk})

    assert list(response.context["cl"].queryset) == [world_b.patient]


def test_clinic_filter_is_offered_to_superusers_only(staff_client, superuser_client):
    staff_filters = staff_client.get(admin_url(Patient)).context["cl"].list_filter
    superuser_filters = superuser_client.get(admin_url(Patient)).context["cl"].list_filter

    assert "clinic" not in staff_filters
    assert "clinic" in superuser_filters


@pytest.mark.parametrize("attr", ["patient", "program", "exercise", "alert"])
def test_another_clinics_object_answers_as_missing(staff_client, world_b, attr):
    obj = getattr(world_b, attr)

    response = staff_client.get(admin_url(type(obj), "change", obj.pk), follow=True)

    # The admin answers a missing object by sending the user back to its index.
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert world_b.marker not in response.content.decode()


def test_another_clinics_patient_cannot_be_changed_or_deleted(staff_client, world_b):
    patient = world_b.patient
    change = staff_client.post(
        admin_url(Patient, "change", patient.pk), {"email": "x@y.test", "timezone": "UTC"}
    )
    delete = staff_client.post(admin_url(Patient, "delete", patient.pk), {"post": "yes"})

    assert change.status_code in (302, 403, 404)
    assert delete.status_code in (302, 403, 404)
    patient.user.refresh_from_db()
    assert patient.user.email != "x@y.test"
    assert Patient.objects.filter(pk=patient.pk).exists()


def test_program_form_offers_only_own_patients_and_protocols(
    staff_client, world_a, world_b, global_exercise
):
    global_template = factories.ProgramTemplateFactory(clinic=None, name="Shared protocol")

    response = staff_client.get(admin_url(Program, "add"))

    assert response.status_code == 200
    fields = response.context["adminform"].form.fields
    assert list(fields["patient"].queryset) == [world_a.patient]
    assert set(fields["template"].queryset) == {world_a.template, global_template}
    item_formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is ProgramItem
    )
    exercise_choices = set(item_formset.empty_form.fields["exercise"].queryset)
    assert exercise_choices == {world_a.exercise, global_exercise}
    assert world_b.marker not in response.content.decode()


def test_patient_form_offers_only_own_clinicians(staff_client, world_a, world_b):
    response = staff_client.get(admin_url(Patient, "add"))

    choices = set(response.context["adminform"].form.fields["primary_clinician"].queryset)
    assert world_a.owner in choices
    assert world_b.owner not in choices
    assert "clinic" not in response.context["adminform"].form.fields


def test_choosing_another_clinics_patient_by_id_is_rejected(staff_client, world_b):
    response = staff_client.post(
        admin_url(Program, "add"),
        {
            "patient": world_b.patient.pk,
            "name": "Sneaky",
            "start_date": "2026-01-05",
            "status": "active",
            **empty_inlines(),
        },
    )

    assert response.status_code == 200
    assert "patient" in response.context["adminform"].form.errors
    assert not Program.objects.filter(name="Sneaky").exists()


# --- what clinic staff create ----------------------------------------------------------
def empty_inlines() -> dict:
    data = {}
    for prefix in ("items", "pauses"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


def test_exercise_created_by_staff_belongs_to_their_clinic(staff_client, world_a, world_b):
    response = staff_client.post(
        admin_url(Exercise, "add"),
        {
            "name": "Wall slide",
            "slug": "wall-slide",
            "clinic": world_b.clinic.pk,  # ignored: the clinic is not a choice
            "category": "stretch",
            "level": "2",
            "laterality": "bilateral",
            "body_regions": ["shoulder", "thoracic"],
            "instructions": "Stand against a wall.\n\nSlide your arms up slowly.",
        },
    )

    assert response.status_code == 302
    exercise = Exercise.objects.get(slug="wall-slide")
    assert exercise.clinic == world_a.clinic
    assert exercise.body_regions == ["shoulder", "thoracic"]
    assert exercise.instructions == ["Stand against a wall.", "Slide your arms up slowly."]


def test_duplicate_slug_in_own_clinic_is_a_form_error(staff_client, world_a):
    response = staff_client.post(
        admin_url(Exercise, "add"),
        {
            "name": "Again",
            "slug": world_a.exercise.slug,
            "category": "stretch",
            "level": "1",
            "laterality": "bilateral",
        },
    )

    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors


def test_patient_created_by_staff_gets_clinic_user_and_invite_code(staff_client, world_a):
    response = staff_client.post(
        admin_url(Patient, "add"),
        {
            "email": "New.Runner@Example.com",
            "first_name": "New",
            "last_name": "Runner",
            "primary_clinician": world_a.owner.pk,
            "timezone": "Europe/Berlin",
            "reminders_enabled": "on",
            "reminder_time": "07:15",
            "remind_by_email": "on",
        },
        follow=True,
    )

    assert response.status_code == 200
    patient = Patient.objects.get(user__email="new.runner@example.com")
    assert patient.clinic == world_a.clinic
    assert not patient.user.has_usable_password()
    assert patient.activation_codes.filter(used_at__isnull=True).count() == 1
    assert "Invite code for New Runner" in response.content.decode()


def test_program_created_with_items_starts_version_one(staff_client, world_a, global_exercise):
    data = {
        "patient": world_a.patient.pk,
        "name": "Fresh start",
        "start_date": "2026-03-02",
        "status": "active",
        **empty_inlines(),
        "items-TOTAL_FORMS": "1",
        "items-0-order": "1",
        "items-0-exercise": global_exercise.pk,
        "items-0-sets": "3",
        "items-0-reps": "12",
        "items-0-side": "both",
        "items-0-days_of_week": ["1", "3", "5"],
        "items-0-times_per_day": "1",
    }

    response = staff_client.post(admin_url(Program, "add"), data)

    assert response.status_code == 302
    program = Program.objects.get(name="Fresh start")
    assert program.created_by == staff_client.clinician.user
    [item] = program.items.all()
    assert (item.exercise, item.sets, item.reps) == (global_exercise, 3, 12)
    assert item.days_of_week == [1, 3, 5]
    assert (item.version, item.valid_from, item.valid_until) == (1, dt.date(2026, 3, 2), None)


def test_program_from_protocol_copies_its_items(staff_client, world_a):
    data = {
        "patient": world_a.patient.pk,
        "name": "From protocol",
        "template": world_a.template.pk,
        "start_date": "2026-03-02",
        "status": "active",
        **empty_inlines(),
    }

    response = staff_client.post(admin_url(Program, "add"), data)

    assert response.status_code == 302
    program = Program.objects.get(name="From protocol")
    assert [item.exercise for item in program.items.all()] == [world_a.exercise]


def test_program_from_a_phased_protocol_starts_in_its_first_phase(staff_client, world_a):
    first = factories.TemplatePhaseFactory(template=world_a.template, order=1)
    later = factories.TemplatePhaseFactory(template=world_a.template, order=2)
    world_a.template.items.update(phase=first)
    factories.TemplateItemFactory(template=world_a.template, phase=later, order=9)
    data = {
        "patient": world_a.patient.pk,
        "name": "From phases",
        "template": world_a.template.pk,
        "start_date": "2026-03-02",
        "status": "active",
        **empty_inlines(),
    }

    assert staff_client.post(admin_url(Program, "add"), data).status_code == 302
    program = Program.objects.get(name="From phases")
    assert [item.exercise for item in program.items.all()] == [world_a.exercise]
    assert (program.phase, program.phase_started_on) == (first, dt.date(2026, 3, 2))


def test_existing_program_items_are_read_only(staff_client, world_a):
    response = staff_client.get(admin_url(Program, "change", world_a.program.pk))

    assert response.status_code == 200
    item_inline = next(
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is ProgramItem
    )
    assert not item_inline.has_change_permission
    assert not item_inline.has_add_permission
    assert not item_inline.has_delete_permission
    assert "through the API" in response.content.decode()


def test_clinician_cannot_promote_themselves(staff_client):
    clinician = staff_client.clinician

    response = staff_client.post(
        admin_url(Clinician, "change", clinician.pk),
        {"role": "owner", "timezone": "Europe/Paris", "digest_time": "08:00"},
    )

    assert response.status_code == 302
    clinician.refresh_from_db()
    assert clinician.role == Clinician.Role.CLINICIAN
    assert clinician.timezone == "Europe/Paris"


def test_user_admin_is_hidden_from_clinic_staff(staff_client, world_a):
    assert staff_client.get(admin_url(User)).status_code == 403
    assert staff_client.get(admin_url(User, "change", world_a.patient.user.pk)).status_code == 403


def test_superuser_adds_a_user_by_email(superuser_client):
    response = superuser_client.post(
        admin_url(User, "add"),
        {
            "email": "Front.Desk@Clinic.test",
            "usable_password": "true",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="front.desk@clinic.test")
    assert user.check_password("a long enough passphrase")
    assert not user.is_staff


# --- read-only records, alerts, the audit trail ---------------------------------------------
def test_exercise_logs_cannot_be_added_changed_or_deleted(superuser_client, world_a):
    log = world_a.log

    assert superuser_client.get(admin_url(ExerciseLog)).status_code == 200
    assert superuser_client.get(admin_url(ExerciseLog, "add")).status_code == 403
    change = superuser_client.post(admin_url(ExerciseLog, "change", log.pk), {"pain": "0"})
    delete = superuser_client.post(admin_url(ExerciseLog, "delete", log.pk), {"post": "yes"})

    assert change.status_code == 403
    assert delete.status_code == 403
    log.refresh_from_db()
    assert log.pain == 8
    model_admin = admin.site.get_model_admin(ExerciseLog)
    request = superuser_client.get(admin_url(ExerciseLog)).wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, log)
    assert not model_admin.has_delete_permission(request, log)


def test_checkins_are_shown_read_only_with_their_answers_and_the_view_is_audited(
    staff_client, world_a, world_b
):
    checkin = world_a.checkin
    listing = staff_client.get(admin_url(CheckIn))
    assert "answered" in listing.content.decode()
    page = staff_client.get(admin_url(CheckIn, "change", checkin.pk))
    assert page.status_code == 200
    assert "&quot;worst&quot;: 5" in page.content.decode()
    assert staff_client.get(admin_url(CheckIn, "add")).status_code == 403
    change = staff_client.post(admin_url(CheckIn, "change", checkin.pk), {"score": "9"})
    assert change.status_code == 403
    checkin.refresh_from_db()
    assert checkin.score == 3.33
    other = staff_client.get(admin_url(CheckIn, "change", world_b.checkin.pk))
    assert other.status_code == 302  # another clinic's: as missing
    assert AuditEvent.objects.filter(
        patient=world_a.patient, what__contains=f"/admin/programs/checkin/{checkin.pk}/"
    ).exists()


def test_logs_filter_by_high_pain(staff_client, world_a):
    factories.ExerciseLogFactory(item=world_a.log.item, pain=2)

    response = staff_client.get(admin_url(ExerciseLog), {"pain": "high"})

    assert list(response.context["cl"].queryset) == [world_a.log]


def test_mark_resolved_closes_only_own_clinics_alerts(staff_client, world_a, world_b):
    response = staff_client.post(
        admin_url(Alert),
        {
            "action": "mark_resolved",
            "_selected_action": [world_a.alert.pk, world_b.alert.pk],
        },
    )

    assert response.status_code == 302
    world_a.alert.refresh_from_db()
    world_b.alert.refresh_from_db()
    assert world_a.alert.status == Alert.Status.RESOLVED
    assert world_a.alert.resolved_by == staff_client.clinician.user
    assert world_b.alert.status == Alert.Status.OPEN


def test_activation_code_hash_is_never_shown(owner_client, world_a):
    listing = owner_client.get(admin_url(ActivationCode))
    detail = owner_client.get(admin_url(ActivationCode, "change", world_a.code.pk))

    assert listing.status_code == detail.status_code == 200
    assert world_a.code.code_hash not in listing.content.decode()
    assert world_a.code.code_hash not in detail.content.decode()


def test_audit_trail_is_for_owners_of_their_own_clinic(owner_client, world_a, world_b):
    response = owner_client.get(admin_url(AuditEvent))

    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [world_a.audit]
    assert world_b.marker not in response.content.decode()


def test_audit_trail_is_hidden_from_plain_clinicians(staff_client):
    # Even holding the model permission (say, a demoted owner), a clinician is refused.
    user = staff_client.clinician.user
    user.user_permissions.add(Permission.objects.get(codename="view_auditevent"))

    assert staff_client.get(admin_url(AuditEvent)).status_code == 403
    index = staff_client.get(reverse("admin:index"))
    assert admin_url(AuditEvent) not in index.content.decode()
    assert admin_url(Patient) in index.content.decode()


def test_superuser_sees_every_audit_event(superuser_client, world_a, world_b):
    response = superuser_client.get(admin_url(AuditEvent))

    assert set(response.context["cl"].queryset) == {world_a.audit, world_b.audit}


# --- the shared library --------------------------------------------------------------------
def test_global_exercises_are_visible_but_not_editable(staff_client, global_exercise):
    listing = staff_client.get(admin_url(Exercise), {"library": "global"})
    page = staff_client.get(admin_url(Exercise, "change", global_exercise.pk))
    change = staff_client.post(
        admin_url(Exercise, "change", global_exercise.pk),
        {"name": "Renamed", "slug": "glute-bridge", "category": "stretch", "level": "1"},
    )
    delete = staff_client.post(admin_url(Exercise, "delete", global_exercise.pk), {"post": "yes"})
    bulk_delete = staff_client.post(
        admin_url(Exercise),
        {"action": "delete_selected", "_selected_action": [global_exercise.pk], "post": "yes"},
    )

    assert list(listing.context["cl"].queryset) == [global_exercise]
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert 'name="_save"' not in page.content.decode()
    assert change.status_code == 403
    assert delete.status_code == 403
    assert bulk_delete.status_code == 403
    global_exercise.refresh_from_db()
    assert global_exercise.name == "Shared glute bridge"


def test_global_protocols_are_shown_read_only_with_their_items(staff_client, global_exercise):
    template = factories.ProgramTemplateFactory(clinic=None, name="Shared protocol")
    factories.TemplateItemFactory(template=template, exercise=global_exercise)

    page = staff_client.get(admin_url(ProgramTemplate, "change", template.pk))

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    [items] = page.context["inline_admin_formsets"]
    assert not items.has_change_permission
    assert not items.has_add_permission
    content = page.content.decode()
    assert "Shared glute bridge" in content
    assert "every day" in content


def test_exercises_are_found_by_their_instructions(staff_client, world_a, world_b):
    world_b.exercise.instructions = ["Brace against the wall."]
    world_b.exercise.save()
    mine = factories.ExerciseFactory(
        clinic=world_a.clinic, instructions=["Brace against the wall."]
    )

    response = staff_client.get(admin_url(Exercise), {"q": "against the WALL"})

    assert list(response.context["cl"].queryset) == [mine]


def test_own_exercises_are_editable(staff_client, world_a):
    page = staff_client.get(admin_url(Exercise, "change", world_a.exercise.pk))

    assert page.context["has_change_permission"]
    assert 'name="_save"' in page.content.decode()


def test_staff_without_clinician_row_sees_nothing(client, world_a):
    user = User.objects.create_user(email="temp@hep.test", password="x", is_staff=True)
    client.force_login(user)

    index = client.get(reverse("admin:index"))

    assert index.status_code == 200
    assert admin_url(Patient) not in index.content.decode()
    assert client.get(admin_url(Patient)).status_code == 403
    assert client.get(admin_url(Patient, "change", world_a.patient.pk)).status_code in (302, 403)


# --- every page renders --------------------------------------------------------------------
OUR_MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in {"patients", "programs", "notifications"}
]


@pytest.mark.parametrize("who", ["owner", "superuser"])
@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda model: model.__name__)
def test_admin_pages_render(request, world_a, global_exercise, who, model):
    client = request.getfixturevalue(f"{who}_client")
    model_admin = admin.site.get_model_admin(model)
    http_request = client.get(reverse("admin:index")).wsgi_request
    obj = world_a.instance_of(model)

    listing = client.get(admin_url(model))
    add = client.get(admin_url(model, "add"))
    change = client.get(admin_url(model, "change", obj.pk))

    can_view = model_admin.has_view_permission(http_request)
    assert listing.status_code == (200 if can_view else 403)
    assert add.status_code == (200 if model_admin.has_add_permission(http_request) else 403)
    assert change.status_code == (200 if can_view else 403)
    if who == "superuser" or model is not User:
        assert can_view


def test_patient_created_in_the_admin_gets_the_invite_email(
    staff_client, world_a, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            admin_url(Patient, "add"),
            {
                "email": "emailed@example.com",
                "first_name": "Emma",
                "last_name": "Iled",
                "timezone": "Europe/Berlin",
                "reminder_time": "07:15",
            },
            follow=True,
        )
    assert response.status_code == 200
    patient = Patient.objects.get(user__email="emailed@example.com")
    assert patient.reminder_time == dt.time(7, 15)
    assert [m.to for m in mail.outbox] == [["emailed@example.com"]]
    code = response.content.decode().split("Invite code for Emma Iled: ")[1][:8]
    assert code in mail.outbox[0].body


def test_the_invite_action_refuses_an_activated_or_deactivated_patient(staff_client, world_a):
    invited = factories.PatientFactory(clinic=world_a.clinic, user__last_name="Invited")
    invited.user.set_unusable_password()
    invited.user.save()
    gone = factories.PatientFactory(clinic=world_a.clinic, user__last_name="Gone")
    gone.user.set_unusable_password()
    gone.user.is_active = False
    gone.user.save()
    before = ActivationCode.objects.count()

    response = staff_client.post(
        admin_url(Patient),
        {
            "action": "issue_invite_codes",
            "_selected_action": [world_a.patient.pk, invited.pk, gone.pk],
        },
        follow=True,
    )

    page = response.content.decode()
    assert "Invite code for" in page and "Invited" in page
    assert "already has a password or is deactivated" in page
    assert ActivationCode.objects.count() == before + 1
    assert ActivationCode.objects.filter(patient=invited, used_at__isnull=True).exists()
    assert not world_a.patient.activation_codes.filter(created_at__gt=world_a.code.created_at)


def test_push_tokens_are_masked_in_the_admin(staff_client, world_a):
    world_a.device.token = "fcm-secret-registration-token-0123456789"
    world_a.device.save()
    pages = [
        staff_client.get(admin_url(Device)).content.decode(),
        staff_client.get(admin_url(Device, "change", world_a.device.pk)).content.decode(),
    ]
    for page in pages:
        assert "fcm-secret-registration" not in page
        assert "fcm-…6789" in page


# --- the admin writes the audit trail ----------------------------------------------


def audit_rows(**filters):
    return list(
        AuditEvent.objects.filter(**filters)
        .order_by("id")
        .values_list("patient_id", "clinic_id", "action", "what", "client_address")
    )


def test_admin_list_search_change_and_history_pages_are_audited(staff_client, world_a):
    actor = staff_client.clinician.user
    patient = world_a.patient
    staff_client.defaults["REMOTE_ADDR"] = "203.0.113.8"
    assert staff_client.get(admin_url(Patient), {"q": "Alderley"}).status_code == 200
    assert staff_client.get(admin_url(Patient, "change", patient.pk)).status_code == 200
    assert staff_client.get(admin_url(Patient, "history", patient.pk)).status_code == 200
    assert staff_client.get(admin_url(ExerciseLog)).status_code == 200

    rows = audit_rows(actor=actor)
    base = reverse("admin:patients_patient_changelist")
    assert rows == [
        (patient.pk, world_a.clinic.pk, "read", f"admin GET {base}?q=Alderley", "203.0.113.8"),
        (
            patient.pk,
            world_a.clinic.pk,
            "read",
            f"admin GET {base}{patient.pk}/change/",
            "203.0.113.8",
        ),
        (
            patient.pk,
            world_a.clinic.pk,
            "read",
            f"admin GET {base}{patient.pk}/history/",
            "203.0.113.8",
        ),
        (
            patient.pk,
            world_a.clinic.pk,
            "read",
            f"admin GET {admin_url(ExerciseLog)}",
            "203.0.113.8",
        ),
    ]


def test_admin_invite_action_and_another_clinics_object_are_audited(staff_client, world_a, world_b):
    actor = staff_client.clinician.user
    invited = factories.PatientFactory(clinic=world_a.clinic)
    invited.user.set_unusable_password()
    invited.user.save()
    staff_client.post(
        admin_url(Patient), {"action": "issue_invite_codes", "_selected_action": [invited.pk]}
    )
    staff_client.get(admin_url(Patient, "change", world_b.patient.pk))
    staff_client.get(admin_url(Program, "change", world_b.program.pk))

    assert [(p, c, a) for p, c, a, _, _ in audit_rows(actor=actor)] == [
        (invited.pk, world_a.clinic.pk, "update"),
        (world_b.patient.pk, world_b.clinic.pk, "denied"),
        (world_b.patient.pk, world_b.clinic.pk, "denied"),
    ]


def test_patients_are_deactivated_not_deleted(staff_client, world_a):
    from django.db.models import ProtectedError

    from tests.conftest import auth_client

    patient = world_a.patient
    api = auth_client(patient.user)
    page = staff_client.get(admin_url(Patient, "change", patient.pk)).content.decode()
    assert admin_url(Patient, "delete", patient.pk) not in page
    assert (
        staff_client.post(admin_url(Patient, "delete", patient.pk), {"post": "yes"}).status_code
        == 403
    )
    staff_client.post(
        admin_url(Patient), {"action": "deactivate_accounts", "_selected_action": [patient.pk]}
    )
    patient.user.refresh_from_db()
    assert not patient.user.is_active
    assert api.get("/api/v1/me").status_code == 401
    # Deleting by other means is refused while the patient has an audit trail.
    with pytest.raises(ProtectedError):
        patient.delete()
    with pytest.raises(ProtectedError):
        world_a.clinic.delete()
    assert AuditEvent.objects.filter(patient=patient).exists()


def test_a_patient_moved_to_another_clinic_takes_their_alerts_along(
    superuser_client, world_a, world_b
):
    patient = world_a.patient
    response = superuser_client.post(
        admin_url(Patient, "change", patient.pk),
        {
            "email": patient.user.email,
            "first_name": patient.user.first_name,
            "last_name": patient.user.last_name,
            "clinic": world_b.clinic.pk,
            "timezone": patient.timezone,
            "reminder_time": "18:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    patient.refresh_from_db()
    assert patient.clinic == world_b.clinic
    world_a.alert.refresh_from_db()
    assert world_a.alert.clinic == world_b.clinic
    # The new clinic sees the alert through the API; the old one no longer does.
    from tests.conftest import auth_client

    new_clinic = auth_client(world_b.owner.user).get("/api/v1/alerts").json()["results"]
    old_clinic = auth_client(world_a.owner.user).get("/api/v1/alerts").json()["results"]
    assert world_a.alert.pk in [a["id"] for a in new_clinic]
    assert world_a.alert.pk not in [a["id"] for a in old_clinic]
