from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("u/", include("notifications.unsubscribe_urls")),
    path("account/", include("patients.web.account_urls")),
    # The clinician console: the frame's sign-in pages, then each app's pages.
    path("clinic/", include("config.web.urls")),
    path("clinic/", include("notifications.web.urls")),
    path("clinic/", include("programs.web.urls")),
    path("clinic/", include("patients.web.urls")),
    path("app/", include("webapp.urls")),
]
