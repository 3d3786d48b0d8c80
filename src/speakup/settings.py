"""speakup settings: everything that differs between machines comes from the environment.

Secure by default: DEBUG is off unless asked for, and with DEBUG off a SECRET_KEY is required.
"""

import warnings
from pathlib import Path

from speakup.core.database import database_from_url
from speakup.core.env import (
    ConfigError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_mapping,
    env_path,
    env_str,
    env_url,
)

PACKAGE_DIR = Path(__file__).resolve().parent
# The checkout (or deployment folder) holding var/ and build/.
BASE_DIR = Path(env_str("SPEAKUP_HOME") or PACKAGE_DIR.parent.parent)
VAR_DIR = env_path("SPEAKUP_VAR_DIR", Path("var"), base=BASE_DIR)

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigError(
            "SECRET_KEY must be set when DEBUG is off. On the demo database that make run "
            "made, run commands through make: make speakup ARGS='help'"
        )
    SECRET_KEY = "insecure-local-development-key-only-used-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A form sent without the CSRF cookie gets our page in plain English, not Django's bare 403.
CSRF_FAILURE_VIEW = "speakup.core.views.errors.csrf_failure"
# The address people reach the service at, for links in emails.
SITE_URL = env_url(
    "SITE_URL",
    "http://127.0.0.1:8000" if DEBUG else (f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else ""),
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "speakup.core",
    "speakup.organisations",
    "speakup.concerns",
    "speakup.training",
    "speakup.register",
    "speakup.reporting",
    "speakup.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "speakup.core.middleware.ContentSecurityPolicyMiddleware",
    "speakup.core.middleware.RefuseNulBytesMiddleware",
    "speakup.core.middleware.RefuseCharsetsOtherThanUtf8Middleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "speakup.core.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Inside the messages and authentication middleware: its page shows the signed-in layout.
    "speakup.core.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it counts failures after authentication has run.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "speakup.urls"
WSGI_APPLICATION = "speakup.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "speakup.core.jinja.environment"},
    },
    {
        # Django templates serve the admin only.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]
FORM_RENDERER = "django.forms.renderers.DjangoTemplates"

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", "sqlite:///var/speakup.sqlite3"), base_dir=BASE_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out account is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        # Our users have a full name, not Django's first_name and last_name.
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {"NAME": "speakup.core.passwords.NameInPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A link to set a new password (sent by an organisation admin) works for a day, and once.
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60
LOGIN_URL = "core:sign_in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# django-axes: lock an account (not an address: we keep no client addresses) after
# repeated failures, for an hour.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "speakup.core.auth.sign_in_username"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "speakup.core.auth.no_client_address"
AXES_LOCKOUT_CALLABLE = "speakup.core.views.auth.locked_out"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True
# We lock accounts, not addresses (we keep no client addresses): see docs/adr/0003.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

OTP_TOTP_ISSUER = "speakup"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/assets/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the source folders when nothing was collected (make run), and do not
# warn at every start that the collected folder is not there yet.
WHITENOISE_USE_FINDERS = True
warnings.filterwarnings("ignore", message="No directory at")
MEDIA_ROOT = VAR_DIR / "media"
# Django's default, stated: form fields and JSON bodies (the API's 413 says the figure). It does
# not limit uploaded files or CSV request bodies, which are never held in memory: a roster takes
# up to 500 MB and completions up to 20 MB (speakup.training.uploads, docs/training.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
# The key-encryption key file: outside the database, made on first use (docs/adr/0004).
SPEAKUP_KEK_FILE = env_path("SPEAKUP_KEK_FILE", VAR_DIR / "kek.json", base=BASE_DIR)
# Counts of people from 1 to this minus one are shown as "fewer than N" (docs/reporting.md).
SPEAKUP_SUPPRESSION_THRESHOLD = env_int("SPEAKUP_SUPPRESSION_THRESHOLD", 5, minimum=3)

# The cache holds the receipt sign-in throttles: with several web processes they must share
# one (Redis), or each process keeps its own counts (docs/operations.md, "Cache").
CACHE_URL = env_str("CACHE_URL", "").strip()
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif CACHE_URL.startswith("file:///"):
    # One machine, several processes (make run's web server and Celery worker): files in a folder.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_URL.removeprefix("file://"),
        }
    }
