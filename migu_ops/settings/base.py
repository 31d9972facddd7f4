"""Settings shared by every environment; everything site-specific comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "unfold",  # the admin theme (before django.contrib.admin, whose templates it overrides)
    "unfold.contrib.filters",
    "unfold.contrib.simple_history",
    "unfold.contrib.import_export",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "import_export",
    "simple_history",
    "django_celery_beat",
    "core",
    "partners",
    "enforcement",
    "overrides",
    "scoring",
    "credit",
    "controls",
    "settlement",
    "codes",
    "newspaper",
    "backtest",
    "workspace",
    "demo",
]

MIDDLEWARE = [
    "core.log_context.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # static files straight from the app process (production has no separate file server by default)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.AdminCspMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.login_protection.LoginThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # last, as django-axes requires: turns a locked-out login into its lockout page
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # first: refuses a locked-out username+address before the password is even checked
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login protection (core.login_protection): lock a username on one address after LOGIN_FAILURE_LIMIT
# failures for LOGIN_LOCKOUT_MINUTES; unlock in the admin (访问尝试) or `manage.py axes_reset_username`.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no start-up banner in every management command's output
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "core.login_protection.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.login_protection.client_ip"
AXES_COOLOFF_MESSAGE = "登录失败次数过多，账号已暂时锁定，请稍后再试。"
AXES_PERMALOCK_MESSAGE = "登录失败次数过多，账号已锁定，请联系管理员解锁。"
#: POSTs to the admin and API login forms per client address (DRF rate syntax; empty = no limit)
LOGIN_THROTTLE_RATE = os.environ.get("THROTTLE_LOGIN", "30/minute")
#: reverse proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR)
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

ROOT_URLCONF = "migu_ops.urls"
WSGI_APPLICATION = "migu_ops.wsgi.application"

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

# Embedded default: SQLite beside the project when DATABASE_URL is not set.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.IsStaffOrPartnerUser"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["core.api.filters.StrictQueryFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonRateThrottle",
        "core.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "30/minute"),
        "user": os.environ.get("THROTTLE_USER", "1200/minute"),
    },
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "migu-ops API",
    "DESCRIPTION": "合作方运营管理：投诉通报、预警、月度考核、信用积分、结算与业务代码。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # the 400/401/403/404/429 answers of every operation, in the exception handler's shapes
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.api.schema.error_responses_hook"],
    "ENUM_NAME_OVERRIDES": {
        "ApprovalStatusEnum": "core.choices.ApprovalStatus",
        "PartnerStatusEnum": "partners.choices.PartnerStatus",
        "CodeCategoryEnum": "codes.choices.CodeCategory",
        "CodeStatusEnum": "codes.choices.CodeStatus",
        "CodeKindEnum": "codes.choices.CodeKind",
        "ReviewStepEnum": "codes.choices.ReviewStep",
        "CreditSanctionStatusEnum": "credit.choices.SanctionStatus",
        "RestrictedActionEnum": "enforcement.choices.RestrictedAction",
        "NewspaperProductStatusEnum": "newspaper.choices.ProductStatus",
        "NewspaperContentCategoryEnum": "newspaper.choices.ContentCategory",
        "DecisionOverrideKindEnum": "overrides.choices.OverrideKind",
    },
}

# Celery: Redis when REDIS_URL is set, otherwise tasks run eagerly in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = not bool(REDIS_URL) and not os.environ.get("CELERY_BROKER_URL")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# With late acks a message whose worker died is handed out again after this many seconds: longer than the
# longest hard time limit (2 h), or a slow run would be started twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(2 * 60 * 60 + 10 * 60))),
    # how often a worker looks for such messages (seconds × every Nth look scans Redis)
    "unacked_restore_interval": int(os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": int(os.environ.get("CELERY_UNACKED_RESTORE_THROTTLE", "10")),
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Job and import runs (core.jobs): a running record writes a heartbeat every JOB_HEARTBEAT_INTERVAL seconds;
# one without a heartbeat for JOB_HEARTBEAT_TIMEOUT seconds belonged to a process that died and is marked failed.
JOB_HEARTBEAT_INTERVAL = float(os.environ.get("JOB_HEARTBEAT_INTERVAL", "5"))
JOB_HEARTBEAT_TIMEOUT = int(os.environ.get("JOB_HEARTBEAT_TIMEOUT", "600"))
# How often a run waiting for another run of the same job and period retries the lock (seconds).
JOB_LOCK_POLL = float(os.environ.get("JOB_LOCK_POLL", "0.5"))

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Content-Security-Policy (django-csp). Scripts only from this site: the admin has no inline scripts,
# the Swagger UI is the split view (its start-up script is a separate file), Redoc is served by the
# sidecar and runs its worker from a blob. Inline *styles* are allowed: the admin theme, Swagger UI
# and Redoc set style attributes and inject <style> elements. Extra sources for the admin only come
# from CSP_ADMIN_SCRIPT_SRC (core.middleware.AdminCspMiddleware).
_CSP_SELF = "'self'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_CSP_SELF],
        "script-src": [_CSP_SELF],
        "style-src": [_CSP_SELF, "'unsafe-inline'"],
        "img-src": [_CSP_SELF, "data:"],
        "font-src": [_CSP_SELF, "data:"],
        "connect-src": [_CSP_SELF],
        "worker-src": [_CSP_SELF, "blob:"],
        "object-src": ["'none'"],
        "base-uri": [_CSP_SELF],
        "form-action": [_CSP_SELF],
        "frame-ancestors": ["'none'"],
    }
}
#: script sources added on /admin/ pages only. 'unsafe-eval' by default: the admin theme's Alpine.js
#: (django-unfold) compiles its x-* attribute expressions with Function(); empty it for the stock admin.
CSP_ADMIN_SCRIPT_SRC = env_list("CSP_ADMIN_SCRIPT_SRC", "'unsafe-eval'")

# the theme's login form carries no "next" field: land on the admin home (the dashboard)
LOGIN_REDIRECT_URL = "/admin/"

# The admin theme: Chinese titles, the dashboard as the home page, the sidebar grouped by the rhythm of the work.
UNFOLD = {
    "SITE_TITLE": "migu-ops",
    "SITE_HEADER": "咪咕开放合作运营管理",
    "SITE_SUBHEADER": "运营后台",
    "SITE_SYMBOL": "hub",
    "SHOW_LANGUAGES": True,
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "DASHBOARD_CALLBACK": "workspace.dashboard.dashboard_callback",
    # spacing and borders for the read-only tables of detail pages
    "STYLES": [lambda request: static("core/admin_tables.css")],
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": True,
        "navigation": "core.navigation.sidebar_navigation",
    },
}

IMPORT_EXPORT_SKIP_ADMIN_LOG = False
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"log_context": {"()": "core.log_context.LogContextFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["log_context"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
