"""Mounted at /api/v1/me/."""

from django.urls import path

from programs.api.checkin_views import CheckInAnswerView, CheckInListView
from programs.api.me_views import AdherenceView, DaysView, LogsView, TodayView

urlpatterns = [
    path("today", TodayView.as_view(), name="me-today"),
    path("days", DaysView.as_view(), name="me-days"),
    path("logs", LogsView.as_view(), name="me-logs"),
    path("adherence", AdherenceView.as_view(), name="me-adherence"),
    path("checkins", CheckInListView.as_view(), name="me-checkins"),
    path("checkins/<int:pk>", CheckInAnswerView.as_view(), name="me-checkin-answer"),
]
