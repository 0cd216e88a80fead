"""One settings module, driven by environment variables (twelve-factor).

Embedded mode (the default) needs nothing set: SQLite under ``HEARTH_DATA_DIR``,
a generated secret key kept beside it, mail written to files. Production mode
(``HEARTH_ENV=production``) refuses to start without a secret key and turns on
every ``check --deploy`` hardening setting.
"""

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value in ("1", "true", "True"):
        return True
    if value in ("0", "false", "False"):
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_secret(name: str) -> str | None:
    """A secret from NAME, or from the file named by NAME_FILE (never inline in code)."""
    if os.environ.get(f"{name}_FILE"):
        return Path(os.environ[f"{name}_FILE"]).read_text().strip()
    return os.environ.get(name) or None


HEARTH_ENV = os.environ.get("HEARTH_ENV", "embedded")
if HEARTH_ENV not in ("embedded", "production", "test"):
    raise ImproperlyConfigured("HEARTH_ENV must be embedded, production or test")
PRODUCTION = HEARTH_ENV == "production"
TESTING = HEARTH_ENV == "test"

DATA_DIR = Path(os.environ.get("HEARTH_DATA_DIR") or BASE_DIR / "var").resolve()
if not TESTING:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    (DATA_DIR / "static").mkdir(exist_ok=True)

DEBUG = env_bool("HEARTH_DEBUG", default=False)


def _embedded_secret_key() -> str:
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_secret("HEARTH_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("HEARTH_SECRET_KEY (or HEARTH_SECRET_KEY_FILE) is required")
    SECRET_KEY = "test-only-secret-key" if TESTING else _embedded_secret_key()
# Earlier secret keys, still accepted (signed cookies, sessions, stored secrets) while a
# new HEARTH_SECRET_KEY takes over: comma-separated.
SECRET_KEY_FALLBACKS = env_list("HEARTH_SECRET_KEY_FALLBACKS")

# Secrets stored encrypted (webhook signing secrets; hearth.core.encryption): the key is
# derived from HEARTH_SECRETS_KEY, or from SECRET_KEY when it is not set. Old keys listed
# in HEARTH_SECRETS_KEY_FALLBACKS (comma-separated) still decrypt, for rotation.
HEARTH_SECRETS_KEY = env_secret("HEARTH_SECRETS_KEY")
HEARTH_SECRETS_KEY_FALLBACKS = env_list("HEARTH_SECRETS_KEY_FALLBACKS")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("HEARTH_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("HEARTH_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
SITE_URL = os.environ.get("HEARTH_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Proxies (addresses or networks) whose X-Forwarded-For names the client. Nobody by default:
# rate limits and counters then use the socket address, which a client cannot forge.
# `hearth serve` passes the same list to uvicorn; see hearth.core.client_ip.
HEARTH_TRUSTED_PROXIES = env_list("HEARTH_TRUSTED_PROXIES")
for _proxy in HEARTH_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"HEARTH_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network"
        ) from exc

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "hearth.core.static_app.HearthStaticFilesConfig",  # django.contrib.staticfiles
    "django.contrib.humanize",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_tasks",
    "django_tasks_db",
    "hearth.core",
    "hearth.accounts",
    "hearth.communities",
    "hearth.discussions",
    "hearth.qa",
    "hearth.ideas",
    "hearth.events",
    "hearth.elections",
    "hearth.groups",
    "hearth.search",
    "hearth.analytics",
    "hearth.benefits",
    "hearth.members",
    "hearth.conversations",
    "hearth.onboarding",
    "hearth.recognition",
    "hearth.trust",
    "hearth.audience",
    "hearth.moderation",
    "hearth.sharing",
    "hearth.notifications",
    "hearth.live",
    "hearth.growth",
    "hearth.customers",
    "hearth.privacy",
    "hearth.api",
    "hearth.archive",
    "hearth.webhooks",
    "hearth.compat",
    "hearth.governance",
]

MIDDLEWARE = [
    # First: the request id is in every log line of the request, and the time measured
    # for /metrics covers everything below (hearth.core.request_log, hearth.core.metrics).
    "hearth.core.request_log.RequestIdMiddleware",
    "hearth.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise, whose files are precompressed; outside the rest, so pages are gzipped.
    "hearth.core.middleware.PageCompressionMiddleware",
    # Outside everything that may answer early, so every page carries the policy.
    "csp.middleware.CSPMiddleware",
    # A view failing on a locked or unreachable database answers 503 + Retry-After.
    "hearth.core.middleware.DatabaseUnavailableMiddleware",
    # With a read replica: which database this request reads (hearth.core.replica); before
    # anything that reads (sessions, the actor), inside the 503 above.
    "hearth.core.replica.ReplicaMiddleware",
    # Before sessions, so a landing visitor's new session is seen on the way out.
    "hearth.audience.middleware.PageViewMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "hearth.core.middleware.TimezoneMiddleware",
    "hearth.core.middleware.CommunityActorMiddleware",
    # Under /api/, Django's own error pages (unknown path, 405, CSRF) become the API's JSON.
    "hearth.api.middleware.ApiErrorMiddleware",
    # API writes with an Idempotency-Key are answered once and replayed (hearth/api).
    "hearth.api.idempotency.IdempotencyMiddleware",
    # Last, so its 400 page renders with the user and messages like any other page.
    "hearth.core.middleware.Utf8InputMiddleware",
]

ROOT_URLCONF = "hearth.urls"
ASGI_APPLICATION = "hearth.asgi.application"
WSGI_APPLICATION = "hearth.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "hearth.core.context_processors.hearth",
                # After hearth's: brands the sign-up and sign-in pages of a visitor
                # arriving from a community's landing page.
                "hearth.growth.context_processors.arrival",
            ],
        },
    },
]

