"""Settings, read from the environment (twelve-factor).

DATABASE_URL     unset: SQLite file under LUNARSHARE_DATA_DIR (default ./data)
SECRET_KEY       required when DEBUG is off
DEBUG            "1"/"true" to enable
ALLOWED_HOSTS    comma separated
REDIS_URL        Celery broker and cache; unset: tasks run eagerly, local-memory cache
STORAGE_BACKEND  "local" (default) or "s3" (then AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, ...)
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("LUNARSHARE_DATA_DIR", Path.cwd() / "data")).resolve()
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and env_bool("LUNARSHARE_REQUIRE_SECRET", False):
        raise RuntimeError("SECRET_KEY must be set in production")
    # Development and tests only: a fixed key is fine because nothing here is secret. Its
    # "django-insecure-" prefix makes `lunarshare check --deploy` fail loudly (security.W009)
    # if production ever runs without SECRET_KEY.
    SECRET_KEY = "django-insecure-lunarshare-development-key-change-me-in-production-0123456789"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_countries",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "lunarshare.audit",
    "lunarshare.mail",
    "lunarshare.accounts",
    "lunarshare.catalog",
    "lunarshare.programs",
    "lunarshare.loans",
    "lunarshare.science",
    "lunarshare.cooperation",
    "lunarshare.insights",
    "lunarshare.opendata",
    "lunarshare.web",
    "lunarshare.ops",  # last: completes the beat schedule the apps above declared
]

MIDDLEWARE = [
    "lunarshare.ops.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lunarshare.site_url.SiteURLMiddleware",
    # Above the page cache, so pages replayed from it get the policy header too.
    "csp.middleware.CSPMiddleware",
    "lunarshare.ops.httpcache.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "lunarshare.web.timezones.ViewerTimezoneMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "lunarshare.accounts.middleware.RequireTwoFactorForStaffRolesMiddleware",
    "lunarshare.web.errors.DatabaseBusyMiddleware",
    "lunarshare.web_errors.DomainErrorMiddleware",
]

# --- Content-Security-Policy (django-csp) -------------------------------------------------
# Strict: no inline script, no style attribute, nothing from another origin. Scripts and styles
# are static files; ``data:`` images are the TOTP QR code. The API's Redoc page relaxes
# style-src for itself only (see lunarshare.urls); Swagger UI loads its init script as a file.

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

ROOT_URLCONF = "lunarshare.urls"
WSGI_APPLICATION = "lunarshare.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # accounts/templates is listed so its overrides of allauth's account/ and mfa/ pages win
        # over allauth's own (allauth comes earlier in INSTALLED_APPS).
        "DIRS": [BASE_DIR / "web" / "templates", BASE_DIR / "accounts" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lunarshare.web.context_processors.navigation",
                "lunarshare.accounts.context_processors.notifications",
            ],
            "builtins": ["lunarshare.web.templatetags.lunarshare"],
        },
    }
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "lunarshare.sqlite3",
        }
    }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # IMMEDIATE transactions take SQLite's write lock at BEGIN, so two writers never both
    # read a balance and then both write it: together with guarded UPDATEs this is what
    # keeps the mass ledger and the audit chain correct on the embedded database.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("SQLITE_TEST_NAME") or None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache and Celery -------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
# Tasks are idempotent, so a task is acknowledged only once it has finished: a worker killed
# mid-task leaves it on the queue for the next worker instead of losing it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A message taken by a worker that dies is handed out again after this many seconds (Redis).
# It must exceed the longest task (an import); tasks are idempotent, so a repeat is harmless.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))}
# The worker logs through LOGGING below (JSON lines with the request id), not Celery's format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict = {}  # apps add their periodic tasks in their AppConfig.ready()

# --- Files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
if os.environ.get("STORAGE_BACKEND", "local") == "s3":
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {}}
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("LUNARSHARE_MANIFEST_STATIC", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
AWS_S3_ADDRESSING_STYLE = os.environ.get("AWS_S3_ADDRESSING_STYLE") or None  # "path" for most stand-ins
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
# Every uploaded file is counted while it streams in (lunarshare.uploads); larger ones are refused with 413.
LUNARSHARE_MAX_UPLOAD_BYTES = int(os.environ.get("LUNARSHARE_MAX_UPLOAD_BYTES", 64 * 1024 * 1024))
# A background import with no sign of life for this long was interrupted (catalog.import_jobs).
LUNARSHARE_IMPORT_STALE_MINUTES = int(os.environ.get("LUNARSHARE_IMPORT_STALE_MINUTES", 30))
FILE_UPLOAD_HANDLERS = [
    "lunarshare.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Number and date formats per language (web/formats/: comma grouping in Chinese too, d-m-y dates).
FORMAT_MODULE_PATH = ["lunarshare.web.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Auth -------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:desk"  # every role lands on its desk; allauth honours ?next=
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_ADAPTER = "lunarshare.accounts.adapter.AccountAdapter"  # sends people without an institution to ask for one
ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/ip,5/5m/key"}
ACCOUNT_LOGOUT_ON_GET = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# When true, curators, officers and committee members must set up TOTP before using the site.
LUNARSHARE_REQUIRE_2FA_FOR_STAFF = env_bool("LUNARSHARE_REQUIRE_2FA_FOR_STAFF", False)
# How many reverse proxies in front of the app append to X-Forwarded-For. 0 (the default): the
# header is ignored and the client is REMOTE_ADDR. Rate limits and lockouts key on this address
# (lunarshare.accounts.security.client_ip); allauth and DRF are given the same count.
LUNARSHARE_TRUSTED_PROXIES = int(os.environ.get("LUNARSHARE_TRUSTED_PROXIES", "0") or 0)
ALLAUTH_TRUSTED_PROXY_COUNT = LUNARSHARE_TRUSTED_PROXIES
# API tokens (django-rest-knox, stored as SHA-512 digests): lifetime in days.
LUNARSHARE_API_TOKEN_TTL_DAYS = int(os.environ.get("LUNARSHARE_API_TOKEN_TTL_DAYS", "30") or 30)
KNOX_TOKEN_MODEL = "accounts.ApiToken"
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=LUNARSHARE_API_TOKEN_TTL_DAYS),
    "AUTH_HEADER_PREFIX": "Token",  # clients keep sending "Authorization: Token <key>"
    "TOKEN_LIMIT_PER_USER": 20,
    "AUTO_REFRESH": False,
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", "root@localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "LunarShare <noreply@lunarshare.invalid>")
# Public address of the site, for the links in notification e-mails sent outside a request
# (inside one, the address the request came to is used). SITE_URL is the older name.
LUNARSHARE_SITE_URL = (os.environ.get("LUNARSHARE_SITE_URL") or os.environ.get("SITE_URL")
                       or "http://127.0.0.1:8000").rstrip("/")
SITE_URL = LUNARSHARE_SITE_URL

# --- API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lunarshare.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "NUM_PROXIES": LUNARSHARE_TRUSTED_PROXIES,
    "DEFAULT_PERMISSION_CLASSES": ["lunarshare.permissions.RulePermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "lunarshare.api.CountedPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "lunarshare.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
}
SPECTACULAR_SETTINGS = {
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "lunarshare.schema.document_errors"],
    "TITLE": "LunarShare API",
    "DESCRIPTION": "Catalogue, custody, rounds, review, loans and science data of returned lunar samples. "
    "Masses are integer micrograms (mass_ug).",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several models have a "kind" field; name this enum explicitly so the schema (and so
    # `check --deploy`, which builds it) has no naming-collision warning.
    "ENUM_NAME_OVERRIDES": {
        "RoundKindEnum": "lunarshare.programs.models.Round.Kind",
        "RoleEnum": "lunarshare.accounts.models.Role",
        # The cooperation registry's write inputs (opendata/cooperation API).
        "PartnerKindEnum": "lunarshare.cooperation.models.PartnerOrganisation.Kind",
        "AgreementKindEnum": "lunarshare.cooperation.models.CooperationAgreement.Kind",
        "AgreementStatusEnum": "lunarshare.cooperation.models.CooperationAgreement.Status",
        "PayloadKindEnum": "lunarshare.cooperation.models.InternationalPayload.Kind",
        "PayloadStatusEnum": "lunarshare.cooperation.models.InternationalPayload.Status",
    },
}

# --- Security (production values when DEBUG is off) --------------------------------------
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# JSON lines (one object per record, with the request id) unless LOG_FORMAT=text; DEBUG
# defaults to text for people reading a terminal.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lunarshare.ops.requestid.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Operations: HTTP caching, metrics ---------------------------------------------------
# Seconds a CDN or reverse proxy may keep a public page or API answer (lunarshare.ops.httpcache).
LUNARSHARE_PUBLIC_MAX_AGE = int(os.environ.get("LUNARSHARE_PUBLIC_MAX_AGE", "60"))
# Seconds a public answer is kept in the shared cache (0: off); any audited change replaces it.
LUNARSHARE_PAGE_CACHE_SECONDS = int(os.environ.get("LUNARSHARE_PAGE_CACHE_SECONDS", "300"))
# Part of every ETag: set it per deployment so a release with new templates is fetched anew.
LUNARSHARE_RELEASE = os.environ.get("LUNARSHARE_RELEASE", "1")
# Prometheus metrics at /metrics for a scraper sending "Authorization: Bearer <token>".
LUNARSHARE_METRICS = env_bool("LUNARSHARE_METRICS", False)
LUNARSHARE_METRICS_TOKEN = os.environ.get("LUNARSHARE_METRICS_TOKEN", "")
if LUNARSHARE_METRICS:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *MIDDLEWARE,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]

# --- LunarShare -------------------------------------------------------------------------
SHARED_DATA_DIR = Path(os.environ.get("LUNARSHARE_SHARED_DATA", BASE_DIR.parents[2] / "shared" / "data"))
# The science app's covering index (INCLUDE columns) is a PostgreSQL optimisation; SQLite
# ignores the extra columns and still uses the index, which is all the embedded default needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Audit trust anchor and backups (see docs/operations.md) ------------------------------
# Ed25519 private key that signs audit checkpoints: a file path, never stored in the database.
LUNARSHARE_AUDIT_SIGNING_KEY = os.environ.get("LUNARSHARE_AUDIT_SIGNING_KEY", "")
# Public key used by verify_audit (default: derived from the signing key when that is readable).
LUNARSHARE_AUDIT_PUBLIC_KEY = os.environ.get("LUNARSHARE_AUDIT_PUBLIC_KEY", "")
LUNARSHARE_AUDIT_CHECKPOINT_DIR = Path(os.environ.get("LUNARSHARE_AUDIT_CHECKPOINT_DIR", DATA_DIR / "audit-checkpoints"))
LUNARSHARE_BACKUP_DIR = Path(os.environ.get("LUNARSHARE_BACKUP_DIR", DATA_DIR / "backups"))

# --- Open data (opendata app; docs/open-data.md) ----------------------------------------
# DOI prefix of the agency's DataCite repository. 10.80000 is a placeholder in DataCite's test
# range: set the real prefix before submitting a registration batch.
LUNARSHARE_DOI_PREFIX = os.environ.get("LUNARSHARE_DOI_PREFIX", "10.80000")
LUNARSHARE_PUBLISHER = os.environ.get("LUNARSHARE_PUBLISHER", "LunarShare")
LUNARSHARE_OAI_ADMIN_EMAIL = os.environ.get("LUNARSHARE_OAI_ADMIN_EMAIL", "oai@lunarshare.invalid")
LUNARSHARE_OAI_REPOSITORY_IDENTIFIER = os.environ.get("LUNARSHARE_OAI_REPOSITORY_IDENTIFIER", "lunarshare.invalid")
LUNARSHARE_OAI_PAGE_SIZE = int(os.environ.get("LUNARSHARE_OAI_PAGE_SIZE", "200"))
