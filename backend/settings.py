"""Django settings for Tributary.

Every environment variable the product reads is read here and nowhere else. With nothing set,
the defaults point at PostgreSQL and Redis on 127.0.0.1, which is what `make run` and `make test`
provide (local servers, or the embedded ones that backend.devservices starts).
"""

import json
import logging
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

# Request limits: what one request can make the server do (docs/operations.md). Byte limits
# are decided from the headers, before the body is read (backend/api/request_guard.py).
# Largest dataset upload accepted, in bytes; checked before the body is read.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(200 * 1024 * 1024)))
# Largest body of any other request (JSON: a graph, a prediction batch).
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(10 * 1024 * 1024)))
# What an upload may decode into; each refused while the file is read, before it is stored.
UPLOAD_MAX_ROWS = int(os.environ.get("UPLOAD_MAX_ROWS", "10000000"))
UPLOAD_MAX_COLUMNS = int(os.environ.get("UPLOAD_MAX_COLUMNS", "10000"))
UPLOAD_MAX_CELLS = int(os.environ.get("UPLOAD_MAX_CELLS", "100000000"))
# Longest CSV line and longest cell (CSV field or Parquet string), in characters.
UPLOAD_MAX_LINE_CHARS = int(os.environ.get("UPLOAD_MAX_LINE_CHARS", str(4 * 1024 * 1024)))
UPLOAD_MAX_CELL_CHARS = int(os.environ.get("UPLOAD_MAX_CELL_CHARS", str(1024 * 1024)))
# Memory a decoded Parquet upload may take (Arrow's own count), in bytes.
UPLOAD_MAX_DECODED_BYTES = int(os.environ.get("UPLOAD_MAX_DECODED_BYTES", str(2 * 1024**3)))
# Blocks and edges a pipeline graph may have.
GRAPH_MAX_NODES = int(os.environ.get("GRAPH_MAX_NODES", "2000"))
GRAPH_MAX_EDGES = int(os.environ.get("GRAPH_MAX_EDGES", "8000"))
# Memory one step's table may take, as rows x columns x 8 bytes, for blocks whose size a config
# sets (synthetic data): checked when the graph is validated.
STEP_MAX_BYTES = int(os.environ.get("STEP_MAX_BYTES", str(4 * 1024**3)))

# Every process (web server, each worker child, the event writer, beat) draws its connections
# from one psycopg pool of its own, so a process holds at most DB_POOL_MAX_SIZE connections
# however many threads it runs; a request or task hands its connection back when it ends.
# Persistent per-thread connections (CONN_MAX_AGE > 0) leak under ASGI, where every request
# may run on a new thread, and the pool requires them off. The arithmetic for N web processes
# and M worker processes against max_connections is in docs/operations.md.
DB_POOL_MIN_SIZE = int(os.environ.get("DB_POOL_MIN_SIZE", "0"))
DB_POOL_MAX_SIZE = int(os.environ.get("DB_POOL_MAX_SIZE", "8"))
# How long a thread waits for a free connection before its request or task fails.
DB_POOL_TIMEOUT = float(os.environ.get("DB_POOL_TIMEOUT", "20"))
# Connections above DB_POOL_MIN_SIZE idle this long are closed.
DB_POOL_MAX_IDLE = float(os.environ.get("DB_POOL_MAX_IDLE", "60"))
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
DATABASES["default"]["OPTIONS"] = {
    **DATABASES["default"].get("OPTIONS", {}),
    "pool": {
        "min_size": DB_POOL_MIN_SIZE,
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": DB_POOL_TIMEOUT,
        "max_idle": DB_POOL_MAX_IDLE,
        "name": "tributary",
    },
}
# A pooled connection is checked before it is handed out, so that one broken by a database
# restart is replaced instead of failing the request that drew it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = _env_bool("DB_POOL_CHECK", True)
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
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "backend.workspaces",
    "backend.pipelines",
]

