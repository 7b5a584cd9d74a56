"""Settings for wpsconf, read from the environment (see README.md, "Configuration")."""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from wpsconf import clock

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of on/off, true/false, 1/0; got {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name, "").strip().lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}.")
    return value


def env_networks(name: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or CIDR ranges separated by commas; {item!r} is neither."
            ) from None
    return networks


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Keys that have stood in this repository or its examples: anyone can read them.
PLACEHOLDER_SECRET_KEYS = {
    "change-me-to-a-long-random-string",
    "test-only-not-a-secret",
    "collectstatic-only",
    "development-only-key-never-used-with-debug-off",
}
HOW_TO_MAKE_A_KEY = 'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            f"SECRET_KEY is not set. Set it in the environment (see .env.example); only DEBUG=on runs with a "
            f"development key. {HOW_TO_MAKE_A_KEY}"
        )
    SECRET_KEY = "development-only-key-never-used-with-debug-off"  # noqa: S105  (DEBUG only)
elif not DEBUG and (
    any(placeholder in SECRET_KEY for placeholder in PLACEHOLDER_SECRET_KEYS)
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 10  # a random key of hexadecimal digits has 16
):
    raise ImproperlyConfigured(
        "SECRET_KEY is a placeholder or too weak: it must be at least 50 random characters, never the "
        f"example's. {HOW_TO_MAKE_A_KEY}"
    )

# A demonstration of the site on a day of its calendar (`make run`); never with DEBUG off (wpsconf.clock).
SITE_CLOCK_OFFSET = clock.offset_from(clock.parse(os.environ.get("SITE_CLOCK", "real"), debug=DEBUG))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The reverse proxies in front of the site: only their X-Forwarded-For is believed (wpsconf.clients).
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

# HTTPS is on by default in production: the site runs behind a TLS-terminating proxy.
HTTPS = env_bool("HTTPS", not DEBUG)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes talk plain http inside the network
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # No HSTS preload: a preload listing binds the whole domain for months and is the
    # domain owner's decision, not this application's.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    "wpsconf.apps.AdminConfig",  # Django's admin, on our site class (wpsconf.staff)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    # The project's apps, each importing only those before it (README: How the code is laid out).
    "outbox",
    "agenda",
    "registration",
    "accreditation",
    "delegations",
    "backoffice",
    # Libraries' apps under our own configurations, for names in Russian and Kazakh (wpsconf.apps).
    "wpsconf.apps.AxesConfig",
    "django_otp",
    "wpsconf.apps.OtpTotpConfig",
    "wpsconf.apps.OtpStaticConfig",
    "simple_history",
    "csp",
    "django_cleanup.apps.CleanupConfig",  # last, as its documentation asks
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "wpsconf.security_headers.SameEverywhereCSPMiddleware",  # django-csp's, the policy built once
    "wpsconf.security_headers.permissions_policy_middleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "wpsconf.admin_language.admin_language_middleware",
    # Before anything reads the body (the CSRF check does): too large a post is not read.
    "wpsconf.request_limits.request_body_limit_middleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Who made each change, for the audit history (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "agenda.middleware.current_conference_middleware",
    # After the conference is known: door staff are signed out at its midnight.
    "wpsconf.staff.staff_session_middleware",
    "axes.middleware.AxesMiddleware",  # last, as its documentation asks
]

# Staff sign-in is guarded against guessing: five wrong passwords for one account from one
# address lock that pair out for 15 minutes (a clear page says so); others are not affected.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "wpsconf.clients.locked_out"
AXES_CLIENT_IP_CALLABLE = "wpsconf.clients.client_key"
AXES_CLIENT_STR_CALLABLE = "wpsconf.clients.described_without_personal_data"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # failed attempts are kept; successful sign-ins need no record of their address

# Staff who see personal data sign in with a second factor (wpsconf.staff); door staff, whose
# only permission is the check-in, sign in on shared phones and are signed out at midnight.
STAFF_2FA = env_choice("STAFF_2FA", ("required", "optional"), "optional" if DEBUG else "required")
STAFF_IDLE_MINUTES = env_int("STAFF_IDLE_MINUTES", 30)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "WPS conference"
if STAFF_IDLE_MINUTES < 1:
    raise ImproperlyConfigured(f"STAFF_IDLE_MINUTES must be at least 1; got {STAFF_IDLE_MINUTES}.")

# Every page: scripts and styles from this site's own files only, nothing inline, never in a
# frame; what a browser blocks is reported to /csp-report/ and logged (wpsconf.security_headers).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws its small icons as data: images
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": "/csp-report/",
        **({"upgrade-insecure-requests": True} if HTTPS else {}),
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

ROOT_URLCONF = "wpsconf.urls"
WSGI_APPLICATION = "wpsconf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite under var/ when nothing is configured, so `make run` needs no services.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("kk", _("Kazakh"))]
# locale_countries/: Kazakh country names, which django-countries does not ship (scripts/country_names.py).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_countries"]
FORMAT_MODULE_PATH = ["wpsconf.formats"]
USE_I18N = True
USE_TZ = True
# The server keeps UTC; pages show each conference's own zone (agenda.middleware).
TIME_ZONE = "UTC"

