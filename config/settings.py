"""Settings for the seizure case-management system.

Everything that differs between a laptop and a deployment comes from the environment.
With nothing set you get a local demo on SQLite. With DJANGO_ENV=production the process
refuses to start without SECRET_KEY and DATABASE_URL, and `manage.py check --deploy` is clean.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_rate, env_required, env_str
from config.logging import configure_structlog, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV={DJANGO_ENV!r}: use 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env_required("SECRET_KEY")
    DEBUG = env_bool("DEBUG", False)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must name the hosts this deployment serves.")
    DATABASES = {
        "default": dj_database_url.parse(
            env_required("DATABASE_URL"),
            conn_max_age=env_int("CONN_MAX_AGE", 60),
            # A reused connection is checked before each request, so that app servers carry
            # on by themselves after the database restarts or fails over.
            conn_health_checks=True,
        )
    }
else:
    # A fixed key is fine for a local demo: nothing signed with it leaves this machine.
    SECRET_KEY = env_str("SECRET_KEY") or "local-demo-only-not-secret-local-demo-only-not-secret-0123"
    DEBUG = env_bool("DEBUG", True)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=env_int("CONN_MAX_AGE", 0),
            conn_health_checks=True,
        )
    }

# A read replica for the partner API (docs/deploy.md): its reads, and nothing else, go there.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"),
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.routers.PartnerAPIReplicaRouter"]
# A database that does not answer fails a request (a 503) within seconds instead of hanging it.
for _database in DATABASES.values():
    if "postgresql" in _database["ENGINE"]:
        _database.setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))

INSTALLED_APPS = [
    # The admin on the project's own site: optional two-factor login (config/admin_site.py).
    "config.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    # Before partners, whose admin replaces the library's key admin.
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "rangefilter",
    # Login throttling and lock-out, optional TOTP two-factor, Content-Security-Policy.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_structlog",
    "seizures",
    "sources",
    "partners",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # In production, static files straight from the app servers, compressed and cached for
    # good (`collectstatic` first, as `make serve` does); runserver serves them in development.
    *(["whitenoise.middleware.WhiteNoiseMiddleware"] if PRODUCTION else []),
    # A request id on every log line and on the response (X-Request-ID).
    "config.logging.RequestMiddleware",
    # A lost database answers 503 with Retry-After, never a 500 page.
    "config.middleware.DatabaseUnavailableMiddleware",
    # The partner API's reads go to the read replica, when there is one.
    "config.routers.PartnerAPIReplicaMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): did this login give a two-factor code?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Attributes each history row to the logged-in user who made the change.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: it answers a locked-out login (and logs it).
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username and address is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files with far-future caching once collected (`make serve`); in
    # development and tests files are served from the apps' folders as they are.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "admin:login"

# Sessions end when the browser closes and after eight hours at most: reviewers work on
# shared machines in some newsrooms.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Content-Security-Policy, in every environment so that the tests run under it: scripts,
# styles, images and fonts come from this site only, no inline script or style runs unless
# the page gave it the request's nonce (the queue's date filter does), nothing frames the
# pages. The admin, the review pages, the overview and the API docs work within it (the
# browser tests fail on any violation).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        # Style attributes: only django-simple-history's one on its history pages' paginator
        # ("border-top: 0"), allowed by its hash.
        "style-src-attr": ["'unsafe-hashes'", "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The proxies in front, the one source of a client's address: for login lock-outs below and
# for DRF's throttles (REST_FRAMEWORK["NUM_PROXIES"]). Each trusted proxy appends the address
# it got the request from to X-Forwarded-For, so the client is the PROXY_COUNT-th entry from
# the right, and everything left of it is whatever the client sent. 0 ignores the header.
# Production defaults to 1: every deployment has its TLS proxy in front (docs/deploy.md), and
# the X-Forwarded-Proto trusted above already relies on it. Development defaults to 0:
# runserver is reached directly, so any X-Forwarded-For there came from the client itself.
PROXY_COUNT = env_int("PROXY_COUNT", 1 if PRODUCTION else 0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"PROXY_COUNT={PROXY_COUNT}: use the number of proxies in front, 0 for none.")


def login_client_address(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the entry PROXY_COUNT from the right of X-Forwarded-For, or
    REMOTE_ADDR with no proxy in front or for a request that did not come through them all.

    Not django-ipware (8.0), which axes would use otherwise: its proxy count of 1 takes the
    left of two entries, the one the client sent; and the count that does mean one proxy, 0,
    reads X-Forwarded-For as RFC 7239 quoted strings, so a client sending
    `for="198.51.100.1";x="` gets the address the proxy appends swallowed into its own quoted
    value, and ipware answers 198.51.100.1. tests/test_login_security.py sends both."""
    import ipaddress

    from django.conf import settings

    count = settings.PROXY_COUNT
    remote_addr = request.META.get("REMOTE_ADDR")
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if count == 0 or len(hops) < count:
        return remote_addr
    try:
        return str(ipaddress.ip_address(hops[-count].strip()))
    except ValueError:  # no header at all, or not what a proxy writes
        return remote_addr


def login_lockout_parameters(request, credentials=None) -> list:
    """AXES_LOCKOUT_PARAMETERS: what a failed login counts against.

    The name of an active account: that name from that address, so that nobody elsewhere can
    lock its owner out. Any other name: the address, counting every failure from it, so that
    trying made-up names (which would each get their own AXES_FAILURE_LIMIT tries) is stopped
    after AXES_FAILURE_LIMIT in all; real accounts from that address keep their own count.
    (axes' database handler always passes the request; its cache handler, unused here, would
    pass an AccessAttempt.)"""
    from axes.helpers import get_client_username
    from django.contrib.auth import get_user_model

    username = get_client_username(request, credentials)
    users = get_user_model()._default_manager
    if username and users.filter(**{users.model.USERNAME_FIELD: username, "is_active": True}).exists():
        return [["username", "ip_address"]]
    return ["ip_address"]


