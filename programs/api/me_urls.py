"""Mounted at /api/v1/me/."""

from django.urls import path

from programs.api.me_views import AdherenceView, DaysView, LogsView, TodayView

urlpatterns = [
    path("today", TodayView.as_view(), name="me-today"),
    path("days", DaysView.as_view(), name="me-days"),
    path("logs", LogsView.as_view(), name="me-logs"),
    path("adherence", AdherenceView.as_view(), name="me-adherence"),
]
