"""A patient's programs (assign, edit with versioning, status changes) and the
adherence report. Every call is written to the patient's audit trail."""

import datetime as dt
from collections.abc import Callable

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from config.api.errors import problem
from config.api.schema import problems
from patients.api.clinician import ClinicianAPIMixin
from patients.models import AuditEvent
from patients.timezones import local_today
from programs.api.pause_serializers import PauseInSerializer
from programs.api.program_serializers import (
    BOUNDED_DATE_SCHEMA,
    MAX_REPORT_DAYS,
    AdherenceReportSerializer,
    ProgramInSerializer,
    ProgramOutSerializer,
    ProgramPatchSerializer,
)
from programs.api.template_views import resolve_exercises
from programs.date_params import DateParamError, report_range
from programs.models import Program
from programs.selectors.clinic import (
    adherence_report,
    program_with_items,
    programs_for_clinic,
    programs_for_patient,
    templates_for_clinic,
)
from programs.services.programs import (
    ItemsInvalid,
    PauseStartInvalid,
    ProgramStateError,
    program_assign,
    program_complete,
    program_pause,
    program_resume,
    program_update,
)

PATIENT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Patient id.")
PROGRAM_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Program id.")


def _items_invalid(exc: ItemsInvalid) -> ValidationError:
    errors = {key: value for key, value in exc.errors.items() if key != "non_field_errors"}
    body = {"items": errors} if errors else {}
    if "non_field_errors" in exc.errors:
        body["non_field_errors"] = exc.errors["non_field_errors"]
    return ValidationError(body)


