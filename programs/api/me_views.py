"""The patient's own program endpoints: today, days, logs, adherence.

Dates are the patient's local dates (patients.timezones), never the server's.
"""

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from config.api.errors import problem
from config.api.renderers import JSON_MEDIA_TYPE, json_bytes
from config.api.schema import ProblemSerializer
from patients.api.me_views import AUTH_ERRORS, PatientView
from patients.timezones import local_today
from programs.api.me_serializers import (
    MAX_DAYS_PER_CALL,
    AdherenceSerializer,
    DaySerializer,
    DaysQuerySerializer,
    LogBatchResultSerializer,
    LogBatchSerializer,
    TodayQuerySerializer,
    TodaySerializer,
)
from programs.selectors.patient_day import patient_adherence, patient_days, patient_routine
from programs.selectors.today_cache import today_body_cached
from programs.services.logs import UnknownItems, UnscheduledLogs, log_batch_ingest

UNKNOWN_ITEM = "No such item in your programs."
INVALID = OpenApiResponse(ProblemSerializer, description="Invalid input (field errors).")


class TodayView(PatientView):
    @extend_schema(
        operation_id="me_today",
        summary="The routine of the patient's local today (or of ?date=)",
        parameters=[
            OpenApiParameter(
                "date",
                OpenApiTypes.DATE,
                description="Another local date, within 366 days of today. Default: today.",
            )
        ],
        responses={200: TodaySerializer, 400: INVALID, **AUTH_ERRORS},
        tags=["me"],
    )
    def get(self, request):
        patient = self.patient()
        today = local_today(patient.timezone)
        if "date" in request.query_params:
            query = TodayQuerySerializer(data=request.query_params, context={"today": today})
            query.is_valid(raise_exception=True)
            day = query.validated_data["date"]
            return Response(patient_routine(patient=patient, day=day, today=today))
        if request.accepted_media_type != JSON_MEDIA_TYPE:  # e.g. "; indent=4"
            return Response(patient_routine(patient=patient, day=today, today=today))
        # The app's most frequent request: the rendered body, cached (see today_cache).
        body = today_body_cached(
            patient_id=patient.pk,
            day_iso=today.isoformat(),
            build=lambda: json_bytes(patient_routine(patient=patient, day=today, today=today)),
        )
        return HttpResponse(body, content_type=JSON_MEDIA_TYPE)


class DaysView(PatientView):
    @extend_schema(
        operation_id="me_days",
        summary="Per-day scheduled and done counts over a range of local dates",
        description=f"At most {MAX_DAYS_PER_CALL} days per call, oldest first.",
        parameters=[
            OpenApiParameter(
                "from",
                OpenApiTypes.DATE,
                description="First date, within 366 days of today. Default: `to` minus 29 days.",
            ),
            OpenApiParameter(
                "to",
                OpenApiTypes.DATE,
                description="Last date, within 366 days of today. Default: today.",
            ),
        ],
        responses={200: DaySerializer(many=True), 400: INVALID, **AUTH_ERRORS},
        tags=["me"],
    )
    def get(self, request):
        patient = self.patient()
        query = DaysQuerySerializer(
            data=request.query_params, context={"today": local_today(patient.timezone)}
        )
        query.is_valid(raise_exception=True)
        days = patient_days(patient=patient, **query.validated_data)
        return Response(
            [
                {
                    "date": day.date.isoformat(),
                    "scheduled": day.scheduled,
                    "done": day.done,
                    "complete": day.complete,
                }
                for day in days
            ]
        )


class LogsView(PatientView):
    @extend_schema(
        operation_id="me_logs_create",
        summary="Upload logged exercises (idempotent by log id)",
        description=(
            "Up to 500 logs. Sending a batch again creates nothing more: each log "
            "already stored with the same content counts in `duplicates`, one stored "
            "with different content is listed in `conflicts` and left unchanged. "
            "Any invalid log rejects the whole batch (400, errors keyed by index), "
            "including a new log for a date its exercise is not scheduled on (before "
            "the program starts, after it ends, paused, or not that weekday): "
            "errors.logs.<index>.date says why. "
            "an item that is not in the patient's programs answers 404 the same way."
        ),
        request=LogBatchSerializer,
        responses={
            200: LogBatchResultSerializer,
            400: INVALID,
            404: OpenApiResponse(
                ProblemSerializer, description="Unknown items: errors.logs.<index>.item."
            ),
            **AUTH_ERRORS,
        },
        tags=["me"],
    )
    def post(self, request):
        patient = self.patient()
        now = timezone.now()
        batch = LogBatchSerializer(
            data=request.data,
            context={"today": local_today(patient.timezone, now), "now": now},
        )
        batch.is_valid(raise_exception=True)
        try:
            result = log_batch_ingest(
                patient=patient,
                logs=batch.validated_data["logs"],
                today=batch.context["today"],
            )
        except UnknownItems as exc:
            errors = {str(index): {"item": [UNKNOWN_ITEM]} for index in exc.indexes}
            return problem(404, UNKNOWN_ITEM, {"logs": errors})
        except UnscheduledLogs as exc:
            raise ValidationError(
                {"logs": {str(index): {"date": [reason]} for index, reason in exc.reasons.items()}}
            ) from exc
        return Response(LogBatchResultSerializer(result).data)


class AdherenceView(PatientView):
    @extend_schema(
        operation_id="me_adherence",
        summary="Adherence rates, streaks and recent pain",
        description=(
            "Two rates, as on every screen: `days_complete_rate` (complete days / "
            "counted days) and `items_done_rate` (exercises done / scheduled on the "
            "counted days), in percent, over the 7 local days ending today (and in "
            "`last_30_days_rates` over 30). Counted days are the scheduled days before "
            "today, and today once complete. A rate is null when no day counts. "
            "`last_7_days` and `last_30_days` are the days-complete rates."
        ),
        responses={200: AdherenceSerializer, **AUTH_ERRORS},
        tags=["me"],
    )
    def get(self, request):
        summary = patient_adherence(patient=self.patient())
        return Response(AdherenceSerializer(summary).data)
