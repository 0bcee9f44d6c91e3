"""Settings of the Celery worker and command processes the crash tests start: the
test settings, but mail goes over SMTP to the test's counting server on loopback."""

import os

from config.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["TEST_SMTP_PORT"])
EMAIL_USE_TLS = EMAIL_USE_SSL = False
EMAIL_TIMEOUT = 10
REMINDER_CHANNELS = ["email"]
