"""Django settings for Tributary.

Every environment variable the product reads is read here and nowhere else. With nothing set,
the defaults point at PostgreSQL and Redis on 127.0.0.1, which is what `make run` and `make test`
provide (local servers, or the embedded ones that backend.devservices starts).
"""

import json
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = _env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and _env_bool("REQUIRE_SECRET_KEY", False):
        raise RuntimeError("SECRET_KEY must be set when REQUIRE_SECRET_KEY is on.")
    # A fixed development key: production deployments set SECRET_KEY (see the README).
    SECRET_KEY = "tributary-insecure-development-key-change-me"

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = _env_list(
    "CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000"
)

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tributary")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Where artifacts live: a local folder, or an fsspec URL every worker can reach (s3://bucket/prefix,
# which needs the `s3` extra). ARTIFACT_STORAGE_OPTIONS: JSON keyword arguments for that filesystem.
ARTIFACT_ROOT = os.environ.get("ARTIFACT_ROOT", str(BASE_DIR / "var" / "artifacts"))
ARTIFACT_STORAGE_OPTIONS = json.loads(os.environ.get("ARTIFACT_STORAGE_OPTIONS") or "{}")
# Largest dataset upload accepted, in bytes; checked before the body is read.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(200 * 1024 * 1024)))

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "backend.workspaces",
    "backend.pipelines",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "backend.urls"
ASGI_APPLICATION = "backend.asgi.application"
WSGI_APPLICATION = "backend.wsgi.application"

FRONTEND_DIST = BASE_DIR / "frontend" / "dist"

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
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# The built browser app (frontend/dist) is served at the site root: /assets/..., /favicon.svg.
WHITENOISE_ROOT = FRONTEND_DIST if FRONTEND_DIST.is_dir() else None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads larger than this spill to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = ["backend.api.uploads.LimitedTemporaryFileUploadHandler"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "backend.api.pagination.StandardPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "backend.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append(
        "rest_framework.renderers.BrowsableAPIRenderer"
    )

SPECTACULAR_SETTINGS = {
    "TITLE": "Tributary API",
    "DESCRIPTION": "Design, run and serve machine-learning pipelines.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status`; name each enum after its model's choices.
    "ENUM_NAME_OVERRIDES": {
        "RunStatusEnum": "backend.pipelines.models.RunStatus",
        "StepStatusEnum": "backend.pipelines.models.StepStatus",
        "RoleEnum": "backend.workspaces.models.Role",
        "StageEnum": "backend.pipelines.models.Stage",
        "LogLevelEnum": "backend.pipelines.models.LogLevel",
    },
}

# Extra modules whose import registers more blocks (comma-separated), e.g. a team's own blocks.
BLOCK_PLUGINS = _env_list("BLOCK_PLUGINS", "")

# Step leases: a running step renews its lease every heartbeat; the reaper retries or fails a
# step whose lease ran out (its worker died). Attempts beyond a block's retries fail the step.
STEP_LEASE_SECONDS = float(os.environ.get("STEP_LEASE_SECONDS", "30"))
STEP_HEARTBEAT_SECONDS = float(os.environ.get("STEP_HEARTBEAT_SECONDS", "5"))
REAPER_INTERVAL_SECONDS = float(os.environ.get("REAPER_INTERVAL_SECONDS", "10"))

CELERY_BROKER_URL = REDIS_URL
# Results are only kept for the few tasks that ask (health checks); PostgreSQL holds the truth.
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "cpu"
CELERY_BEAT_SCHEDULE = {
    "reap-expired-step-leases": {
        "task": "backend.engine.tasks.reap_expired_leases",
        "schedule": REAPER_INTERVAL_SECONDS,
        "options": {"queue": "cpu", "expires": REAPER_INTERVAL_SECONDS},
    }
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # A consumer waits for messages with BZPOPMIN, 5 s at a time; redis-py 8 would cut every
        # read at 5 s (its new default socket timeout) and end the WebSocket. Give reads longer.
        "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}]},
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# HTTPS. All off by default, so that `make run` serves plain http on 127.0.0.1; production turns
# them on (docs/operations.md). Trust X-Forwarded-Proto only behind a proxy that always sets it.
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", False)
if _env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
