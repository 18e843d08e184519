"""Django settings for skreddersy.

Configuration comes from the environment so that one code base runs the demo on SQLite
and production on PostgreSQL. Every variable read here is listed, with its default, meaning
and production value, in ``docs/deploy.md``. The defaults are the safe production ones; the
local demo (``make run``) opts out of what plain HTTP on 127.0.0.1 cannot have.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool) -> bool:
    """A yes/no variable: "1", "true", "yes", "on" or "0", "false", "no", "off"; anything else is an error."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected 1 or 0.")


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number.") from None


def _list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = _flag("SKREDDERSY_DEBUG", False)

# The secret key signs sessions and CSRF tokens and also derives survey pseudonyms and invitation
# tokens, so a known key would let anyone forge them: without one (and without debug) the product
# does not start. `make run` keeps a generated local key in var/secret_key (ignored by git).
SECRET_KEY = os.environ.get("SKREDDERSY_SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SKREDDERSY_SECRET_KEY is not set. Set it to a long random value kept secret "
            '(for example: python3 -c "import secrets; print(secrets.token_urlsafe(50))"); '
            "it signs sessions and derives survey pseudonyms and invitation tokens. "
            "`make run` makes one for the local demo. See docs/deploy.md."
        )
    SECRET_KEY = "debug-only-not-secret-skreddersy-0123456789abcdefghijklmnopqrstuvwxyz"

ALLOWED_HOSTS = _list("SKREDDERSY_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = _list("SKREDDERSY_CSRF_TRUSTED_ORIGINS", "")

# The reference data ship in skreddersy/reference; an administrator may point this at a newer catalogue.
REFERENCE_DIR = Path(os.environ["SKREDDERSY_REFERENCE_DIR"]) if os.environ.get("SKREDDERSY_REFERENCE_DIR") else None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "skreddersy.core",
    "skreddersy.timeuse",
    "skreddersy.clients",
    "skreddersy.followup",
    "skreddersy.notifications",
    "skreddersy.measures",
    "skreddersy.insight",
    "skreddersy.work",
    "skreddersy.workload",
    "skreddersy.accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CSP and no-store on every page and API answer (after WhiteNoise: static files stay cacheable)
    "skreddersy.core.middleware.SecurityHeaders",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "skreddersy.core.middleware.BokmaalUnlessChosen",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "skreddersy.core.middleware.UserLanguage",
    "skreddersy.policy.language.ClientWrittenStandard",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "skreddersy.core.middleware.AuditDenials",
    "skreddersy.core.middleware.ServiceErrorPages",
    # an API request with an Idempotency-Key: its work and the stored answer in one transaction
    "skreddersy.core.middleware.Idempotency",
    # last: turns a locked-out login (from the axes backend) into the 429 page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "skreddersy.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "skreddersy.policy.context_processors.acting",
                "skreddersy.followup.context_processors.approvals",
            ],
            # {% url %} with its reversals kept per view name (core/templatetags/fast_url.py)
            "builtins": ["skreddersy.core.templatetags.fast_url"],
        },
    },
]

WSGI_APPLICATION = "skreddersy.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=_int("SKREDDERSY_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections: a new SQLite connection per request re-reads the schema and starts
    # with a cold page cache, which costs more than the query work of a typical page.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at
            # BEGIN so two writers queue instead of failing half way with "database is locked".
            # Memory-mapped reads: another worker's write then costs this worker no page-cache reload.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA mmap_size=268435456;",
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SKREDDERSY_SQLITE_TEST_NAME") or None}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The ORM keeps Django's client-side binding (no prepared statements). The few hand-written
    # statements that run on every request (core.sql.cursor) bind on the server and are
    # prepared by psycopg from their fifth use on a connection, so PostgreSQL plans them once.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
    # No JIT compilation of queries (docs/decisions/0045): the overview's counters are one statement
    # whose estimated cost passes jit_above_cost, and compiling it took 0.5-2 s on every request
    # while running it takes 30 ms. Short, many, interactive queries gain nothing from JIT.
    # SKREDDERSY_PG_JIT=on keeps the server's setting (for the analysts' long statements, say).
    if os.environ.get("SKREDDERSY_PG_JIT", "off").strip().lower() != "on":
        _opts = DATABASES["default"]["OPTIONS"]
        _opts["options"] = " ".join(filter(None, [_opts.get("options", ""), "-c jit=off"]))

