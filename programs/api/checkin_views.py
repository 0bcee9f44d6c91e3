"""The patient's check-ins: list them, answer one."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from config.api.errors import problem
from config.api.schema import ProblemSerializer
from patients.api.me_views import AUTH_ERRORS, PatientView
from patients.timezones import local_today
from programs.api.checkin_serializers import (
    CHECKIN_ANSWERS_REQUEST,
    CheckInListSerializer,
    CheckInSerializer,
    answers_serializer_class,
)
from programs.outcomes.measures import AnswersInvalid
from programs.outcomes.selectors import checkin_payload, patient_checkin, patient_checkins
from programs.outcomes.services import CheckInClosed, checkin_activities, checkin_answer

NOT_FOUND = "No such check-in."


class CheckInListView(PatientView):
    @extend_schema(
        operation_id="me_checkins",
        summary="The patient's open check-ins and those of the last 90 days",
        description=(
            "Questionnaires fall due at the patient's reminder time: pain (NPRS) weekly, "
            "activities (PSFS) at the program's start and every 2 weeks, the global "
            "rating of change (GROC) on its last day. None while a program is paused."
        ),
        responses={200: CheckInListSerializer, **AUTH_ERRORS},
        tags=["me"],
    )
    def get(self, request):
        return Response(CheckInListSerializer(patient_checkins(patient=self.patient())).data)


class CheckInAnswerView(PatientView):
    @extend_schema(
        operation_id="me_checkin_answer",
        summary="Answer an open check-in (once)",
        description=(
            "The body is the one the check-in's measure asks for: NPRS `{current, best, "
            "worst}` (best <= current <= worst); a first PSFS `{activities: [{name, "
            "score}] x3}`, a later one `{scores: [..] x3}` for its `activities`; GROC "
            "`{rating}`. Any other key is a field error. An answered or closed check-in "
            "answers 409."
        ),
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="Check-in id.")],
        request=CHECKIN_ANSWERS_REQUEST,
        responses={
            200: CheckInSerializer,
            400: OpenApiResponse(ProblemSerializer, description="Invalid answers (field errors)."),
            404: OpenApiResponse(ProblemSerializer, description="Not one of the patient's."),
            409: OpenApiResponse(ProblemSerializer, description="Already answered, or closed."),
            **AUTH_ERRORS,
        },
        tags=["me"],
    )
    def post(self, request, pk):
        patient = self.patient()
        checkin = patient_checkin(patient=patient, checkin_id=pk)
        if checkin is None:
            return problem(404, NOT_FOUND)
        activities = checkin_activities(checkin)
        serializer = answers_serializer_class(checkin.measure, rerate=activities is not None)(
            data=request.data
        )
        serializer.is_valid(raise_exception=True)
        try:
            checkin = checkin_answer(checkin=checkin, raw=request.data, activities=activities)
        except AnswersInvalid as exc:
            raise ValidationError(exc.errors) from exc
        except CheckInClosed as exc:
            return problem(409, str(exc))
        payload = checkin_payload(checkin, local_today(patient.timezone), None)
        return Response(CheckInSerializer(payload).data)