class PatientProgramsView(ClinicianAPIMixin, generics.ListAPIView):
    serializer_class = ProgramOutSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Program.objects.none()
        return programs_for_patient(patient=self.patient)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.patient = self.clinic_patient(kwargs["pk"])

    @extend_schema(
        summary="A patient's programs, newest first, with their current lines",
        parameters=[PATIENT_ID],
        responses={200: ProgramOutSerializer(many=True), **problems(401, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        self.audit(AuditEvent.Action.READ, [self.patient.pk])
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Assign a program, from a protocol (lines overridable) or from scratch",
        parameters=[PATIENT_ID],
        request=ProgramInSerializer,
        responses={201: ProgramOutSerializer, **problems(400, 401, 403, 404)},
    )
    def post(self, request, *args, **kwargs):
        serializer = ProgramInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        template = None
        if data.get("template"):
            template = (
                templates_for_clinic(clinic_id=self.clinic_id)
                .filter(pk=data["template"])
                .prefetch_related(None)
                .first()
            )
            if template is None:
                raise NotFound(f"Protocol {data['template']} not found.")
        items = resolve_exercises(self.clinic_id, data.get("items", []))
        try:
            program = program_assign(
                patient=self.patient,
                name=data["name"],
                start_date=data["start_date"],
                end_date=data.get("end_date"),
                template=template,
                items=items,
                created_by=request.user,
            )
        except ItemsInvalid as exc:
            raise _items_invalid(exc) from exc
        self.audit(AuditEvent.Action.CREATE, [self.patient.pk])
        return Response(
            ProgramOutSerializer(program_with_items(program=program)).data,
            status=status.HTTP_201_CREATED,
        )


class ProgramObjectMixin(ClinicianAPIMixin):
    def get_program(self) -> Program:
        return get_object_or_404(
            programs_for_clinic(clinic_id=self.clinic_id), pk=self.kwargs["pk"]
        )

    def render(self, program: Program) -> Response:
        return Response(ProgramOutSerializer(program_with_items(program=program)).data)


class ProgramDetailView(ProgramObjectMixin, generics.GenericAPIView):
    serializer_class = ProgramOutSerializer

    @extend_schema(
        summary="One program with its current lines",
        parameters=[PROGRAM_ID],
        responses={200: ProgramOutSerializer, **problems(401, 403, 404)},
    )
    def get(self, request, pk):
        program = self.get_program()
        self.audit(AuditEvent.Action.READ, [program.patient_id])
        return self.render(program)

    @extend_schema(
        summary="Rename, change the end date, or edit the lines (a new version)",
        parameters=[PROGRAM_ID],
        request=ProgramPatchSerializer,
        responses={200: ProgramOutSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def patch(self, request, pk):
        program = self.get_program()
        serializer = ProgramPatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        end = data.get("end_date")
        if end is not None and end < program.start_date:
            raise ValidationError({"end_date": ["Must not be before the start date."]})
        if "items" in data:
            data["items"] = resolve_exercises(self.clinic_id, data["items"])
        try:
            program = program_update(program=program, data=data)
        except ItemsInvalid as exc:
            raise _items_invalid(exc) from exc
        except ProgramStateError as exc:
            return problem(409, str(exc))
        self.audit(AuditEvent.Action.UPDATE, [program.patient_id])
        return self.render(program)


class ProgramTransitionView(ProgramObjectMixin, generics.GenericAPIView):
    """POST-only status change; subclasses name the service."""

    serializer_class = ProgramOutSerializer
    service: Callable[..., Program]

    def post(self, request, pk):
        program = self.get_program()
        try:
            program = self.service(program=program)
        except ProgramStateError as exc:
            return problem(409, str(exc))
        self.audit(AuditEvent.Action.UPDATE, [program.patient_id])
        return self.render(program)


def _transition_schema(summary: str):
    return extend_schema_view(
        post=extend_schema(
            summary=summary,
            parameters=[PROGRAM_ID],
            request=None,
            responses={200: ProgramOutSerializer, **problems(401, 403, 404, 409)},
        )
    )


class ProgramPauseView(ProgramTransitionView):
    @extend_schema(
        summary="Pause from the patient's local today, or from an earlier `from` date",
        description=(
            'Active programs only. The body is optional: `{"from": "YYYY-MM-DD"}` '
            "starts the pause on an earlier local date so the days since show as "
            "paused, not missed. `until` is refused (400): a pause lasts until resumed."
        ),
        parameters=[PROGRAM_ID],
        request=PauseInSerializer,
        responses={200: ProgramOutSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk):
        program = self.get_program()
        body = PauseInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            program = program_pause(program=program, start=body.validated_data.get("from"))
        except ProgramStateError as exc:
            return problem(409, str(exc))
        except PauseStartInvalid as exc:
            raise ValidationError({"from": [str(exc)]}) from exc
        self.audit(AuditEvent.Action.UPDATE, [program.patient_id])
        return self.render(program)


@_transition_schema("Resume a paused program from the patient's local today")
class ProgramResumeView(ProgramTransitionView):
    service = staticmethod(program_resume)


@_transition_schema("Complete: nothing more is scheduled; the end date becomes today if later")
class ProgramCompleteView(ProgramTransitionView):
    service = staticmethod(program_complete)


def _report_range(request, *, default_end: dt.date) -> tuple[dt.date, dt.date]:
    """`from` and `to` of a report (programs.date_params), as a 400 when wrong."""
    try:
        return report_range(request.query_params, default_end=default_end)
    except DateParamError as exc:
        raise ValidationError(exc.errors) from None


class PatientAdherenceView(ClinicianAPIMixin, generics.GenericAPIView):
    serializer_class = AdherenceReportSerializer

    @extend_schema(
        summary="Daily adherence and pain for a date range, with totals and RTM data days",
        parameters=[
            PATIENT_ID,
            OpenApiParameter(
                "from",
                BOUNDED_DATE_SCHEMA,
                description="First local date; default 29 days before `to`. "
                f"At most {MAX_REPORT_DAYS} days per call.",
            ),
            OpenApiParameter(
                "to", BOUNDED_DATE_SCHEMA, description="Last local date; default today."
            ),
        ],
        responses={200: AdherenceReportSerializer, **problems(400, 401, 403, 404)},
    )
    def get(self, request, pk):
        patient = self.clinic_patient(pk)
        start, end = _report_range(request, default_end=local_today(patient.timezone))
        report = adherence_report(patient=patient, start=start, end=end)
        self.audit(AuditEvent.Action.READ, [patient.pk])
        body = {
            "patient": patient.pk,
            "from_date": report.start,
            "to_date": report.end,
            "today": report.today,
            "days": [
                {
                    "date": day.date,
                    "scheduled": day.scheduled,
                    "done": day.done,
                    "pain_average": day.pain_average,
                }
                for day in report.days
            ],
            "totals": {
                "scheduled": report.scheduled,
                "done": report.done,
                "days_complete_rate": report.rates.days_complete_rate,
                "items_done_rate": report.rates.items_done_rate,
                "rate": report.rates.items_done_rate,
                "pain_average": report.pain_average,
            },
            "data_days_last_30": report.data_days_last_30,
            "rtm_eligible": report.rtm_eligible,
        }
        return Response(AdherenceReportSerializer(body).data)
