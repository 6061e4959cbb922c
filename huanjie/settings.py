"""Settings, all from environment variables. SQLite under ./var unless DATABASE_URL is set."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from huanjie.lib.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(envstr("HUANJIE_VAR_DIR", str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DEBUG", False)
# A development key only; production sets SECRET_KEY (the deploy check refuses the default).
SECRET_KEY = envstr("SECRET_KEY", "dev-only-insecure-key-huanjie-0000000000000000000000")
# HUANJIE_ALLOWED_HOSTS names the hosts served; ALLOWED_HOSTS is the older name, still read.
ALLOWED_HOSTS = envlist(
    "HUANJIE_ALLOWED_HOSTS", envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
)
# Origins (https://host[:port]) from which a form may post, when it differs from the Host
# header a proxy passes on.
CSRF_TRUSTED_ORIGINS = envlist("HUANJIE_CSRF_TRUSTED_ORIGINS", [])

# Field encryption keys for personal data (ID numbers): "version:base64key,..." newest first.
# Kept outside the database (SECURITY.md D2). The development default is for demos only.
HUANJIE_FIELD_KEYS = envstr("HUANJIE_FIELD_KEYS", "1:ZGV2LW9ubHktZmllbGQta2V5LWh1YW5qaWUtMDAwMDA=")
# Key of the keyed hash (blind index) used to find a person without decrypting (SECURITY.md D3).
HUANJIE_LOOKUP_KEY = envstr("HUANJIE_LOOKUP_KEY", "dev-only-lookup-key-huanjie")
# Keys that encrypt backups, the same "version:base64key,..." format (SECURITY.md D6). No
# default: without it production refuses to back up, development backs up in clear and says so.
HUANJIE_BACKUP_KEYS = envstr("HUANJIE_BACKUP_KEYS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Only for its templates and static files: the API docs page then loads Swagger UI from
    # this server (ninja/static/ninja/), not from a CDN the intranet cannot reach.
    "ninja",
    "django_htmx",
    # Two-factor login (SECURITY.md A5): TOTP devices and single-use recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "huanjie",
    "huanjie.regions",
    "huanjie.accounts",
    "huanjie.audit",
    "huanjie.uploads",
    "huanjie.people",
    "huanjie.elections",
    "huanjie.voters",
    "huanjie.party",
    "huanjie.nomination",
    "huanjie.committees",
    "huanjie.review",
    "huanjie.polls",
    "huanjie.results",
    "huanjie.rosters",
    "huanjie.progress",
    "huanjie.ledgers",
    "huanjie.oversight",
]

MIDDLEWARE = [
    "huanjie.middleware.RefuseUnusualMethodsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # The application serves its own static files: government intranets have no CDN.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "huanjie.audit.middleware.RequestContextMiddleware",
    "huanjie.accounts.middleware.SessionLimitsMiddleware",
    "huanjie.accounts.middleware.LoginRequiredMiddleware",
    "huanjie.accounts.middleware.PasswordChangeRequiredMiddleware",
    "huanjie.accounts.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "huanjie.urls"
WSGI_APPLICATION = "huanjie.wsgi.application"
ASGI_APPLICATION = "huanjie.asgi.application"

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
                "huanjie.accounts.context_processors.navigation",
            ],
        },
    }
]

_sqlite_path = VAR_DIR / "huanjie.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{_sqlite_path}", conn_max_age=envint("CONN_MAX_AGE", 0)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions: writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # SECURITY.md A2 [PROJ]: three of four classes, at most 128, no names, no reuse of the last 5.
    {"NAME": "huanjie.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "huanjie.accounts.passwords.MaximumLengthValidator"},
    {"NAME": "huanjie.accounts.passwords.ForbiddenContentValidator"},
    {"NAME": "huanjie.accounts.passwords.HistoryValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if envbool("STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without collectstatic (the demo, the tests) WhiteNoise serves straight from the app folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 30 * 60)  # SECURITY.md S1: 30 min idle
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Transport (SECURITY.md D1, S3, H1). Production sets HUANJIE_HTTPS=1; the demo and the tests
# run on plain http://127.0.0.1:8000, where Secure cookies would never be sent back.
HUANJIE_HTTPS = envbool("HUANJIE_HTTPS", False)
SECURE_SSL_REDIRECT = HUANJIE_HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if HUANJIE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HUANJIE_HTTPS
SESSION_COOKIE_SECURE = HUANJIE_HTTPS or envbool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if HUANJIE_HTTPS:
    # __Host-: the browser keeps the cookie only if Secure, Path=/ and without Domain, so a
    # sibling host cannot plant or read it (ASVS5 3.3.1).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# Trust X-Forwarded-Proto only behind a declared proxy that overwrites it: otherwise any client
# could claim its plain-HTTP request was HTTPS.
HUANJIE_TRUSTED_PROXY = envbool("HUANJIE_TRUSTED_PROXY", False)
if HUANJIE_TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind the trusted proxy the client's address is read from X-Forwarded-For (django-ipware):
# the proxies that append to it beyond the one in front of us (0: nginx overwrites the header with
# the peer's address, as deploy/nginx/huanjie.conf does). Never read without a trusted proxy.
HUANJIE_PROXY_HOPS = envint("HUANJIE_PROXY_HOPS", 0)
# SECURITY.md A9: the networks from which the three administrators (三员) may log in and work.
# The default is this machine only; production names the county's management subnet.
HUANJIE_ADMIN_NETWORKS = envlist("HUANJIE_ADMIN_NETWORKS", ["127.0.0.0/8", "::1/128"])
# The preload list is for public domains; an intranet or 政务外网 host cannot be on it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy (SECURITY.md H2): scripts only from this server and never inline (our
# JavaScript lives in huanjie/static/js/, behaviours are bound there by data- attributes).
# Inline styles stay allowed: templates size a few boxes with style="" and htmx adds its
# indicator <style>; CSS cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        # Bootstrap draws check boxes and select arrows with data: SVG images.
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# TOTP (SECURITY.md A5): 30-second steps, 6 digits, one step of clock drift either way; a code
# is refused once used (django-otp keeps the last step) and after failures django-otp throttles.
OTP_TOTP_ISSUER = "换届通"
OTP_TOTP_THROTTLE_FACTOR = 1

# Imports check big files in worker processes (huanjie.uploads.importers): how many (0: none),
# and after how many rows they start (a small file is checked in the process that reads it).
HUANJIE_IMPORT_WORKERS = envint("HUANJIE_IMPORT_WORKERS", 2 if (os.cpu_count() or 1) > 1 else 0)
HUANJIE_IMPORT_PARALLEL_AFTER = envint("HUANJIE_IMPORT_PARALLEL_AFTER", 20_000)
# How a roll import writes on PostgreSQL (docs/voters.md): "auto" picks the bulk path for a file
# that outweighs the tables it goes into, "bulk" or "general" force one.
HUANJIE_ROLL_LOAD = envstr("HUANJIE_ROLL_LOAD", "auto")

TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line carries the request ID the error page shows (SECURITY.md H4).
    "filters": {"request_id": {"()": "huanjie.audit.logging.RequestLogFilter"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "line",
        }
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}