# Form widgets render through Jinja2 (Django's own widget templates for it): the same
# markup at a fraction of the cost, ~1.5 ms less on a signed-in topic page's reply form.
FORM_RENDERER = "django.forms.renderers.Jinja2"


# Databases: embedded SQLite (WAL, see hearth.core.apps) unless DATABASE_URL is set.
def _database(url: str) -> dict:
    # Under ASGI each request runs in a worker thread, so persistent per-thread connections
    # (CONN_MAX_AGE > 0) pile up instead of being reused: connect per request by default,
    # or share a psycopg pool per process with HEARTH_DB_POOL=1 (PostgreSQL only).
    database = dj_database_url.parse(url, conn_max_age=env_int("HEARTH_DB_CONN_MAX_AGE", 0))
    database["CONN_HEALTH_CHECKS"] = True
    if database["ENGINE"].endswith("postgresql") and not env_bool("HEARTH_DB_MEMOIZE"):
        # PostgreSQL 15 sizes a Memoize node's hash table by the rows it estimates, so a
        # page's LIMIT 10 join over a large table (the topic list at 1M posts) spent ~2 ms
        # setting one up for 0.2 ms of work. Page queries gain nothing from it.
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c enable_memoize=off".strip()
    if env_bool("HEARTH_DB_POOL") and database["ENGINE"].endswith("postgresql"):
        database["CONN_MAX_AGE"] = 0
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("HEARTH_DB_POOL_MIN", 2),
            "max_size": env_int("HEARTH_DB_POOL_MAX", 10),
        }
    return database


if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": _database(os.environ["DATABASE_URL"])}
    # A streaming replica of it: page reads go there, writes and the reads of a member who
    # just wrote go to the primary (hearth.core.dbrouter, docs/operators/replica.md).
    if os.environ.get("DATABASE_REPLICA_URL"):
        DATABASES["replica"] = _database(os.environ["DATABASE_REPLICA_URL"])
        # Tests against a configured replica read the test database through it.
        DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
        # A replica that does not answer is skipped, not waited for.
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env_int("HEARTH_REPLICA_CONNECT_TIMEOUT", 2)
        )
        DATABASE_ROUTERS = ["hearth.core.dbrouter.ReplicaRouter"]
