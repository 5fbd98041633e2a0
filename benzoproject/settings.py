"""Settings for Benzoreductie, read from environment variables.

With nothing set the app runs for a first look: SQLite and a Celery broker on
the file system (kombu's ``filesystem://`` transport), so only Python is
needed. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.
A ``.env`` file in the project root (or the file ``ENV_FILE`` names) is read
when present (``make run`` writes one with a fresh ``SECRET_KEY``); real
environment variables win.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
ENV_FILE = Path(os.environ.get("ENV_FILE", BASE_DIR / ".env"))
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # A production start without a secret must stop, not fall back.
        raise ImproperlyConfigured("SECRET_KEY is not set (set DEBUG=true for a local first look).")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # nosec B105 - only with DEBUG on

# The key of the keyed hash (HMAC-SHA256) behind the pseudonyms of the FTO group's view
# (monitoring/pseudonyms.py); kept outside the database. Without it and without DEBUG the
# group view refuses to open (docs/domain.md, "The FTO group's view").
PSEUDONYM_KEY = env("PSEUDONYM_KEY", default="")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Addresses (or networks) of reverse proxies whose X-Forwarded-For is believed for the
# client address of the access log and the login limits (benzoproject.middleware.client_ip).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    # Two factors (docs/security.md#two-factors): TOTP apps and recovery codes. Before
    # the core, whose admin module takes their device pages out of the admin.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "benzoproject",
    "patients",
    "letters",
    "tapering",
    "monitoring",
]

MIDDLEWARE = [
    # Permissions-Policy on every response, static files included.
    "benzoproject.headers.PermissionsPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files keep their caching, everything else is no-store.
    "benzoproject.headers.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second factor?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "benzoproject.middleware.AuditContextMiddleware",
    "benzoproject.middleware.NullCharacterMiddleware",
    # Ends idle and old sessions before the view runs (docs/security.md).
    "benzoproject.session_limits.SessionLimitsMiddleware",
    "benzoproject.throttle.LoginThrottleMiddleware",
    # Last, so its redirects get every header above: a session that has passed only the
    # password reaches the code step and the logout, nothing else.
    "benzoproject.twofactor.TwoFactorMiddleware",
]

ROOT_URLCONF = "benzoproject.urls"
WSGI_APPLICATION = "benzoproject.wsgi.application"

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
                "benzoproject.access.membership_context",
                "benzoproject.twofactor.two_factor_context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# An empty DATABASE_URL counts as unset: the first-look SQLite database.
DATABASES = {"default": env.db_url_config(
    env("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat write at the same time on a first look (docs/development.md).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
# Two database roles (docs/security.md): DATABASE_URL is the app's role, which may only
# insert into and read the access log; DATABASE_OWNER_URL (optional) is the tables' owner,
# used only by `manage.py migrate` and `manage.py db_roles` (benzoproject/dbroles.py).
DATABASE_OWNER_URL = env("DATABASE_OWNER_URL", default="")
DATABASE_APP_ROLE = (env("DATABASE_APP_ROLE", default="")
                     or DATABASES["default"].get("USER", ""))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Refuses an attempt while its address, user name or device is locked
    # (benzoproject/throttle.py, docs/security.md#throttling-of-logins).
    "benzoproject.throttle.ThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2 first: new and changed passwords get it, and an older hash (PBKDF2) still works
# and is re-hashed with Argon2 at the user's next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    # Django's list of 20,000 common passwords and a list of Dutch ones, also with digits,
    # symbols or capitals added ("Welkom2026!"): benzoproject/passwords.py.
    {"NAME": "benzoproject.passwords.CommonWordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Every user passes a second factor (a code from an authenticator app, or a recovery code)
# after the password. Only a local first look (DEBUG on) may switch it off; every page
# then says so (docs/security.md#two-factors).
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
if not TWO_FACTOR_REQUIRED and not DEBUG:
    raise ImproperlyConfigured(
        "TWO_FACTOR_REQUIRED=false is only allowed with DEBUG=true, for a local first look: "
        "with DEBUG off every user must pass a second factor. Remove TWO_FACTOR_REQUIRED "
        "from the environment (or .env).")
# The name the authenticator app shows beside the account.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Benzoreductie")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Login throttling (benzoproject/throttle.py): failed logins within a sliding window lock,
# for the cool-off, an address (across user names) or a user name (across addresses) for
# attempts without a device cookie, or one device of one user.
LOGIN_THROTTLE_WINDOW_SECONDS = env.int("LOGIN_THROTTLE_WINDOW_SECONDS", default=15 * 60)
LOGIN_THROTTLE_COOLOFF_SECONDS = env.int("LOGIN_THROTTLE_COOLOFF_SECONDS", default=15 * 60)
# A practice's shared address sees its colleagues' typing errors too: 20 leaves room for them
# while a spray over any number of user names stops at the 20th failure.
LOGIN_THROTTLE_ADDRESS_LIMIT = env.int("LOGIN_THROTTLE_ADDRESS_LIMIT", default=20)
LOGIN_THROTTLE_USERNAME_LIMIT = env.int("LOGIN_THROTTLE_USERNAME_LIMIT", default=10)
LOGIN_THROTTLE_DEVICE_LIMIT = env.int("LOGIN_THROTTLE_DEVICE_LIMIT", default=5)
LOGIN_THROTTLE_CACHE = "default"
LOGIN_THROTTLE_KEY_PREFIX = "login-throttle"
# The device cookie: signed, long-lived, up to LOGIN_DEVICE_COOKIE_USERS colleagues per browser.
LOGIN_DEVICE_COOKIE_SECONDS = env.int("LOGIN_DEVICE_COOKIE_DAYS", default=180) * 24 * 3600
LOGIN_DEVICE_COOKIE_USERS = 10

# Sessions (benzoproject/session_limits.py): end after SESSION_IDLE_SECONDS without a request,
# SESSION_MAX_SECONDS after the login, and when the browser closes. Database sessions: disabling
# an account deletes that user's rows.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_MAX_SECONDS = env.int("SESSION_MAX_SECONDS", default=12 * 3600)
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Language and time ----------------------------------------------------
# Always Dutch, whatever the browser asks: no LocaleMiddleware. With nothing
# activated Django uses LANGUAGE_CODE, so requests, the admin, the Celery worker,
# the sweep and commands all write Dutch. English can follow as a per-user
# choice; the strings are already marked for it (docs/development.md#translations).
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
# The app's catalogue (``make messages`` keeps it) and, second, Dutch for the
# third-party packages in the admin that ship none (django-celery-beat).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_thirdparty"]
# One date format per kind: benzoproject/formats/nl/formats.py (docs/development.md#dates).
FORMAT_MODULE_PATH = ["benzoproject.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploaded exports, letters and logos hold patient data or identify the practice: readable
# by the app's own user only, never by the other users of the server (docs/security.md).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# An uploaded export is deleted as soon as its import has finished (0 days), or kept this
# many days encrypted with UPLOAD_KEY (Fernet) and then deleted by beat.
UPLOAD_KEEP_DAYS = env.int("UPLOAD_KEEP_DAYS", default=0)
UPLOAD_KEY = env("UPLOAD_KEY", default="")
if UPLOAD_KEEP_DAYS < 0:
    raise ImproperlyConfigured("UPLOAD_KEEP_DAYS cannot be negative.")
if UPLOAD_KEEP_DAYS and not UPLOAD_KEY:
    raise ImproperlyConfigured("UPLOAD_KEEP_DAYS keeps uploaded exports: set UPLOAD_KEY to "
                               "encrypt them (see .env.example).")
# Uploads larger than this are imported by a Celery task with a progress bar.
IMPORT_SYNC_MAX_BYTES = env.int("IMPORT_SYNC_MAX_BYTES", default=1_000_000)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=300 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Print runs of up to this many letters are rendered at once; larger ones by the Celery
# worker with a progress bar.
LETTER_RUN_SYNC_MAX = env.int("LETTER_RUN_SYNC_MAX", default=25)
# An uploaded logo or signature is converted once, in a child process with these limits
# (letters/raster.py); a file that needs more is refused (docs/security.md).
IMAGE_CONVERT_CPU_SECONDS = env.int("IMAGE_CONVERT_CPU_SECONDS", default=10)
IMAGE_CONVERT_MEMORY_MB = env.int("IMAGE_CONVERT_MEMORY_MB", default=512)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -------------------------------------------------------------
# Safe without extra variables: without DEBUG the site is HTTPS only (redirect, HSTS, Secure
# __Host- cookies). HTTPS=false is for a try-out over plain HTTP on one's own machine.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS and env.bool("SECURE_SSL_REDIRECT", default=True)
# When TLS ends at a proxy, the header it sets (e.g. X-Forwarded-Proto) tells Django that the
# request came in over HTTPS. Only with a proxy that always sets it: a client could send it too.
_proxy_header = env("SECURE_PROXY_SSL_HEADER", default="")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https") if _proxy_header else None)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Entering the browsers' preload list binds the whole domain for months; that is the domain
# owner's decision, not a default of the app (docs/security.md#sessions-and-safe-defaults).
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# __Host- cookies are sent only over HTTPS, to this very host, for every path: no subdomain
# can set or read them. Browsers refuse the prefix without Secure, hence only with HTTPS.
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
LOGIN_DEVICE_COOKIE_NAME = "__Host-device" if HTTPS else "device"
SESSION_COOKIE_HTTPONLY = True
# Browser features the app never uses are switched off (benzoproject/headers.py).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: [] for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment",
        "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
        "xr-spatial-tracking")
} | {"fullscreen": ["self"]}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        # Bootstrap's progress bars and charts set widths inline.
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- E-mail ---------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Benzoreductie <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address users open the app at, for links in e-mails (the daily digest).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- Cache, Celery --------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
CELERY_DATA_DIR = Path(env("CELERY_DATA_DIR", default=str(BASE_DIR / "var" / "celery")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # Longer than the longest task, or Redis hands an unacked task out twice. A short
    # connect timeout: a page that starts work while Redis is down answers within seconds
    # (docs/architecture.md#celery).
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "visibility_timeout": 2 * 3600, "socket_connect_timeout": 2}
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {
        "max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}}
    # Short timeouts: while Redis is down a page falls back to what the database holds
    # (benzoproject/progress.py) instead of hanging.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1}}}
else:
    # No server needed: messages are files (docs/architecture.md#first-look-platform).
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_DATA_DIR / 'results'}"
    # On disk, so web and worker processes share it (import progress).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(CELERY_DATA_DIR.parent / "cache")}}
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXTENDED = True
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
# Publishing a task tries the broker twice at most, so a request never waits long on a
# broker that is down (benzoproject/background.py: the row waits to be sent again).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
# A job's claim is stale, and the job is taken over, this long after the hard time limit
# (benzoproject/background.py); a waiting job is sent again after BACKGROUND_RESEND_SECONDS.
BACKGROUND_CLAIM_GRACE_SECONDS = env.int("BACKGROUND_CLAIM_GRACE_SECONDS", default=60)
BACKGROUND_RESEND_SECONDS = env.int("BACKGROUND_RESEND_SECONDS", default=300)
# Process tests only: a folder whose "pause" file holds a job at a known point. Empty (the
# hook does nothing) unless the variable is set.
BACKGROUND_TEST_PAUSE = env("BACKGROUND_TEST_PAUSE", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Exactly one beat process runs (Procfile.dev, docker-compose.yml); the timed steps are rows in
# the database that this schedule sweeps, never countdown tasks in the broker (docs/domain.md).
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "benzoproject.tasks.heartbeat",
        "schedule": crontab(minute="*"),
    },
    "sweep-due-steps": {
        "task": "patients.tasks.sweep_due_steps",
        "schedule": env.float("DUE_SWEEP_SECONDS", default=300.0),
    },
    "requeue-stale-imports": {
        "task": "patients.tasks.requeue_stale_imports",
        "schedule": env.float("STALE_SWEEP_SECONDS", default=60.0),
    },
    "purge-upload-files": {
        "task": "patients.tasks.purge_upload_files",
        "schedule": crontab(minute=17),
    },
    "requeue-stale-print-runs": {
        "task": "letters.tasks.requeue_stale_runs",
        "schedule": env.float("STALE_SWEEP_SECONDS", default=60.0),
    },
    # The access log's hash chain, checked every night; a break alerts the beheerder
    # (docs/security.md, "The access log cannot be rewritten").
    "verify-audit-chain": {
        "task": "patients.tasks.verify_audit_chain",
        "schedule": crontab(hour=3, minute=30),
    },
    "daily-digest": {
        "task": "tapering.tasks.queue_digests",
        "schedule": crontab(hour=env.int("DIGEST_HOUR", default=7), minute=0),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refused_without_traceback": {
        "()": "benzoproject.logfilters.RefusedWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # WeasyPrint logs every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        # Django's own console handler (DEBUG only) wrote every record a second time
        # beside the root's: Django's records now reach the console through the root once.
        "django": {"level": "INFO", "handlers": [], "propagate": True},
        # A refused access (403) is one warning line, without a traceback.
        "django.request": {"filters": ["refused_without_traceback"]},
    },
}