elif CACHE_URL:
    raise ConfigError(
        "CACHE_URL must start with redis://, rediss:// or file:///, "
        f"not {CACHE_URL.partition(':')[0]}://"
    )
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# A staff session ends this long after signing in; "Stay signed in" moves the end on, up to a
# day after signing in (speakup.core.sessions, docs/adr/0013).
SESSION_ENGINE = "speakup.core.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Secure transport unless running locally with DEBUG on.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
# Cookies travel over HTTPS only, unless the site is served over plain HTTP on this machine
# (DEBUG, or `make run`, which turns this off to show the product's own error pages).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Email: "console" prints messages (local use), "smtp" sends them.
EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
}[
    env_choice(
        "EMAIL_BACKEND", "console" if DEBUG else "smtp", ["console", "smtp", "memory", "file"]
    )
]
# Where EMAIL_BACKEND=file writes each batch of emails, one file a batch (make run's demo).
EMAIL_FILE_PATH = env_path("EMAIL_FILE_PATH", VAR_DIR / "mail", base=BASE_DIR)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "speakup <no-reply@speakup.invalid>")

# Celery: with no broker, tasks run inline in the process that asks for them.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or None
if CELERY_BROKER_URL and CELERY_BROKER_URL.startswith("filesystem://"):
    # No broker service, one machine (make run): each message is a file in var/celery, written
    # whole before the worker can take it (speakup.core.folder_queue).
    CELERY_BROKER_TRANSPORT = "speakup.core.folder_queue:Transport"
    _QUEUE_DIR = VAR_DIR / "celery"
    _QUEUE_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_QUEUE_DIR),
        "data_folder_out": str(_QUEUE_DIR),
        "store_processed": False,
        "control_folder": str(_QUEUE_DIR / "control"),
    }
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
# Deadlines and escalation (docs/concerns.md): cron can run `speakup tick` instead.
CELERY_BEAT_SCHEDULE = {
    "concerns-tick": {"task": "concerns.tick", "schedule": 15 * 60},
}
# Overdue work climbs one escalation level each time this many days pass.
SPEAKUP_ESCALATE_EVERY_DAYS = env_int("SPEAKUP_ESCALATE_EVERY_DAYS", 7, minimum=1)

# Completions from learning records (docs/training.md, section 3): course titles and xAPI
# activity IRIs mapped to modules, on top of the ones speakup knows.
_training_modules = ["speak_up", "listen_up", "follow_up"]
TRAINING_COURSE_TITLES = env_mapping("TRAINING_COURSE_TITLES", _training_modules)
TRAINING_XAPI_ACTIVITIES = env_mapping("TRAINING_XAPI_ACTIVITIES", _training_modules)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Staff scripts: `speakup api-token EMAIL`, sent as "Authorization: Token <key>". First,
        # because the first one names the challenge of a 401 (WWW-Authenticate: Token).
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Every endpoint is for staff unless it says it is public (AllowAny): with no session and
    # no token, a 401 before the view looks anything up. Signed in, the view's rules decide.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's defaults, with JSON read by our parser (too deep or a NUL character: a 400).
    "DEFAULT_PARSER_CLASSES": [
        "speakup.core.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every 404 in plain English, by the kind of thing asked for (core/api_errors.py).
    "EXCEPTION_HANDLER": "speakup.core.api_errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "speakup API",
    "DESCRIPTION": "Freedom to Speak Up: the versioned JSON API.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{levelname} {name} {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "info", ["debug", "info", "warning", "error"]).upper(),
    },
    # Request logs carry addresses and paths; speaker routes must leave no trace, so the
    # framework's per-request logger only reports server errors, without the client address.
    "loggers": {"django.server": {"level": "ERROR"}, "django.request": {"level": "ERROR"}},
}