# Login throttling (django-axes): AXES_FAILURE_LIMIT failed logins lock out for
# AXES_COOLOFF_HOURS an account's name from one address, or any name that is not an account
# from one address (login_lockout_parameters); each failure and lock-out is logged and kept in
# the database (admin: Axes). `manage.py axes_reset` lifts lock-outs.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = login_lockout_parameters
AXES_CLIENT_IP_CALLABLE = login_client_address
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Two-factor (django-otp): optional for each reviewer and editor, who enrol a TOTP app at
# /admin/two-factor/; once enrolled, their logins need its code.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Seizure records")
# Nobody, superusers included, reads another person's TOTP secret or QR code in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Logs --------------------------------------------------------------------------------
# One event a line, with the request id (also sent back as X-Request-ID), the user id and the
# task id of background work. JSON in production, for a log collector; readable in a terminal.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "console")
if LOG_FORMAT not in {"json", "console"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use 'json' or 'console'.")
LOGGING = logging_config(level=env_str("LOG_LEVEL", "INFO"), json=LOG_FORMAT == "json")
configure_structlog()
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# Trust the X-Request-ID of the proxy in front, so one id follows a request through both logs.
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = env_bool("TRUST_UPSTREAM_REQUEST_ID", False)

# --- Shared state -----------------------------------------------------------------------
# With several app servers the partner API's rate limits must be counted in one place: the
# cache, in Redis. Without REDIS_URL (a laptop) each process counts its own, and
# `check --deploy` says so. (Login failures are counted in the database, see axes below.)
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

# --- Background work (Celery) ----------------------------------------------------------------
# Batch ingests and re-extractions run on workers (`make worker`), with Redis as the broker.
# With no broker configured (the local demo) the same tasks run inline in the calling process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "") or REDIS_URL
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged only once done, so one on a worker that dies is delivered again;
# the tasks are written so that running twice does nothing twice (sources/batches.py).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redelivery of an unacknowledged task waits this long (also how long a task may run).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 60 * 60)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Review workflow -------------------------------------------------------------------
# Four eyes: whoever verifies an operation must not be the last person who edited it.
# A one-person team can switch this off; it is on unless explicitly disabled.
SEIZURES_FOUR_EYES = env_bool("SEIZURES_FOUR_EYES", True)
# Opening an operation in review claims it for this many minutes, so that two reviewers do
# not work the same record; the claim is shown to others, and lapses by itself.
SEIZURES_CLAIM_MINUTES = env_int("SEIZURES_CLAIM_MINUTES", 30)

# History is a record, not an undo button: reverting through simple-history's admin would
# bypass the review workflow (and its four-eyes rule).
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Ingestion ---------------------------------------------------------------------------
# The largest file or pasted text taken in. A news article is tens of kilobytes even as a
# saved web page; anything past a few megabytes is a wrong file, not an article.
SOURCES_MAX_BYTES = env_int("SOURCES_MAX_BYTES", 5 * 1024 * 1024)
if SOURCES_MAX_BYTES <= 0:
    raise ImproperlyConfigured("SOURCES_MAX_BYTES must be a positive number of bytes.")
# Languages the detector may answer when a source comes without one (ISO 639-1). Keeping the
# list to the languages the sources are written in avoids guesses like Galician for Spanish.
SOURCES_LANGUAGES = env_list("SOURCES_LANGUAGES", ["en", "es", "pt", "fr"])
# Web server processes load the extractor in the background when they start, so that the
# first source pasted is drafted at once (sources/warmup.py). Off, each worker loads it (and
# its ~170 MB) only when it first ingests.
SOURCES_WARM_UP = env_bool("SOURCES_WARM_UP", True)

# --- Partner API -------------------------------------------------------------------------
# Requests per API key (DRF's "N/second|minute|hour|day").
PARTNER_API_RATE = env_rate("PARTNER_API_RATE", "1000/hour")
# Requests without a valid key (none, or a wrong, revoked or expired one) per client address,
# before that address gets 429s: what stops a client guessing keys.
PARTNER_API_FAILURE_RATE = env_rate("PARTNER_API_FAILURE_RATE", "60/minute")

REST_FRAMEWORK = {
    # The key class comes first: its authenticate_header makes DRF answer 401, not 403, to a
    # request with no credentials. Reviewers and editors use their site login.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "partners.authentication.PartnerAPIKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Nothing is open unless a view says so (the partner views declare their own).
    "DEFAULT_PERMISSION_CLASSES": ["partners.permissions.PartnerAPIReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["partners.api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "partners.schema.PartnerAutoSchema",
    # No DEFAULT_THROTTLE_RATES: partners.throttling reads PARTNER_API_RATE at request time.
    # Throttles take a client's address past PROXY_COUNT proxies, as logins do (DRF's
    # default, None, would take X-Forwarded-For whole, as the client sent it). Unlike
    # login_client_address, DRF takes the leftmost entry when there are fewer than that.
    "NUM_PROXIES": PROXY_COUNT,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Seizure records: partner API",
    "DESCRIPTION": (
        "Read-only access to verified seizure records and their reference data. "
        "Send your key in the header `Authorization: Api-Key <key>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page works offline: Swagger UI and ReDoc are served from our static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
