"""Settings for every environment. Production differs only by the environment and production.py."""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from config.env import env_bool, env_int, env_list, env_mailers, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SAFERHUB_DATA_DIR = Path(env_str("SAFERHUB_DATA_DIR", str(BASE_DIR / "var")))

# A development-only key; production.py refuses to start without SECRET_KEY in the environment.
SECRET_KEY = env_str("SECRET_KEY", "dev-only-not-secret-" + "x" * 40)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "saferhub.core.views.csrf_failure"  # the site's own page, not Django's bare text

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "simple_history",
    "rules",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",
    "saferhub.core",
    "saferhub.design_system",
    "saferhub.audit",
    "saferhub.workflow",
    "saferhub.accounts",
    "saferhub.geography",
    "saferhub.partnerships",
    "saferhub.plans",
    "saferhub.crimedata",
    "saferhub.reporting",
    "saferhub.grants",
    "saferhub.governance",
    "saferhub.assessment",
    "saferhub.performance",
    "saferhub.asb",
    "saferhub.documents",
    "saferhub.api",
    "saferhub.demo",
    "saferhub.operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "saferhub.core.middleware.session_renewal",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "saferhub.core.middleware.request_memo",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "saferhub.core.middleware.security_headers",
    "saferhub.partnerships.middleware.require_two_factor_for_staff",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "config.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.messages.context_processors.messages",
                "saferhub.design_system.context_processors.govuk_template",
            ],
        },
    },
    {
        # Only django-ninja's API documentation page uses Django templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
FORM_RENDERER = "saferhub.design_system.renderers.GovukFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{SAFERHUB_DATA_DIR / 'saferhub.sqlite3'}"),
        # A connection is kept for the next request (checked before it is reused): opening one costs a
        # PostgreSQL backend's start and authentication on every page.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one writer and ignores SELECT ... FOR UPDATE: a transaction that will write takes the lock
    # when it begins, and a second one waits for it (up to the timeout) instead of failing with "database is
    # locked" half way, so that two clicks on "Record the payment" give one payment and one refusal.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "partnerships:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# Sessions end after this many seconds without a request (an idle timeout), and at browser close.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
# The session is renewed (written) at most once a SESSION_RENEW_SECONDS while it is used, not on every
# request (saferhub.core.middleware.session_renewal): the idle timeout ends between 29 and 30 minutes.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
# Lock the account for the address the failures came from, so an attacker cannot lock staff out from afar.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
AXES_LOCKOUT_CALLABLE = "saferhub.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True

OTP_TOTP_ISSUER = "Saferhub"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(SAFERHUB_DATA_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Development serves from the finders; production from STATIC_ROOT after collectstatic.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)
MEDIA_ROOT = SAFERHUB_DATA_DIR / "media"

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# Email is printed to the console here; production sends it by SMTP (EMAIL_HOST and friends).
MAILERS = env_mailers(default_backend="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Saferhub <no-reply@saferhub.invalid>")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

SAFERHUB_SERVICE_NAME = "Saferhub"

# Figures derived from the crime store are cached under keys that name the store's version (an import
# changes every key), so each process may keep its own copy: memory of the process, nothing to invalidate.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "saferhub",
        "OPTIONS": {"MAX_ENTRIES": env_int("SAFERHUB_CACHE_MAX_ENTRIES", 1000)},
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step of every PDF at INFO, and every CSS rule it ignores at WARNING.
    "loggers": {"django.server": {"level": "WARNING"}, "weasyprint": {"level": "ERROR"}},
}
SAFERHUB_BASE_URL = env_str("SAFERHUB_BASE_URL", "http://127.0.0.1:8000")
AXES_VERBOSE = False
# How many reverse proxies (load balancer, ingress) sit in front of the web processes and add
# X-Forwarded-For; 0 means requests arrive directly. Lockout by address depends on it being right.
SAFERHUB_TRUSTED_PROXY_COUNT = env_int("SAFERHUB_TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "saferhub.core.client_ip.client_ip"

# The crime store: a zip is refused from its index, before anything is unpacked, when it would unpack to
# more than SAFERHUB_MAX_UNZIPPED_BYTES in all, when one member would unpack to more than
# SAFERHUB_MAX_ZIP_MEMBER_BYTES, or when a member of 1 MiB or more is compressed more than
# SAFERHUB_MAX_ZIP_RATIO times. Measured on Leicestershire's real files: 237 bytes a row, so a national month
# of street crimes (about 500,000 rows) is about 120 MB; street files compress 4.6-5.3 times, stop and search
# 11.5. Defaults: about twice a national month with its outcomes, twice a national month of street crimes in
# one file, four times the most compressible police.uk file (a zip bomb compresses about 1,000 times).
SAFERHUB_MAX_UNZIPPED_BYTES = env_int("SAFERHUB_MAX_UNZIPPED_BYTES", 512 * 1024**2)
SAFERHUB_MAX_ZIP_MEMBER_BYTES = env_int("SAFERHUB_MAX_ZIP_MEMBER_BYTES", 256 * 1024**2)
SAFERHUB_MAX_ZIP_RATIO = env_int("SAFERHUB_MAX_ZIP_RATIO", 50)
# An uploaded crime file larger than this is refused as it arrives; every upload is imported by the task
# worker (with a progress bar), never within the request.
SAFERHUB_MAX_UPLOAD_BYTES = env_int("SAFERHUB_MAX_UPLOAD_BYTES", 200 * 1024**2)
# DuckDB's threads per process.
SAFERHUB_DUCKDB_THREADS = env_int("SAFERHUB_DUCKDB_THREADS", 2)
SAFERHUB_IMPORT_THREADS = env_int("SAFERHUB_IMPORT_THREADS", os.cpu_count() or 2)
# An import that has shown no progress for this long was stopped with its process: crime_store_check
# --repair marks it failed.
SAFERHUB_IMPORT_STALL_MINUTES = env_int("SAFERHUB_IMPORT_STALL_MINUTES", 30)

# Partnership funding (docs/grants.md). Defaults from local practice, each unconfirmed as a rule: a round's
# pass mark is its own, starting at LLR's 65% (People Zones 2024/25), and an offer lapses unless accepted in
# this many days.
SAFERHUB_GRANT_PASS_MARK_PERCENT = env_int("SAFERHUB_GRANT_PASS_MARK_PERCENT", 65)
SAFERHUB_GRANT_OFFER_ACCEPTANCE_DAYS = env_int("SAFERHUB_GRANT_OFFER_ACCEPTANCE_DAYS", 28)
# Days before an information sharing agreement's review date that its partnership's managers are reminded.
GOVERNANCE_REVIEW_REMINDER_DAYS = env_int("GOVERNANCE_REVIEW_REMINDER_DAYS", 30)