elif os.environ.get("DATABASE_REPLICA_URL"):
    raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL (its primary)")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "hearth.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                # Seconds a write waits for SQLite's lock before "database is locked".
                # Healthy writes hold it for milliseconds; a request waiting longer holds
                # a thread and a connection while its visitor stares at a blank page, so
                # it gives up after 5 s and answers 503 + Retry-After instead. The worker,
                # whom no one waits for, raises it (hearth.core.worker).
                "timeout": env_int("HEARTH_SQLITE_BUSY_TIMEOUT", 5),
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The replica is skipped (reads go to the primary) while it is this many seconds behind;
# after a write, the writer's reads go to the primary for HEARTH_REPLICA_STICKY_SECONDS,
# which must be longer, or they could read a replica from before their write.
HEARTH_REPLICA_MAX_LAG = env_int("HEARTH_REPLICA_MAX_LAG", 4)
HEARTH_REPLICA_STICKY_SECONDS = env_int("HEARTH_REPLICA_STICKY_SECONDS", 5)
if HEARTH_REPLICA_STICKY_SECONDS <= HEARTH_REPLICA_MAX_LAG:
    raise ImproperlyConfigured(
        "HEARTH_REPLICA_STICKY_SECONDS must be greater than HEARTH_REPLICA_MAX_LAG"
    )
# The analytics rollups leave events younger than this for the next run: on PostgreSQL a
# transaction can commit an event id lower than one already committed. SQLite commits one
# write transaction at a time, in id order, so it needs no wait (and neither do tests).
HEARTH_ROLLUP_LAG_SECONDS = env_int(
    "HEARTH_ROLLUP_LAG_SECONDS",
    0 if TESTING or DATABASES["default"]["ENGINE"].endswith("sqlite3") else 120,
)

# Posting rate limits, repeated-post refusals and new members' spam signals (limits are
# per community; see hearth/moderation/ratelimits.py). Off in tests unless a test turns
# them on, so unrelated tests can post freely.
HEARTH_POSTING_LIMITS = env_bool("HEARTH_POSTING_LIMITS", default=not TESTING)

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's Redis cache, answering as an empty cache while Redis is stopped
            # (pages are served; rate limits fail open): hearth/core/cache.py.
            "BACKEND": "hearth.core.cache.ResilientRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# After a failed call to Redis, the cache skips it for this many seconds, then tries again.
HEARTH_CACHE_RETRY_SECONDS = env_int("HEARTH_CACHE_RETRY_SECONDS", 2)

# Whole pages for signed-out visitors of public community pages (hearth.core.page_cache):
# kept until a write to the community bumps its version, and at most this many seconds.
# Off under tests, whose query counts and stale-page checks assume every request renders;
# the page cache's own tests turn it on.
HEARTH_PAGE_CACHE = env_bool("HEARTH_PAGE_CACHE", not TESTING)
HEARTH_PAGE_CACHE_SECONDS = env_int("HEARTH_PAGE_CACHE_SECONDS", 60)
# The community home's side panels for signed-in members (hearth.core.panel_cache): their
# HTML per audience, until a membership, profile or content write bumps a version, and at
# most this many seconds. Off under tests like the page cache; its own tests turn it on.
HEARTH_PANEL_CACHE = env_bool("HEARTH_PANEL_CACHE", not TESTING)
HEARTH_PANEL_CACHE_SECONDS = env_int("HEARTH_PANEL_CACHE_SECONDS", 300)
# A post's byline and text as HTML (hearth.discussions.fragments), keyed by a digest of
# what they show, so nothing goes stale; entries age out after this many seconds.
HEARTH_POST_FRAGMENT_CACHE = env_bool("HEARTH_POST_FRAGMENT_CACHE", True)
HEARTH_POST_FRAGMENT_SECONDS = env_int("HEARTH_POST_FRAGMENT_SECONDS", 86_400)

# Live pages (hearth.live, docs/dev/live.md): one process keeps its streams' messages in
# memory; with REDIS_URL every app process hears every other through Redis.
HEARTH_LIVE_REDIS_URL = os.environ.get("REDIS_URL", "")
HEARTH_LIVE_BACKEND = os.environ.get("HEARTH_LIVE_BACKEND") or (
    "redis" if HEARTH_LIVE_REDIS_URL else "memory"
)
if HEARTH_LIVE_BACKEND not in ("memory", "redis") or (
    HEARTH_LIVE_BACKEND == "redis" and not HEARTH_LIVE_REDIS_URL
):
    raise ImproperlyConfigured("HEARTH_LIVE_BACKEND must be memory, or redis with REDIS_URL set")
