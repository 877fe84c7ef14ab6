"""Settings for the seizure case-management system.

Everything that differs between a laptop and a deployment comes from the environment.
With nothing set you get a local demo on SQLite. With DJANGO_ENV=production the process
refuses to start without SECRET_KEY and DATABASE_URL, and `manage.py check --deploy` is clean.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_rate, env_required, env_str

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
    DATABASES = {"default": dj_database_url.parse(env_required("DATABASE_URL"), conn_max_age=60)}
else:
    # A fixed key is fine for a local demo: nothing signed with it leaves this machine.
    SECRET_KEY = env_str("SECRET_KEY") or "local-demo-only-not-secret-local-demo-only-not-secret-0123"
    DEBUG = env_bool("DEBUG", True)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=env_int("CONN_MAX_AGE", 0),
        )
    }

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "seizures",
    "sources",
    "partners",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Attributes each history row to the logged-in user who made the change.
    "simple_history.middleware.HistoryRequestMiddleware",
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

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

# --- Partner API -------------------------------------------------------------------------
# Requests per API key (DRF's "N/second|minute|hour|day").
PARTNER_API_RATE = env_rate("PARTNER_API_RATE", "1000/hour")

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