AUTH_USER_MODEL = "core.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Django's authentication and database sessions, with their per-request reads done by one plain
# statement each (skreddersy/policy/auth.py).
# AxesStandaloneBackend first: it refuses a locked-out username before any password is checked
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "skreddersy.policy.auth.Backend"]
SESSION_ENGINE = "skreddersy.policy.auth"
# Sessions end after eight idle hours (a working day) and when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# HTTPS. Production defaults throughout; the local demo over plain HTTP (`make run`) sets
# SKREDDERSY_INSECURE_COOKIES=1 and SKREDDERSY_SSL_REDIRECT=0, and nothing else should.
_INSECURE_COOKIES = _flag("SKREDDERSY_INSECURE_COOKIES", False)
SESSION_COOKIE_SECURE = not _INSECURE_COOKIES
CSRF_COOKIE_SECURE = not _INSECURE_COOKIES
SECURE_SSL_REDIRECT = _flag("SKREDDERSY_SSL_REDIRECT", True)
# Browsers sent here once keep to HTTPS for this long (HSTS; sent on HTTPS responses only).
SECURE_HSTS_SECONDS = _int("SKREDDERSY_HSTS_SECONDS", 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SKREDDERSY_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _flag("SKREDDERSY_HSTS_PRELOAD", False)
# Behind a proxy that ends TLS: "HEADER,value", e.g. "HTTP_X_FORWARDED_PROTO,https". Only when the
# proxy always sets (and overwrites) that header; unset, a request is HTTPS only if it came so.
_PROXY_SSL_HEADER = os.environ.get("SKREDDERSY_PROXY_SSL_HEADER", "").strip()
if _PROXY_SSL_HEADER:
    _header, _, _value = _PROXY_SSL_HEADER.partition(",")
    if not _header.startswith("HTTP_") or not _value:
        raise ImproperlyConfigured(
            f"SKREDDERSY_PROXY_SSL_HEADER={_PROXY_SSL_HEADER!r}: expected HEADER,value such as HTTP_X_FORWARDED_PROTO,https."
        )
    SECURE_PROXY_SSL_HEADER = (_header.strip(), _value.strip())
SECURE_CONTENT_TYPE_NOSNIFF = _flag("SKREDDERSY_CONTENT_TYPE_NOSNIFF", True)
X_FRAME_OPTIONS = os.environ.get("SKREDDERSY_X_FRAME_OPTIONS", "DENY").strip().upper()
if X_FRAME_OPTIONS not in ("DENY", "SAMEORIGIN"):
    raise ImproperlyConfigured(f"SKREDDERSY_X_FRAME_OPTIONS={X_FRAME_OPTIONS!r}: expected DENY or SAMEORIGIN.")
SECURE_REFERRER_POLICY = os.environ.get("SKREDDERSY_REFERRER_POLICY", "same-origin").strip()
# Content-Security-Policy on every page (core.middleware.SecurityHeaders): scripts only from our own
# static files (no inline script, no eval); styles also inline, because the server-rendered SVG
# plots (matplotlib) carry their styles inline and a style cannot run code; fonts also from Nav's
# CDN, where Aksel's stylesheet loads them; no framing, no plugins.
CONTENT_SECURITY_POLICY = os.environ.get(
    "SKREDDERSY_CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data: https://cdn.nav.no; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'",
).strip()

# Failed-login throttle (django-axes, docs/decisions/0017): this many failures against one
# normalised username (core/login.py) lock it for the cool-off period, on every login form (staff,
# Min side, admin). Only the username is locked, never an address, so one proxy or NAT full of
# staff with the right passwords is not locked out by someone else's failures.
LOGIN_FAILURE_LIMIT = 5
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
AXES_ENABLED = True
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = LOGIN_FAILURE_WINDOW_SECONDS / 3600  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "skreddersy.core.login.axes_username"
AXES_LOCKOUT_CALLABLE = "skreddersy.accounts.lockout.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful logins: the audit trail's business, not a second log
AXES_VERBOSE = False  # axes' own log lines would carry usernames and addresses
AXES_SENSITIVE_PARAMETERS = ["password", "username"]
# axes.W006 warns that without the address a lock can be dodged by rotating user agents or
# cookies; the lock here is on the username, which neither changes, and an address lock is what
# would shut out a NAT full of colleagues (decision 0017).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# British English dates ("8 December 2026") and the named formats the templates use: skreddersy/formats/
FORMAT_MODULE_PATH = ["skreddersy.formats"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves the static files straight from static/ and the apps (finders), so nothing
# needs collecting. A deployment that collects them (`manage.py collectstatic`) names the folder.
STATIC_ROOT = Path(os.environ["SKREDDERSY_STATIC_ROOT"]) if os.environ.get("SKREDDERSY_STATIC_ROOT") else None
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Logs carry ids and outcomes, never names or identity numbers: see core/logging.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_personal_data": {"()": "skreddersy.core.logging.RedactPersonalData"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_personal_data"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SKREDDERSY_LOG_LEVEL", "WARNING")},
    # Django's own loggers (requests, runserver's access log) through the same filtered handler,
    # replacing the unfiltered handlers of Django's default configuration
    "loggers": {
        "django": {"handlers": ["console"], "level": os.environ.get("SKREDDERSY_LOG_LEVEL", "WARNING"), "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # A missing template variable is logged at DEBUG with the whole template context (names and
        # identity numbers in it): never below INFO, whatever SKREDDERSY_LOG_LEVEL says.
        "django.template": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

NINJA_PAGINATION_PER_PAGE = 50

# Background work: Django's Tasks API (the django-tasks backport) with its database backend, so the
# one-command demo needs no broker; `manage.py worker` runs the tasks and enqueues the periodic ones
# below when they are due (docs/decisions/0013-task-framework.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Periodic tasks: dotted path of the task -> seconds between runs.
PERIODIC_TASKS = {
    "skreddersy.core.tasks.housekeeping": 60 * 60,
    "skreddersy.notifications.tasks.drain_notifications": 30,
    # the day-before reminder of meetings with the client (followup/meetings.py), through the outbox
    "skreddersy.followup.tasks.remind_meetings": 15 * 60,
    # sealed survey answers into the results in batches of at least five (insight/anonymity.py)
    "skreddersy.insight.tasks.release_pending_responses": 15 * 60,
    # each counsellor's modelled workload, stored for the follow-up overview's red light (workload/services.py)
    "skreddersy.workload.tasks.refresh_loads": 60 * 60,
    # the tailoring indicators (13 months, the whole country) and sealing of closed calibration
    # rounds (insight/tailoring/services.py): nightly, see PERIODIC_TASK_HOURS
    "skreddersy.insight.tasks.refresh_tailoring": 20 * 60 * 60,
}
# Periodic tasks enqueued only within these local hours [first, end): the nightly ones. An interval
# of 20 h with hours (1, 5) runs once every night, at the first schedule check after 01:00.
PERIODIC_TASK_HOURS = {
    "skreddersy.insight.tasks.refresh_tailoring": (1, 5),
}
# Idempotency keys on unsafe API requests (core/idempotency.py) are kept this long, then housekeeping
# deletes them; a retry within it gets the first answer.
IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60
# Finished task results are kept this many days for inspection, then housekeeping deletes them.
TASK_RESULT_RETENTION_DAYS = 14

# Notifications (skreddersy/notifications): e-mail through Django's SMTP backend, SMS through an
# HTTP gateway that honours an idempotency key. Unset, e-mail goes to localhost:25 and SMS waits
# (retried with backoff, then failed and shown to the counsellor).
EMAIL_HOST = os.environ.get("SKREDDERSY_EMAIL_HOST", "localhost").strip()
EMAIL_PORT = _int("SKREDDERSY_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("SKREDDERSY_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SKREDDERSY_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _flag("SKREDDERSY_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = _int("SKREDDERSY_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("SKREDDERSY_EMAIL_FROM", "ikke-svar@nav.no").strip()
SMS_GATEWAY_URL = os.environ.get("SKREDDERSY_SMS_GATEWAY_URL", "").strip()
SMS_GATEWAY_TIMEOUT = _int("SKREDDERSY_SMS_GATEWAY_TIMEOUT", 10)
NOTIFICATION_MIN_SIDE_URL = os.environ.get("SKREDDERSY_MIN_SIDE_URL", "https://www.nav.no/minside").strip()
NOTIFICATION_MESSAGE_ID_DOMAIN = "skreddersy.nav.no"
NOTIFICATION_THROTTLE_SECONDS = 30 * 60  # at most one notification per client per 30 minutes
NOTIFICATION_MAX_ATTEMPTS = 8  # then failed: shown to the counsellor and journalled
NOTIFICATION_BACKOFF_SECONDS = 60  # 1, 2, 4, 8 ... minutes between attempts
NOTIFICATION_BACKOFF_CAP_SECONDS = 6 * 60 * 60
NOTIFICATION_LEASE_SECONDS = 5 * 60  # a claimed notification a dead worker left is retried after this
# A client's own view of the audit trail (Min side) shows office and role; staff names only when an
# administrator turns this on (staff safety; names are not part of the client's right of access).
AUDIT_SHOW_STAFF_NAMES = os.environ.get("SKREDDERSY_AUDIT_SHOW_STAFF_NAMES", "0") == "1"
# On PostgreSQL the audit trail is partitioned by month; a month older than the retention period
# may be exported and dropped (manage.py audit_archive --drop), never before.
AUDIT_RETENTION_MONTHS = int(os.environ.get("SKREDDERSY_AUDIT_RETENTION_MONTHS", "60"))
# Months ahead that manage.py audit_partitions keeps ready.
AUDIT_PARTITIONS_AHEAD = int(os.environ.get("SKREDDERSY_AUDIT_PARTITIONS_AHEAD", "3"))