HEARTH_LIVE_REDIS_PREFIX = os.environ.get("HEARTH_LIVE_REDIS_PREFIX", "hearth:live:")
# Open streams per app process, and per member (per address for visitors) in a process.
HEARTH_LIVE_MAX_STREAMS = env_int("HEARTH_LIVE_MAX_STREAMS", 2000)
HEARTH_LIVE_MAX_STREAMS_PER_USER = env_int("HEARTH_LIVE_MAX_STREAMS_PER_USER", 8)
# A stream ends after this long and the browser reconnects: access is decided again.
HEARTH_LIVE_STREAM_SECONDS = env_int("HEARTH_LIVE_STREAM_SECONDS", 300)

# Webhooks (hearth.webhooks, docs/developers/webhooks.md). Targets on private, loopback,
# link-local and reserved addresses are refused unless HEARTH_WEBHOOKS_ALLOW_PRIVATE is set
# (for receivers on the operator's own network); cloud metadata addresses are refused always.
HEARTH_WEBHOOKS_ALLOW_PRIVATE = env_bool("HEARTH_WEBHOOKS_ALLOW_PRIVATE", default=False)
HEARTH_WEBHOOKS_TIMEOUT_SECONDS = env_int("HEARTH_WEBHOOKS_TIMEOUT_SECONDS", 10)
# An endpoint is switched off after this many failed attempts in a row, or after failing
# for this many days without one success.
HEARTH_WEBHOOKS_DISABLE_AFTER_FAILURES = env_int("HEARTH_WEBHOOKS_DISABLE_AFTER_FAILURES", 15)
HEARTH_WEBHOOKS_DISABLE_AFTER_DAYS = env_int("HEARTH_WEBHOOKS_DISABLE_AFTER_DAYS", 3)

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# `hearth worker` records a heartbeat every HEARTH_WORKER_HEARTBEAT_SECONDS; /readyz
# answers 503 when tasks go through the database and no worker was seen for
# HEARTH_WORKER_HEARTBEAT_STALE_SECONDS (0 turns that check off).
HEARTH_WORKER_HEARTBEAT_SECONDS = env_int("HEARTH_WORKER_HEARTBEAT_SECONDS", 10)
HEARTH_WORKER_HEARTBEAT_STALE_SECONDS = env_int("HEARTH_WORKER_HEARTBEAT_STALE_SECONDS", 60)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth: username + email, login by either, verification mandatory in production.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory" if PRODUCTION else "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USERNAME_MIN_LENGTH = 3
# Reserved in every look-alike spelling (ＡＤＭＩＮ, a Cyrillic "аdmin"): accounts/usernames.py.
ACCOUNT_USERNAME_BLACKLIST = ["admin", "staff", "hearth", "system", "support", "moderator"]
ACCOUNT_ADAPTER = "hearth.accounts.adapter.AccountAdapter"
# Hearth's labels and autocomplete tokens on allauth's forms (hearth.accounts.forms).
ACCOUNT_FORMS = {
    "login": "hearth.accounts.forms.LoginForm",
    "signup": "hearth.accounts.forms.SignupForm",
    "reset_password": "hearth.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "hearth.accounts.forms.ResetPasswordKeyForm",
    "change_password": "hearth.accounts.forms.ChangePasswordForm",
    "set_password": "hearth.accounts.forms.SetPasswordForm",
    "add_email": "hearth.accounts.forms.AddEmailForm",
}
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Failed logins (hearth.accounts.login_limits): "login_failed" is per address and per
# (account, address), so an attacker's guesses lock out only the attacker's address;
# "login_failed_account" is per account across all addresses, looser, against guessing
# from many addresses; "login_failed_surge" applies on top while failures across the whole
# platform exceed HEARTH_LOGIN_FAILURES_ALARM_PER_MINUTE.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "login_failed_account": "30/5m/key",
    "login_failed_surge": "3/m/ip,10/5m/key",
    "signup": "20/h/ip" if not TESTING else "1000/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
    # Starting communities, per address (per account: HEARTH_COMMUNITIES_PER_*).
    "community_create": "10/d/ip",
}
HEARTH_LOGIN_FAILURES_ALARM_PER_MINUTE = env_int("HEARTH_LOGIN_FAILURES_ALARM_PER_MINUTE", 100)