MIDDLEWARE = [
    # First, so that the latency it records covers every other middleware.
    "backend.operations.metrics.RequestMetricsMiddleware",
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
        "backend.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "backend.api.pagination.StandardPagination",
    # Error answers documented on every operation; OPTIONS answered on every view.
    "DEFAULT_SCHEMA_CLASS": "backend.api.schema.AutoSchema",
    "DEFAULT_METADATA_CLASS": "backend.api.metadata.Metadata",
    "EXCEPTION_HANDLER": "backend.api.errors.exception_handler",
    # Throttles (backend/api/throttling.py), "<count>/<s|m|h|d>"; an empty value turns one off.
    # Sign-ins count failed attempts; predict counts every call made with an API key.
    "DEFAULT_THROTTLE_RATES": {
        "sign_in_address": os.environ.get("SIGN_IN_THROTTLE_ADDRESS_RATE", "30/h"),
        "sign_in_username": os.environ.get("SIGN_IN_THROTTLE_USERNAME_RATE", "10/h"),
        "predict_api_key": os.environ.get("PREDICT_THROTTLE_RATE", "6000/m"),
    },
    # Proxies in front that append to X-Forwarded-For; 0: the client address is the peer's,
    # so that a client cannot pick the address it is counted under.
    "NUM_PROXIES": int(os.environ.get("THROTTLE_NUM_PROXIES", "0")),
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # The JSON parser refuses text PostgreSQL cannot store (NUL, lone surrogates) in one place.
    "DEFAULT_PARSER_CLASSES": [
        "backend.api.parsers.JSONParser",
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
    # PATCH bodies are documented as the view validates them (its serializer, not all-optional).
    "COMPONENT_SPLIT_PATCH": False,
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
# A step still queued after this many lease lengths, whose message is neither waiting in its
# queue nor held by a worker that took it recently, is sent again (its message was lost).
STEP_REQUEUE_LEASES = float(os.environ.get("STEP_REQUEUE_LEASES", "1"))
# A step task that cannot reach the database or the broker retries after a random wait of up
# to STEP_RETRY_BACKOFF_SECONDS * 2**retries (at most STEP_RETRY_BACKOFF_MAX_SECONDS), up to
# STEP_RETRY_MAX times; past that, the reaper is the fallback.
STEP_RETRY_BACKOFF_SECONDS = int(os.environ.get("STEP_RETRY_BACKOFF_SECONDS", "1"))
STEP_RETRY_BACKOFF_MAX_SECONDS = int(os.environ.get("STEP_RETRY_BACKOFF_MAX_SECONDS", "10"))
STEP_RETRY_MAX = int(os.environ.get("STEP_RETRY_MAX", "100"))

CELERY_BROKER_URL = REDIS_URL
# Results are only kept for the few tasks that ask (health checks); PostgreSQL holds the truth.
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "cpu"
# Celery's Django fixup closes a prefork child's whole connection pool after every task unless
# this is set, which costs each step a new connection (tens of ms). The pool is opened in the
# child, after the fork, so keeping it is safe: each step still hands its connection back
# (close_old_connections in backend/engine/tasks.py); the pool is recycled every 2 x this
# many tasks.
CELERY_DB_REUSE_MAX = int(os.environ.get("CELERY_DB_REUSE_MAX", "1000"))
# Sending a message retries while the broker is unreachable (about half a minute) before the
# error reaches the caller; a step whose message still could not be sent is re-sent by the reaper.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": int(os.environ.get("BROKER_PUBLISH_RETRIES", "12")),
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 5,
}
CELERY_BEAT_SCHEDULE = {
    "reap-expired-step-leases": {
        "task": "backend.engine.tasks.reap_expired_leases",
        "schedule": REAPER_INTERVAL_SECONDS,
        "options": {"queue": "cpu", "expires": REAPER_INTERVAL_SECONDS},
    }
}

# The cache holds the throttles' counters, so it must be shared by every web process: Redis.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # The database is shared with Celery and Channels: keep to keys of our own.
        "KEY_PREFIX": "tributary-cache",
    }
}

# API tokens (Authorization: Token <key>) expire this many hours after they are made.
TOKEN_TTL_HOURS = float(os.environ.get("TOKEN_TTL_HOURS", str(30 * 24)))

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # A consumer waits for messages with BZPOPMIN, 5 s at a time; redis-py 8 would cut every
        # read at 5 s (its new default socket timeout) and end the WebSocket. Give reads longer.
        "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}]},
    }
}

# Every process logs to stderr, one line per record with its time, level, logger and, during a
# step, the run and step ids (backend/operations/logs.py). LOG_FORMAT: text, or json (one JSON
# object per line, for a log collector).
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in ("text", "json"):
    raise RuntimeError(f"LOG_FORMAT must be 'text' or 'json', not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"step_ids": {"()": "backend.operations.logs.StepIdsFilter"}},
    "formatters": {
        "line": {
            "()": "backend.operations.logs.JsonFormatter"
            if LOG_FORMAT == "json"
            else "backend.operations.logs.TextFormatter"
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "line", "filters": ["step_ids"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own handlers (a plain console one under DEBUG) would print its lines twice.
        "django": {"handlers": []},
        # So would uvicorn's (configured before the app loads), in a format of their own.
        "uvicorn": {"handlers": [], "propagate": True},
        "uvicorn.access": {"handlers": [], "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # Celery gives a logger without a handler its own format; this one has ours.
        "celery.task": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}
# Workers keep the handlers above instead of Celery's own (same format in every process).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Python warnings become records of the `py.warnings` logger, so they are lines in the same
# format (JSON included) rather than bare text on stderr.
logging.captureWarnings(True)

# Probes and metrics (backend/operations). /healthz and /readyz need no authentication (they
# answer status facts only); /metrics too, unless METRICS_TOKEN is set, then it wants
# `Authorization: Bearer <METRICS_TOKEN>`. READINESS_QUEUES: the queues /readyz requires a
# worker for (comma-separated); each check of /readyz gives up after READINESS_TIMEOUT_SECONDS.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
READINESS_QUEUES = _env_list("READINESS_QUEUES", "cpu")
READINESS_TIMEOUT_SECONDS = float(os.environ.get("READINESS_TIMEOUT_SECONDS", "2"))
# Several web processes: a folder they all share (emptied before they start), where
# prometheus_client's multiprocess mode keeps each one's request metrics for /metrics to sum.
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
# Probes are answered on plain http too: they come from inside the network, by address.
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)$"]

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