# django-countries' English names, where they are not those people write (its Russian and Kazakh
# names for these are kept in our catalogue).
COUNTRIES_OVERRIDE = {"NR": _("Nauru"), "BS": _("Bahamas")}

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "ru", "kk")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or VAR_DIR / "media")
# Press cards, letters and photos: never under MEDIA_ROOT, never served by URL.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT") or VAR_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Files are stored only up to the largest size a form accepts (wpsconf.request_limits).
FILE_UPLOAD_HANDLERS = [
    "wpsconf.request_limits.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# The audit history keeps a document's name, not a second handle on its file (which
# django-cleanup would otherwise delete with an old record).
SIMPLE_HISTORY_FILEFIELD_TO_CHARFIELD = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mail: SMTP when EMAIL_HOST is set; otherwise each message is a file under var/mail/.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "WPS Conference <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# Celery: with no broker, tasks run in-process so `make run` needs no Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    # Tasks run in the process; naming kombu's in-memory transport keeps it from warning that no
    # broker host was given (and from ever trying one on localhost).
    CELERY_BROKER_URL = "memory://localhost/"
# With DEBUG off, a web server refuses to start without a broker (wpsconf.celery); only a
# settings module of a benchmark may allow it, never the environment.
TASKS_IN_THE_WEB_PROCESS = False
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
# Whom the outbox mails: a row with `email` and `language` (the outbox imports no app of ours).
OUTBOX_RECIPIENT_MODEL = "registration.Registration"
# A request must not hang on a broker outage: one quick retry, then the outbox sweep takes over.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_TIMEZONE = "UTC"
# Beat's sweeps send what a lost task left behind (emails, "lost link" requests): how often
# they run, and how old untouched work must be to count as lost. An email claimed by a
# worker that never finished is sent again after OUTBOX_STUCK_AFTER_SECONDS, which must be
# far longer than one SMTP conversation.
SWEEP_SECONDS = env_int("SWEEP_SECONDS", 60)
TASK_LOST_AFTER_SECONDS = env_int("TASK_LOST_AFTER_SECONDS", 60)
OUTBOX_STUCK_AFTER_SECONDS = env_int("OUTBOX_STUCK_AFTER_SECONDS", 600)
CELERY_BEAT_SCHEDULE = {
    # Sends what a lost task or a mail-server outage left behind.
    "requeue-unsent-emails": {
        "task": "outbox.tasks.requeue_unsent_emails",
        "schedule": float(SWEEP_SECONDS),
    },
    # "Lost your link?" requests whose task was lost (broker down, worker died).
    "answer-waiting-link-requests": {
        "task": "registration.tasks.answer_waiting_link_requests",
        "schedule": float(SWEEP_SECONDS),
    },
    # The same for the focal points' requests for their delegation's link.
    "answer-waiting-focal-point-link-requests": {
        "task": "delegations.tasks.answer_waiting_link_requests",
        "schedule": float(SWEEP_SECONDS),
    },
    # The day before a conference, each confirmed person is reminded once.
    "send-reminders": {"task": "registration.tasks.send_reminders", "schedule": 60.0 * 60},
    # Documents kept for media applications that came back with an error and were never sent again.
    "sweep-held-documents": {"task": "accreditation.tasks.sweep_held_documents", "schedule": 60.0 * 60},
}

# Rate limits need one counter for all web processes: Redis when we have it.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        # A request waits at most a second for Redis; the rate limits then count in the process.
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CELERY_BROKER_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
        "process": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "process",
            "OPTIONS": {"MAX_ENTRIES": 100_000},  # an outage's counters, not culled at Django's 300
        },
        "rate_limits": {
            "BACKEND": "wpsconf.rate_limit_cache.SharedOrLocalCache",
            "OPTIONS": {"SHARED": "default", "LOCAL": "process"},
        },
    }
    COUNTERS_CACHE = "rate_limits"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    COUNTERS_CACHE = "default"
# Per-visitor counters (rate limits, documents held for a form) that must not fail with Redis.
RATELIMIT_USE_CACHE = COUNTERS_CACHE
# The public pages drawn once for everyone (agenda.page_cache): in Redis while it answers, else
# in this process's memory.
PAGES_CACHE = COUNTERS_CACHE
# How long a process goes on presenting the conference it last read before reading it again
# (agenda.middleware); its own saves in the admin take effect at once.
PRESENTED_CONFERENCE_SECONDS = 2.0
# Each process's own memory: the forms' fields drawn once per language ({% cache %} in the form
# pages; a new release never serves fields drawn by the one before) and its own copies of the
# public pages, read before the shared ones.
PROCESS_CACHE = "process" if "process" in CACHES else "default"
# Registration and "lost your link" posts per address; a delegation's shared office
# connection registers many people, so the limit is generous.
REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "30/h")

# Every handler redacts personal links, runserver's access log included: Django's own
# handlers for the "django" and "django.server" loggers are replaced, not kept beside ours.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "filters": {"redact_personal_links": {"()": "wpsconf.log_filters.RedactPersonalLinks"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_personal_links"]},
        "server": {"class": "logging.StreamHandler", "formatter": "server", "filters": ["redact_personal_links"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO"), "propagate": False},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
    },
}
