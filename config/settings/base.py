"""Settings shared by every run mode, read from the environment.

Nothing here needs a server: without DATABASE_URL the database is a SQLite file
under var/, without REDIS_URL / CELERY_BROKER_URL the Celery broker is kombu's
filesystem transport with folders under var/.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("HEP_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


DEBUG = env_bool("DEBUG", default=False)
# A fixed key is acceptable only for the embedded default; production refuses it.
SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-local-only-key-set-SECRET_KEY-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute base URL used in emails (unsubscribe links, "open today's routine").
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Deep link the companion app opens for today's routine.
APP_TODAY_URL = os.environ.get("APP_TODAY_URL", SITE_URL + "/app/today")
# ... and for a check-in that fell due (a reminder links here with ?id=).
APP_CHECKIN_URL = os.environ.get("APP_CHECKIN_URL", SITE_URL + "/app/checkin")
# The FHIR base: canonical URLs and our own code systems in the FHIR export live here.
FHIR_BASE_URL = os.environ.get("FHIR_BASE_URL", SITE_URL + "/api/v1/fhir").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "patients",
    "programs",
    "notifications",
    "webapp",
]

# The "Browser..." ones are Django's and the libraries' own, left out of requests to
# the token API (/api/v1/), where they do nothing but cost (config.middleware). CSRF
# stays as it is everywhere: cheap, and what `check --deploy` looks for by name.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.api.middleware.ProblemResponseMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.BrowserSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "config.middleware.BrowserAuthenticationMiddleware",
    "config.middleware.BrowserOTPMiddleware",
    "config.web.middleware.TwoFactorGateMiddleware",
    "config.middleware.BrowserMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ApiNoStoreMiddleware",
    "config.middleware.BrowserCSPMiddleware",
    "config.middleware.BrowserHtmxMiddleware",
    "config.web.middleware.NoStoreMiddleware",
    # Last, so it sees the lockout flag that a refused sign-in leaves on the request.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "patients.User"
# The email is unique among active accounts only (a partial unique constraint, see
# patients.models.User), which Django's check cannot see; EmailBackend signs in by it.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 60)
# A health check costs a round trip per request; off (Django's default), a connection
# broken by a database restart fails one request and is then replaced.
CONN_HEALTH_CHECKS = env_bool("CONN_HEALTH_CHECKS", False)
# Statements are prepared on PostgreSQL: config.db's fixed ones at once, the rest once
# a connection has run them five times (with server-side binding, below). 0 behind a
# pooler that cannot keep protocol-level prepared statements: then nothing is.
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=CONN_HEALTH_CHECKS
        )
    }
    if DB_PREPARED_STATEMENTS and DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
        # Every statement bound on the server, so the ones a connection repeats (each
        # page's and answer's) are prepared too, not only config.db's fixed ones: on
        # console_pages that took the patient page from 61 to 85 requests/s and its
        # API twin from 143 to 204. DB_SERVER_SIDE_BINDING=0 returns to Django's
        # client-side binding.
        if env_bool("DB_SERVER_SIDE_BINDING", True):
            DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "hep.sqlite3")),
            # WAL and a busy timeout let the web server, worker and beat share the file.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# The interface is written in English and no translation ships with it. Off, Django
# skips its translation machinery on every string a page or answer renders (Django's
# own advice for a single-language site; about 2 ms of a console patient page). Turn
# it on (USE_I18N=1) together with the first catalog under a LOCALE_PATHS entry.
USE_I18N = env_bool("USE_I18N", False)
USE_TZ = True

STATIC_URL = "static/"
# The console's own files and vendored libraries (see config/static/vendor/README.md).
STATICFILES_DIRS = [BASE_DIR / "config" / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploaded exercise photos and videos (Django's default storage). Never served as
# plain static files: programs.web.library checks who asks.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_MAX_UPLOAD_MB = env_int("MEDIA_MAX_UPLOAD_MB", 25)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- API ------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["patients.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["config.api.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "config.api.negotiation.ContentNegotiation",
    "DEFAULT_PARSER_CLASSES": ["config.api.parsers.StrictJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "config.api.errors.problem_exception_handler",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {
        "login": os.environ.get("LOGIN_THROTTLE_RATE", "10/min"),
        "activate": os.environ.get("ACTIVATE_THROTTLE_RATE", "10/min"),
        # Failed activations from every client together (no address rotation escapes it).
        "activate_failures": os.environ.get("ACTIVATE_FAILURE_THROTTLE_RATE", "100/hour"),
        "password_reset": os.environ.get("PASSWORD_RESET_THROTTLE_RATE", "5/min"),
    },
    # Proxies in front of the web server whose X-Forwarded-For entries are trusted;
    # 0 (the default): the client address is REMOTE_ADDR and the header is ignored.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append(
        "rest_framework.renderers.BrowsableAPIRenderer"
    )

# Per-device tokens, stored hashed, that expire only after a long idle period:
# every authenticated request pushes the expiry forward (at most once a minute).
TOKEN_IDLE_DAYS = env_int("TOKEN_IDLE_DAYS", 30)
ACTIVATION_CODE_TTL_DAYS = env_int("ACTIVATION_CODE_TTL_DAYS", 14)
# However often it is used, a token ends this many days after its sign-in.
TOKEN_MAX_AGE_DAYS = env_int("TOKEN_MAX_AGE_DAYS", 180)
TOKEN_MAX_AGE = timedelta(days=TOKEN_MAX_AGE_DAYS)
KNOX_TOKEN_MODEL = "knox.AuthToken"
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=TOKEN_IDLE_DAYS),
    "AUTO_REFRESH": True,
    "MIN_REFRESH_INTERVAL": 60,
    "TOKEN_LIMIT_PER_USER": None,
    "AUTH_HEADER_PREFIX": "Token",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Home exercise program API",
    "DESCRIPTION": (
        "Companion-app and clinician API. Dates are the patient's local dates "
        "(YYYY-MM-DD); instants are ISO 8601 UTC. Errors are RFC 9457 problem details."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI served from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.schema.problem_details_postprocess",
        "programs.api.schema_rules.program_rules_postprocess",
    ],
    "ENUM_NAME_OVERRIDES": {
        "WebhookEventEnum": "notifications.webhooks.models.WebhookEvent",
        "SuggestionKindEnum": "programs.suggestion_models.Suggestion.Kind",
    },
}

# --- Celery ---------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or REDIS_URL or "filesystem://"
CELERY_BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL == "filesystem://":
    for folder in ("out", "processed", "control"):
        (CELERY_BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "out"),
        "data_folder_out": str(CELERY_BROKER_DIR / "out"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(CELERY_BROKER_DIR / "control"),
    }
else:
    # A task whose worker died is redelivered after this long (longer than any task).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Per task: the soft limit raises inside it (it writes what it sent and hands the rest
# back), the hard one kills it. Checked against REMINDER_CLAIM_TIMEOUT_SECONDS when a
# worker starts (notifications/checks.py).
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_BEAT_SCHEDULE_FILE = str(VAR_DIR / "celerybeat-schedule")

# --- Email ----------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Your exercise coach <coach@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)

# --- Reminders ------------------------------------------------------------------
# Channels the scheduler may use; a channel without credentials disables itself.
REMINDER_CHANNELS = env_list("REMINDER_CHANNELS", "email,fcm,apns,webpush")
FCM_CREDENTIALS_FILE = os.environ.get("FCM_CREDENTIALS_FILE", "")
APNS_KEY_FILE = os.environ.get("APNS_KEY_FILE", "")
APNS_KEY_ID = os.environ.get("APNS_KEY_ID", "")
APNS_TEAM_ID = os.environ.get("APNS_TEAM_ID", "")
APNS_TOPIC = os.environ.get("APNS_TOPIC", "")
APNS_USE_SANDBOX = env_bool("APNS_USE_SANDBOX", False)
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_CLAIMS_SUBJECT = os.environ.get("VAPID_CLAIMS_SUBJECT", "")
# Web Push endpoints are accepted only on these push services (".name" = any
# subdomain): Chrome/Android (FCM), Firefox (Mozilla), Edge (WNS), Safari (Apple).
WEBPUSH_ALLOWED_HOSTS = env_list(
    "WEBPUSH_ALLOWED_HOSTS",
    "fcm.googleapis.com,.push.services.mozilla.com,.notify.windows.com,.push.apple.com",
)
# The public half of the VAPID key pair (base64url, uncompressed P-256 point): browsers
# subscribe to push with it; served to the app by GET /api/v1/me/push-config.
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
# Deliveries per sending task: hundreds per task, never one task per patient (with
# concurrent sends, per-task overhead outweighs spreading smaller chunks on 2 cores).
REMINDER_SEND_CHUNK = env_int("REMINDER_SEND_CHUNK", 250)
# Provider calls in flight at once within one sending task (threads; I/O-bound).
REMINDER_SEND_CONCURRENCY = env_int("REMINDER_SEND_CONCURRENCY", 16)
# Queue of the sending tasks (empty: Celery's default queue); lets sending get its own workers.
REMINDER_SEND_QUEUE = os.environ.get("REMINDER_SEND_QUEUE", "")
# Queue of beat's planning passes (reminders with their sweep of abandoned rows, and
# digests), so a backlog of sending never holds a tick back. A worker started without
# -Q consumes it with the others; production gives it a worker of its own (README).
REMINDER_SCHEDULER_QUEUE = os.environ.get("REMINDER_SCHEDULER_QUEUE", "") or "scheduler"
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [
    Queue(name)
    for name in dict.fromkeys(["celery", REMINDER_SCHEDULER_QUEUE, REMINDER_SEND_QUEUE])
    if name
]
CELERY_TASK_ROUTES = {
    "notifications.tasks.plan_reminders": {"queue": REMINDER_SCHEDULER_QUEUE},
    "notifications.tasks.plan_digests": {"queue": REMINDER_SCHEDULER_QUEUE},
}
# Attempts per delivery (transient provider errors), and the backoff between them.
REMINDER_MAX_ATTEMPTS = env_int("REMINDER_MAX_ATTEMPTS", 4)
REMINDER_RETRY_BACKOFF_SECONDS = env_int("REMINDER_RETRY_BACKOFF_SECONDS", 30)
# The lease on a row being sent: its sender renews it every quarter of this while it
# works; a row whose lease went unrenewed this long (its sender died), or left
# `pending` this long, is taken over again. Must exceed CELERY_TASK_TIME_LIMIT.
REMINDER_CLAIM_TIMEOUT_SECONDS = env_int("REMINDER_CLAIM_TIMEOUT_SECONDS", 600)
# Past local days the planner closes as `missed` after downtime (never sent late).
REMINDER_MISSED_LOOKBACK_DAYS = env_int("REMINDER_MISSED_LOOKBACK_DAYS", 1)
# Clinician digest: patients with this many scheduled days in a row without a log.
DIGEST_MISSED_DAYS = env_int("DIGEST_MISSED_DAYS", 3)

# --- Webhooks -------------------------------------------------------------------
# Seconds a receiver has to answer, and the most of its answer that is read.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_RESPONSE_MAX_BYTES = env_int("WEBHOOK_RESPONSE_MAX_BYTES", 65536)
# Transient failures (5xx, 408, 429, timeouts) are retried after this many seconds,
# doubling each time, for up to WEBHOOK_RETRY_HOURS after the event.
WEBHOOK_RETRY_BACKOFF_SECONDS = env_int("WEBHOOK_RETRY_BACKOFF_SECONDS", 30)
WEBHOOK_RETRY_HOURS = env_int("WEBHOOK_RETRY_HOURS", 24)
# Failed attempts in a row after which an endpoint is disabled (owners get an email).
WEBHOOK_DISABLE_AFTER_FAILURES = env_int("WEBHOOK_DISABLE_AFTER_FAILURES", 20)
# A message left `sending` this long (dead worker) is taken over again.
WEBHOOK_CLAIM_TIMEOUT_SECONDS = env_int("WEBHOOK_CLAIM_TIMEOUT_SECONDS", 300)
# TEST ONLY, never set in production: one exact origin (e.g. http://127.0.0.1:18710)
# that skips the outbound URL check, so tests can run a receiver on loopback.
WEBHOOK_TEST_RECEIVER_ORIGIN = os.environ.get("WEBHOOK_TEST_RECEIVER_ORIGIN", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own "django" handlers (a bare console line under DEBUG) would
        # print every 4xx/5xx a second time beside the root handler: root only.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
    },
}

# The rendered /me/today body is cached only where the cache is shared by every web
# process, so a write served by one process is seen at once by the others.
TODAY_CACHE_ENABLED = env_bool("TODAY_CACHE_ENABLED", default=bool(REDIS_URL))
# The same holds for the rows behind each sign-in token (patients.token_cache): a
# token revoked by one process must stop working at once in every other.
TOKEN_CACHE_ENABLED = env_bool("TOKEN_CACHE_ENABLED", default=bool(REDIS_URL))

# Sign-in throttles count in the default cache, which every web process must share:
# Redis (atomic INCR) when REDIS_URL is set; otherwise a table in the database
# (`createcachetable`, which `up` runs), atomic on the embedded SQLite file.
# Production refuses to start without Redis.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Keeps deployments (or test runs) that share one Redis database apart.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.AtomicCounterDatabaseCache",
            "LOCATION": "hep_cache",
        }
    }

# --- Clinician console (/clinic/) ---------------------------------------------------
LOGIN_URL = "console-login"
LOGIN_REDIRECT_URL = "console-home"
LOGOUT_REDIRECT_URL = "console-login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)
# Browser sessions are read from the shared cache, written through to the database
# (Django's cached_db engine): every console page read its session row first. Only
# with Redis, which every process shares, so a sign-out in one ends the session in
# all; the embedded run's cache is a database table, which would gain nothing.
SESSION_CACHE_ENABLED = env_bool("SESSION_CACHE_ENABLED", default=bool(REDIS_URL))
if SESSION_CACHE_ENABLED:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)

# Sign-in lockouts (django-axes) for the console's and the admin's login forms: after
# LOGIN_LOCKOUT_FAILURES failures for one account, or from one client address, further
# attempts are refused for LOGIN_LOCKOUT_MINUTES. The API's login has its own throttles.
AUTHENTICATION_BACKENDS = [
    "config.web.lockouts.LockoutBackend",
    # Sign-in by the active account of an address (see patients.backends).
    "patients.backends.EmailBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_WHITELIST_CALLABLE = "config.web.lockouts.not_a_browser_sign_in"
# Both forms post the email as "username"; attempts count per lower-cased address.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "config.web.lockouts.account_of_attempt"
# The client address as the API throttles see it: REMOTE_ADDR, or the entry the
# NUM_PROXIES trusted proxies vouch for.
AXES_IPWARE_PROXY_COUNT = REST_FRAMEWORK["NUM_PROXIES"]

# TOTP second factor (django-otp): the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Home exercise programs")

# A strict policy: only this site's own files, no inline script or style anywhere.
# Left out: the unsubscribe page (an email landing page with its styles inline), and
# /api/ (JSON that no browser renders, and Swagger UI's inline start-up script).
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/u/", "/api/"],
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    },
}
