"""Mounted at /app/: the shell for every screen, the service worker and the manifest."""

from django.urls import path, re_path

from webapp import views

urlpatterns = [
    path("sw.js", views.service_worker, name="webapp-sw"),
    path("manifest.webmanifest", views.manifest, name="webapp-manifest"),
    path("", views.shell, name="webapp-shell"),
    re_path(
        r"^(?P<screen>today|activate|login|forgot|reset|progress|settings|checkin)$",
        views.shell,
        name="webapp-screen",
    ),
]
