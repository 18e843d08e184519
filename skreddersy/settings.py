"""Django settings for skreddersy.

Configuration comes from the environment so that one code base runs the demo on SQLite
and production on PostgreSQL:

- ``DATABASE_URL``: database (default: SQLite file ``db.sqlite3`` in the project root, WAL mode)
- ``SKREDDERSY_SECRET_KEY``: secret key (a development key is used when unset and DEBUG is on)
- ``SKREDDERSY_DEBUG``: "1" for debug pages (default off)
- ``SKREDDERSY_REFERENCE_DIR``: a folder of reference JSON to use instead of the bundled ``skreddersy/reference``
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("SKREDDERSY_DEBUG", "0") == "1"
SECRET_KEY = os.environ.get("SKREDDERSY_SECRET_KEY") or "dev-only-not-secret-skreddersy-0123456789abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = os.environ.get("SKREDDERSY_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

# The reference data ship in skreddersy/reference; an administrator may point this at a newer catalogue.
REFERENCE_DIR = Path(os.environ["SKREDDERSY_REFERENCE_DIR"]) if os.environ.get("SKREDDERSY_REFERENCE_DIR") else None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "skreddersy.core",
    "skreddersy.clients",
    "skreddersy.followup",
    "skreddersy.measures",
    "skreddersy.insight",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "skreddersy.core.middleware.BokmaalUnlessChosen",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "skreddersy.core.middleware.ServiceErrorPages",
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
            ],
        },
    },
]

WSGI_APPLICATION = "skreddersy.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("SKREDDERSY_CONN_MAX_AGE", "60")),
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
SESSION_COOKIE_SECURE = not DEBUG and os.environ.get("SKREDDERSY_INSECURE_COOKIES", "1") != "1"

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
AXES_LOCKOUT_CALLABLE = "skreddersy.core.login.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful logins: the audit trail's business, not a second log
AXES_VERBOSE = False  # axes' own log lines would carry usernames and addresses
AXES_SENSITIVE_PARAMETERS = ["password", "username"]
# axes.W006 warns that without the address a lock can be dodged by rotating user agents or
# cookies; the lock here is on the username, which neither changes, and an address lock is what
# would shut out a NAT full of colleagues (decision 0017).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
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
    },
}

NINJA_PAGINATION_PER_PAGE = 50
