from django.urls import path

from patients.web.email_change import email_change_page

urlpatterns = [
    path("email/<str:token>/", email_change_page, name="email-change-confirm"),
]
