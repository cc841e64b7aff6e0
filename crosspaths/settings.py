"""Crosspaths settings: one file, read from environment variables with local defaults.

Production is the default: without ``DEBUG=1`` the app refuses to start unless
``SECRET_KEY`` and ``ALLOWED_HOSTS`` are set. ``make run`` (Procfile.dev) and the test
suite turn DEBUG on for themselves; both use SQLite (``var/crosspaths.sqlite3``) unless
``DATABASE_URL`` says otherwise. See docs/operations.md.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules
# Off unless asked for: a forgotten variable must not serve tracebacks and the
# development mailbox to the intranet. The test suite turns it on for itself.
DEBUG = env_bool("DEBUG", TESTING)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG=0 (a long random string; see docs/operations.md)"
        )
    SECRET_KEY = "dev-only-insecure-key-change-me-crosspaths-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*" if DEBUG else "")
if not DEBUG and (not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must name this site's host names when DEBUG=0, e.g. "
        "ALLOWED_HOSTS=crosspaths.example.com ('*' is refused: it lets a forged Host "
        "header reach the app)"
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Absolute links in e-mails. In development it follows the port `make run PORT=...`
# serves on (CROSSPATHS_PORT, set by the Makefile for every process it starts).
SITE_URL = os.environ.get(
    "SITE_URL", f"http://127.0.0.1:{os.environ.get('CROSSPATHS_PORT') or 8000}"
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # its templates and static files: Swagger UI at /api/docs without a CDN
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "crosspaths.housekeeping",
    "crosspaths.people",
    "crosspaths.programs",
    "crosspaths.meetings",
    "crosspaths.notify",
    "crosspaths.onboarding",
    "crosspaths.webhooks",
    "crosspaths.collaboration",
    "crosspaths.insights",
    "crosspaths.console",
    "crosspaths.events",
    "crosspaths.mentoring",
    "crosspaths.bridges",
    "crosspaths.perspective",
    "crosspaths.privacy",
    "crosspaths.web",
    "crosspaths.api",
    "crosspaths.scim",
    "crosspaths.slack",
    "crosspaths.intranet",
    "crosspaths.teams",
    "crosspaths.journeys",
    "crosspaths.demo",
]

MIDDLEWARE = [
    # First: counts every request (django-prometheus) and gives it an id for the logs.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "crosspaths.request_ids.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "crosspaths.people.middleware.CurrentPersonMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as its documentation asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "crosspaths.urls"
WSGI_APPLICATION = "crosspaths.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# SQLite in var/ unless DATABASE_URL says otherwise (postgres://user@host:5432/name).
VAR_DIR = Path(os.environ.get("CROSSPATHS_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite creates files, not folders
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'crosspaths.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web app read while a worker writes; a busy timeout instead of
    # "database is locked" when the worker and the web app write at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Passwords (Django's own) and e-mail sign-in links; SSO backends (django-allauth) go here.
# django-axes first: it refuses a password guess while that account is cooling down.
AUTHENTICATION_BACKENDS = [
    "crosspaths.web.throttle.PasswordThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
    "crosspaths.web.auth.SignInLinkBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "crosspaths" / "locale"]
FORMAT_MODULE_PATH = ["crosspaths.formats"]  # one date format per language
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# The development mailbox (/notify/dev/mail/) is routed only in development. A setting of
# its own, fixed when the settings load: test runners switch DEBUG off while the suite
# runs, so reading DEBUG whenever urls.py happens to be imported first made the route
# come and go with the order of the tests.
DEV_MAILBOX = DEBUG

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing one
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: printed to the console in development; SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Crosspaths <crosspaths@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The ORGANIZER of calendar invitations, where calendar answers (accept/decline) go:
# "Name <address>"; empty means DEFAULT_FROM_EMAIL. Crosspaths never reads that mailbox.
CALENDAR_ORGANIZER = os.environ.get("CALENDAR_ORGANIZER", "")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# SCIM provisioning: more deactivations within an hour than this share of an
# organization's people pause further ones and alert its admins (docs/scim.md).
SCIM_DEACTIVATION_SHARE = float(os.environ.get("CROSSPATHS_SCIM_DEACTIVATION_SHARE", "0.10"))

# Background work through the DEP 14 Tasks API: the database queue by default,
# RQ on Redis when TASKS_BACKEND=rq; tests run tasks immediately unless a test
# asks for a real worker.
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate" if TESTING else "database")
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Rounds and delivery (see docs/rounds.md). The scheduler wakes every few seconds;
# the outbox hands a worker a batch of messages at a time and leases them so a worker
# that dies does not hold them forever.
INSIGHTS_NIGHTLY_HOUR_UTC = int(os.environ.get("INSIGHTS_NIGHTLY_HOUR_UTC", "2"))
HOUSEKEEPING_HOUR_UTC = int(os.environ.get("HOUSEKEEPING_HOUR_UTC", "3"))
SCHEDULER_INTERVAL_SECONDS = float(os.environ.get("SCHEDULER_INTERVAL_SECONDS", "5"))
MAIL_BATCH_SIZE = int(os.environ.get("MAIL_BATCH_SIZE", "100"))
# A worker claims (and marks sent) this many messages of its batch at a time: at most
# this many are "in doubt" (failed by the sweep, never resent) if it dies mid-batch.
MAIL_CLAIM_SIZE = int(os.environ.get("MAIL_CLAIM_SIZE", "25"))
# Bulk writes of at least this many rows refresh PostgreSQL's planner statistics of the
# tables they filled (crosspaths/dbstats.py).
ANALYZE_AFTER_ROWS = int(os.environ.get("ANALYZE_AFTER_ROWS", "1000"))
MAIL_DISPATCH_LEASE_SECONDS = int(os.environ.get("MAIL_DISPATCH_LEASE_SECONDS", "900"))
MAIL_SEND_LEASE_SECONDS = int(os.environ.get("MAIL_SEND_LEASE_SECONDS", "300"))
MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "8"))
MAIL_RETRY_SECONDS = int(os.environ.get("MAIL_RETRY_SECONDS", "60"))
REMINDER_HOURS_BEFORE = int(os.environ.get("REMINDER_HOURS_BEFORE", "24"))
# A round published late (the day-before moment has passed): remind this long before.
REMINDER_LATE_HOURS_BEFORE = int(os.environ.get("REMINDER_LATE_HOURS_BEFORE", "3"))
# The group's organizer is nudged this many working days after publishing when nobody
# confirmed or moved the time.
NUDGE_AFTER_WORKING_DAYS = int(os.environ.get("NUDGE_AFTER_WORKING_DAYS", "2"))
# Publishing moves a suggested slot that starts sooner than this (or has passed) to a
# later time inside the round's window: nobody gets an invitation for the next hour.
SLOT_LEAD_HOURS = float(os.environ.get("SLOT_LEAD_HOURS", "2"))
CHECKIN_LINK_MAX_AGE_DAYS = int(os.environ.get("CHECKIN_LINK_MAX_AGE_DAYS", "30"))
# How long the one-click unsubscribe link of a program e-mail works (RFC 8058).
UNSUBSCRIBE_LINK_MAX_AGE_DAYS = int(os.environ.get("UNSUBSCRIBE_LINK_MAX_AGE_DAYS", "180"))
# Sent and skipped messages are deleted this long after they went out (a daily job,
# crosspaths/notify/retention.py); failed and queued ones stay.
MESSAGE_RETENTION_DAYS = int(os.environ.get("MESSAGE_RETENTION_DAYS", "90"))
# /api/ready says "not ready" when no scheduler finished a pass for this long (a pass
# every SCHEDULER_INTERVAL_SECONDS; a cron scheduler with --once every minute fits too).
READY_SCHEDULER_MAX_AGE_SECONDS = float(os.environ.get("READY_SCHEDULER_MAX_AGE_SECONDS", "180"))

# The Slack app (crosspaths.slack, docs/slack.md): one Slack app per installation of
# Crosspaths, installed into each organization's workspace by OAuth. Empty client id:
# the console offers no "Connect Slack". SLACK_TOKEN_KEY encrypts the bot tokens at
# rest (derived from SECRET_KEY when empty). SLACK_API_URL points tests and the bench
# at a local fake of Slack's Web API.
SLACK_CLIENT_ID = os.environ.get("SLACK_CLIENT_ID", "")
SLACK_CLIENT_SECRET = os.environ.get("SLACK_CLIENT_SECRET", "")
SLACK_SIGNING_SECRET = os.environ.get("SLACK_SIGNING_SECRET", "")
SLACK_TOKEN_KEY = os.environ.get("SLACK_TOKEN_KEY", "")
SLACK_API_URL = os.environ.get("SLACK_API_URL", "https://slack.com/api/")
SLACK_AUTHORIZE_URL = os.environ.get("SLACK_AUTHORIZE_URL", "https://slack.com/oauth/v2/authorize")
SLACK_TIMEOUT_SECONDS = float(os.environ.get("SLACK_TIMEOUT_SECONDS", "10"))

# The Microsoft Teams app (crosspaths.teams, docs/teams.md): one bot (an Azure bot
# registration) per installation of Crosspaths, multi-tenant; each organization names
# its Microsoft Entra tenant in the console and installs the generated app package.
# Empty TEAMS_APP_ID: the console offers no "Connect Teams". The secret is the bot's
# client secret, read from the environment only (never stored in the database). The
# token, OpenID metadata and issuer settings point tests and the bench at a local fake.
TEAMS_APP_ID = os.environ.get("TEAMS_APP_ID", "")
TEAMS_APP_PASSWORD = os.environ.get("TEAMS_APP_PASSWORD", "")
TEAMS_TOKEN_URL = os.environ.get(
    "TEAMS_TOKEN_URL", "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
)
TEAMS_TOKEN_SCOPE = os.environ.get("TEAMS_TOKEN_SCOPE", "https://api.botframework.com/.default")
TEAMS_OPENID_URL = os.environ.get(
    "TEAMS_OPENID_URL", "https://login.botframework.com/v1/.well-known/openidconfiguration"
)
TEAMS_TOKEN_ISSUER = os.environ.get("TEAMS_TOKEN_ISSUER", "https://api.botframework.com")
TEAMS_TIMEOUT_SECONDS = float(os.environ.get("TEAMS_TIMEOUT_SECONDS", "10"))

# Behind a reverse proxy: how many proxies append to X-Forwarded-For in front of the
# app (0: connect directly, the socket's address is the client). Only then are the
# headers believed; a client can write any X-Forwarded-For it likes.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if env_bool("PROXY_SETS_X_FORWARDED_PROTO", False):
    # Only when the operator says a proxy sets (and overwrites) the header; otherwise a
    # client could claim HTTPS on a plain connection.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Sign-in links (crosspaths.web.signin): one link per e-mail address per cool-down
# (a fresh link is then in the inbox, so nobody is locked out by others' requests),
# and hourly limits per e-mail and client address and per client address.
SIGN_IN_LINK_COOLDOWN_SECONDS = int(os.environ.get("SIGN_IN_LINK_COOLDOWN_SECONDS", "60"))
SIGN_IN_LINKS_PER_EMAIL = int(os.environ.get("SIGN_IN_LINKS_PER_EMAIL", "5"))
SIGN_IN_LINKS_PER_IP = int(os.environ.get("SIGN_IN_LINKS_PER_IP", "30"))

# Password sign-in and /admin/login/ (django-axes): after AXES_FAILURE_LIMIT failures
# for one account from one client address, that pair cools down; failures older than
# the cool-down are forgotten, so the window and the cool-down are the same length.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_MINUTES = int(os.environ.get("AXES_COOLOFF_MINUTES", "15"))
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "crosspaths.web.throttle.axes_username"
AXES_WHITELIST_CALLABLE = "crosspaths.web.throttle.axes_ignores"
AXES_CLIENT_IP_CALLABLE = "crosspaths.web.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "crosspaths.web.throttle.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Content-Security-Policy (django-csp): everything from this site, no inline script or
# style, no plugins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers, container health checks and Prometheus probe over plain HTTP on
    # the inside; these answer there instead of redirecting (no cookies, no pages).
    SECURE_REDIRECT_EXEMPT = [r"^api/health$", r"^api/ready$", r"^metrics$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds the whole domain to HTTPS in browsers for months; an intranet
        # operator opts in with SECURE_HSTS_PRELOAD=1 rather than us deciding for them.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# Logs on stderr, one JSON object per line in production (LOG_FORMAT=json, the default
# when DEBUG=0) with the request id of the request being served (crosspaths.request_ids);
# plain text in development. One line per request comes from the app, not gunicorn.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "crosspaths.request_ids.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The per-request line: on in production, quiet in development and tests.
        "crosspaths.requests": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
    },
}

# Error reports to Sentry (or a compatible service) only when SENTRY_DSN is set; no
# personal data, no paths (crosspaths/error_reports.py), no tracing unless asked for.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from crosspaths.error_reports import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

# /metrics (crosspaths/api/metrics.py): absent (404) unless a token is set; scrapers send
# "Authorization: Bearer <METRICS_TOKEN>".
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# --- Single sign-on (django-allauth; issue 11, crosspaths/sso/, docs/sso.md) ---------
# Each organization's identity provider (OpenID Connect or SAML 2.0) is built from its
# row in crosspaths.sso by the adapter below: no SocialApp rows, no settings per
# customer. allauth's own account pages are not mounted; only its protocol endpoints
# under /sso/. Nobody gets an account from an assertion: the roster decides.
INSTALLED_APPS += [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "crosspaths.sso",
]
MIDDLEWARE += ["allauth.account.middleware.AccountMiddleware"]
SOCIALACCOUNT_ADAPTER = "crosspaths.sso.adapter.OrganizationSocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # never match logins by an asserted e-mail
SOCIALACCOUNT_REQUESTS_TIMEOUT = int(os.environ.get("SSO_REQUESTS_TIMEOUT", "10"))
ACCOUNT_EMAIL_VERIFICATION = "none"
# --- end of single sign-on -------------------------------------------------------------

# --- REST API (crosspaths/api, docs/api.md) -------------------------------------------
# Requests per API key and minute; the one after the limit within a minute gets 429.
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("API_RATE_LIMIT_PER_MINUTE", "600"))
# Page sizes of the API's lists (?limit=): the default and the most one page holds.
API_PAGE_SIZE = int(os.environ.get("API_PAGE_SIZE", "50"))
API_MAX_PAGE_SIZE = int(os.environ.get("API_MAX_PAGE_SIZE", "500"))
# --- end of REST API ---------------------------------------------------------------------

# --- Intranet encounter card (crosspaths/intranet, docs/intranet.md) ----------------------
# How long a card token minted by POST /api/v1/embed-tokens signs a person in to the
# card (seconds). The intranet page mints one per page view.
INTRANET_CARD_TOKEN_MAX_AGE = int(os.environ.get("INTRANET_CARD_TOKEN_MAX_AGE", "600"))
# Plain-HTTP intranet origins in the allow-list: development and loopback tests only.
INTRANET_ALLOW_HTTP_ORIGINS = env_bool("INTRANET_ALLOW_HTTP_ORIGINS", DEBUG)
# --- end of intranet encounter card --------------------------------------------------------
# --- Outgoing webhooks (crosspaths/webhooks, docs/webhooks.md) -----------------------------
# Endpoints on loopback or private networks are refused unless this is on (default: on
# with DEBUG only). WEBHOOKS_SECRET_KEY encrypts the signing secrets at rest (empty:
# derived from SECRET_KEY).
WEBHOOKS_ALLOW_PRIVATE = os.environ.get("WEBHOOKS_ALLOW_PRIVATE", "1" if DEBUG else "0") == "1"
WEBHOOKS_SECRET_KEY = os.environ.get("WEBHOOKS_SECRET_KEY", "")
WEBHOOKS_CONNECT_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOKS_CONNECT_TIMEOUT_SECONDS", "5"))
WEBHOOKS_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOKS_TIMEOUT_SECONDS", "15"))
# Waits after each failed attempt (Standard Webhooks' schedule); attempts in all.
WEBHOOKS_RETRY_SCHEDULE_SECONDS = [
    int(s)
    for s in os.environ.get(
        "WEBHOOKS_RETRY_SCHEDULE_SECONDS", "5,300,1800,7200,18000,36000,36000"
    ).split(",")
]
WEBHOOKS_MAX_ATTEMPTS = int(os.environ.get("WEBHOOKS_MAX_ATTEMPTS", "8"))
# An endpoint is disabled when this many attempts in a row failed over at least this long.
WEBHOOKS_DISABLE_AFTER_FAILURES = int(os.environ.get("WEBHOOKS_DISABLE_AFTER_FAILURES", "5"))
WEBHOOKS_DISABLE_AFTER_HOURS = float(os.environ.get("WEBHOOKS_DISABLE_AFTER_HOURS", "24"))
WEBHOOKS_DISPATCH_LEASE_SECONDS = int(os.environ.get("WEBHOOKS_DISPATCH_LEASE_SECONDS", "900"))
WEBHOOKS_SEND_LEASE_SECONDS = int(os.environ.get("WEBHOOKS_SEND_LEASE_SECONDS", "120"))
WEBHOOKS_BATCH_SIZE = int(os.environ.get("WEBHOOKS_BATCH_SIZE", "100"))
WEBHOOKS_KEEP_DAYS = int(os.environ.get("WEBHOOKS_KEEP_DAYS", "30"))
# --- end of outgoing webhooks --------------------------------------------------------------