# Social login through one OpenID Connect provider configured by the operator
# (docs/operators/running.md). A provider's account never logs into an existing Hearth
# account because the email addresses match: the person signs in to that account first
# and connects the provider from there, so a provider that lets anyone claim any address
# cannot take accounts over.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_LOGIN_ON_GET = False  # a POST (with CSRF) starts the round trip
SOCIALACCOUNT_STORE_TOKENS = False
HEARTH_OIDC_SERVER_URL = os.environ.get("HEARTH_OIDC_SERVER_URL", "").rstrip("/")
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": (
            [
                {
                    "provider_id": os.environ.get("HEARTH_OIDC_PROVIDER_ID", "sso"),
                    "name": os.environ.get("HEARTH_OIDC_NAME", "Single sign-on"),
                    "client_id": os.environ.get("HEARTH_OIDC_CLIENT_ID", ""),
                    "secret": env_secret("HEARTH_OIDC_CLIENT_SECRET") or "",
                    "settings": {"server_url": HEARTH_OIDC_SERVER_URL},
                }
            ]
            if HEARTH_OIDC_SERVER_URL
            else []
        ),
    }
}
HEARTH_COMMUNITIES_PER_HOUR = env_int("HEARTH_COMMUNITIES_PER_HOUR", 2)
HEARTH_COMMUNITIES_PER_DAY = env_int("HEARTH_COMMUNITIES_PER_DAY", 5)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
if (BASE_DIR / "node_modules" / "htmx.org" / "dist").exists():
    STATICFILES_DIRS.append(("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"))
if (BASE_DIR / "node_modules" / "swagger-ui-dist").exists():  # the API docs page
    STATICFILES_DIRS.append(("vendor/swagger-ui", BASE_DIR / "node_modules" / "swagger-ui-dist"))
# What `npm run build` bundles at setup (assets/build.mjs), e.g. the health charts' ECharts.
if (BASE_DIR / "build" / "static").exists():
    STATICFILES_DIRS.append(BASE_DIR / "build" / "static")
# Collected files (`hearth serve` collects them when they changed, hearth.core.staticfiles)
# have hashed names, a year's cache and gzip/brotli copies; the finders still answer for a
# file not collected yet, under its plain name and a short cache. Tests and HEARTH_DEBUG
# use plain names and read the source folders directly.
HASHED_STATIC_FILES = not (DEBUG or TESTING)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
WHITENOISE_KEEP_ONLY_HASHED_FILES = True  # the plain names come from the finders

MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Uploads of content not everyone may read (post images) live outside MEDIA_ROOT, so no
# /media/ route or proxy alias can reach them; a view checks the policy and serves them.
HEARTH_PRIVATE_MEDIA_ROOT = Path(
    os.environ.get("HEARTH_PRIVATE_MEDIA_ROOT") or DATA_DIR / "private-media"
).resolve()
if HEARTH_PRIVATE_MEDIA_ROOT == MEDIA_ROOT or MEDIA_ROOT in HEARTH_PRIVATE_MEDIA_ROOT.parents:
    raise ImproperlyConfigured("HEARTH_PRIVATE_MEDIA_ROOT must not be inside the media folder")
