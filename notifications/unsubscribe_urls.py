from django.urls import path

from notifications.views import unsubscribe

app_name = "notifications"

urlpatterns = [
    path("<str:token>", unsubscribe, name="unsubscribe"),
]