# Set to nginx's internal location (e.g. "/protected-media/") to let nginx send private
# uploads after the app has checked access (X-Accel-Redirect); empty streams them.
HEARTH_MEDIA_ACCEL_REDIRECT = os.environ.get("HEARTH_MEDIA_ACCEL_REDIRECT", "")
if HEARTH_MEDIA_ACCEL_REDIRECT and not HEARTH_MEDIA_ACCEL_REDIRECT.startswith("/"):
    raise ImproperlyConfigured(
        "HEARTH_MEDIA_ACCEL_REDIRECT must be a path such as /protected-media/"
    )
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "hearth.core.uploads.PrivateStorage"},
    "staticfiles": {
        "BACKEND": "hearth.core.staticfiles.HashedStaticFilesStorage"
        if HASHED_STATIC_FILES
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
HEARTH_MAX_UPLOAD_BYTES = env_int("HEARTH_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
# Page views are buffered per process and written every N views or T seconds; tests write
# only when they flush, so other tests' query counts stay exact.
HEARTH_PAGEVIEW_FLUSH_EVERY = 0 if TESTING else env_int("HEARTH_PAGEVIEW_FLUSH_EVERY", 50)
HEARTH_PAGEVIEW_FLUSH_SECONDS = 0 if TESTING else env_int("HEARTH_PAGEVIEW_FLUSH_SECONDS", 10)
# Request bodies: the largest upload plus room for the form around it. `hearth serve`
# refuses anything bigger with 413 before Django reads it (hearth.core.body_limit), and
# requests without credentials much earlier; under WSGI the proxy must cap. Django's own
# limits match, so a body that passes is never refused later and never spooled to disk.
HEARTH_MAX_REQUEST_BYTES = HEARTH_MAX_UPLOAD_BYTES + 1024 * 1024
HEARTH_MAX_ANONYMOUS_BODY_BYTES = env_int("HEARTH_MAX_ANONYMOUS_BODY_BYTES", 64 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = HEARTH_MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = HEARTH_MAX_REQUEST_BYTES

DEFAULT_FROM_EMAIL = os.environ.get("HEARTH_FROM_EMAIL", "Hearth <hearth@localhost>")
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
elif os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD") or ""
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    # Embedded mode: mail (verification, password reset) lands in var/mail as files.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"

# Notifications (docs/operators/running.md, "Email and notifications"). An immediate email
# waits HEARTH_NOTIFICATION_EMAIL_DELAY_SECONDS and is dropped if the member read the
# notification meanwhile; HEARTH_NOTIFICATION_DEFAULTS ("reaction=off,watched=email")
# overrides the built-in channel per kind for every community without its own default.
HEARTH_NOTIFICATION_EMAIL_DELAY_SECONDS = env_int(
    "HEARTH_NOTIFICATION_EMAIL_DELAY_SECONDS", 0 if TESTING else 300
)
HEARTH_NOTIFICATION_DEFAULTS = dict(
    item.split("=", 1) for item in env_list("HEARTH_NOTIFICATION_DEFAULTS") if "=" in item
)
HEARTH_DIGEST_DEFAULT = os.environ.get("HEARTH_DIGEST_DEFAULT", "weekly")
# After this many failed deliveries in a row to one address, nothing more is sent there.
HEARTH_EMAIL_FAILURE_LIMIT = env_int("HEARTH_EMAIL_FAILURE_LIMIT", 3)
# How long an unsubscribe link in an email stays valid.
HEARTH_UNSUBSCRIBE_MAX_AGE_DAYS = env_int("HEARTH_UNSUBSCRIBE_MAX_AGE_DAYS", 90)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Scripts only from our own static files: no inline <script>, no on*= handlers, no eval, so
# an HTML injection that slips past escaping still cannot run. Styles allow 'unsafe-inline':
# the community palette and category swatches are <style> blocks of validated colours, and
# ECharts' tooltips and htmx's indicator put style attributes in the DOM. Images may come
# from the web because Markdown posts may show them. docs/operators/running.md explains it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "https:", "http:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("HEARTH_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("HEARTH_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Logs: text by default, one JSON object a line with HEARTH_LOG_FORMAT=json; every line
# carries the request id (hearth.core.request_log).
HEARTH_LOG_FORMAT = os.environ.get("HEARTH_LOG_FORMAT", "text")
if HEARTH_LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("HEARTH_LOG_FORMAT must be text or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "hearth.core.request_log.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "hearth.core.request_log.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": HEARTH_LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("HEARTH_LOG_LEVEL", "WARNING")},
}

# /metrics (hearth.core.metrics): only for these addresses or networks (the loopback by
# default), or with "Authorization: Bearer <HEARTH_METRICS_TOKEN>"; a 404 for anyone else.
HEARTH_METRICS_ALLOW = env_list("HEARTH_METRICS_ALLOW") or ["127.0.0.1", "::1"]
for _address in HEARTH_METRICS_ALLOW:
    try:
        ipaddress.ip_network(_address, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"HEARTH_METRICS_ALLOW: {_address!r} is not an IP address or network"
        ) from exc
HEARTH_METRICS_TOKEN = env_secret("HEARTH_METRICS_TOKEN") or ""

HEARTH_MAX_POST_CHARS = env_int("HEARTH_MAX_POST_CHARS", 32_000)
HEARTH_SERVE_MEDIA = env_bool("HEARTH_SERVE_MEDIA", default=True)
CSRF_FAILURE_VIEW = "hearth.core.views.csrf_failure"
