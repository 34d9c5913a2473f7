"""Xiaoyou settings: one file, driven by environment variables.

Embedded default (no variables set): SQLite in WAL mode, local media, a server-less Celery broker
on the filesystem, local-memory cache. Production: DATABASE_URL (PostgreSQL), REDIS_URL (cache,
sessions, Celery broker), S3_BUCKET (media on an S3-compatible store), SECRET_KEY, ALLOWED_HOSTS.
"""

from __future__ import annotations

import base64
import json
import secrets
import sys
from pathlib import Path
from typing import Any

import dj_database_url

from xiaoyou.accounts.social.conf import social_providers
from xiaoyou.core.env import env_bool, env_int, env_list, env_str
from xiaoyou.messaging.email_provider_conf import email_backend_settings
from xiaoyou.payments.conf import payment_providers

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("XIAOYOU_VAR_DIR", str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# Under pytest: static files without a manifest, tasks inline unless a test starts a worker.
TESTING = env_bool("XIAOYOU_TESTING", "pytest" in sys.modules)
PRODUCTION = env_bool("XIAOYOU_PRODUCTION", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        return env_str("SECRET_KEY", required=True)
    # Embedded mode: a random key made once per installation, never committed.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _field_encryption_key() -> str:
    """Fernet key for sensitive columns (national ID numbers); kept apart from SECRET_KEY so
    rotating one does not make the other's data unreadable."""
    key = env_str("FIELD_ENCRYPTION_KEY")
    if key:
        return key
    if PRODUCTION:
        return env_str("FIELD_ENCRYPTION_KEY", required=True)
    # Embedded mode: a stable key made once per installation, like the secret key.
    path = VAR_DIR / "field_encryption_key"
    if not path.exists():
        path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


FIELD_ENCRYPTION_KEY = _field_encryption_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "xiaoyou.core",
    "xiaoyou.accounts",
    "xiaoyou.organizations",
    "xiaoyou.alumni",
    "xiaoyou.community",
    "xiaoyou.directory",
    "xiaoyou.privacy",
    "xiaoyou.payments",
    "xiaoyou.events",
    "xiaoyou.donations",
    "xiaoyou.polls",
    "xiaoyou.content",
    "xiaoyou.messaging",
    "xiaoyou.cards",
    "xiaoyou.discovery",
    "xiaoyou.shop",
    "xiaoyou.console",
    "xiaoyou.hall",
    "xiaoyou.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # widget templates for FORM_RENDERER below
    "django_htmx",
    "ninja",
    "django_celery_beat",
    "anymail",  # provider mail backends and tracking webhooks (EMAIL_PROVIDER)
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "allauth.socialaccount.providers.openid_connect",  # LinkedIn (Sign In with LinkedIn, OIDC)
    "xiaoyou.accounts.social",  # Weibo and QQ providers, linked accounts
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "xiaoyou.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "xiaoyou.accounts.middleware.StaffSecurityMiddleware",
    "xiaoyou.privacy.middleware.PolicyConsentMiddleware",
    "xiaoyou.core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "xiaoyou.urls"
WSGI_APPLICATION = "xiaoyou.wsgi.application"
ASGI_APPLICATION = "xiaoyou.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xiaoyou.core.context_processors.platform",
                "xiaoyou.console.context.shell",
            ],
        },
    },
]

# `{{ form }}` renders through templates/django/forms/ (design-system fields, inline errors).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'xiaoyou.sqlite3'}")
DATABASES = {
    # Connections are kept between requests (a new PostgreSQL connection costs a process on the
    # server and several milliseconds per request) and checked before reuse.
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
IS_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if IS_SQLITE:
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=1073741824;",
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use a file so that a real worker process can see the test database.
    DATABASES["default"]["TEST"] = {
        "NAME": str(VAR_DIR / f"test{env_str('XIAOYOU_TEST_DB_SUFFIX', '')}.sqlite3")
    }
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_xiaoyou{env_str('XIAOYOU_TEST_DB_SUFFIX', '')}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, Celery ----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "xiaoyou"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    CELERY_BROKER_URL = REDIS_URL
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
    # XIAOYOU_BROKER_DIR lets a test start a worker on a private queue directory.
    broker_dir = Path(env_str("XIAOYOU_BROKER_DIR", str(VAR_DIR / "broker")))
    for sub in ("queue", "processed"):
        (broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(broker_dir / "queue"),
        "data_folder_out": str(broker_dir / "queue"),
        "data_folder_processed": str(broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(broker_dir / "control"),
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# One queue name per installation, so deployments (or test runs) sharing a Redis stay apart.
CELERY_TASK_DEFAULT_QUEUE = env_str("XIAOYOU_TASK_QUEUE", "celery")
# Extra modules every worker imports (a documented hook: tests name their test-only job kinds).
CELERY_IMPORTS = env_list("XIAOYOU_TASK_IMPORTS", [])

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PRODUCTION_PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Argon2 costs ~0.2 s per hash by design; the suite hashes thousands of persona passwords.
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"] if TESTING else PRODUCTION_PASSWORD_HASHERS
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "xiaoyou.accounts.passwords.LengthByRoleValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "xiaoyou.accounts.passwords.BreachedPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "hall:home"
LOGOUT_REDIRECT_URL = "hall:home"
# Console sessions end after this many idle seconds.
CONSOLE_IDLE_TIMEOUT = env_int("CONSOLE_IDLE_TIMEOUT", 30 * 60)
# Alumni statistics (校友统计): how long a chart's figures are served from the cache.
ALUMNI_STATS_CACHE_SECONDS = env_int("ALUMNI_STATS_CACHE_SECONDS", 10 * 60)

# --- Internationalization -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
S3_BUCKET = env_str("S3_BUCKET")
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "region_name": env_str("S3_REGION", "us-east-1"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
if TESTING or env_bool("XIAOYOU_PLAIN_STATIC", False):
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# --- Mail and outside services --------------------------------------------------------------
# EMAIL_PROVIDER=smtp|mailgun|postmark|sendgrid|amazon_ses picks the backend (and ANYMAIL's
# credentials); unset keeps EMAIL_BACKEND (see messaging/email_provider_conf.py).
EMAIL_BACKEND, ANYMAIL = email_backend_settings(
    env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
)
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Xiaoyou <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# SMS: console (development), file, aliyun or tencent; endpoints configurable for emulators.
SMS_BACKEND = env_str("SMS_BACKEND", "console")
SMS_FILE_PATH = env_str("SMS_FILE_PATH", str(VAR_DIR / "sms.log"))
SMS_SIGN_NAME = env_str("SMS_SIGN_NAME", "校友会")
SMS_ALIYUN_ENDPOINT = env_str("SMS_ALIYUN_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
SMS_ALIYUN_ACCESS_KEY_ID = env_str("SMS_ALIYUN_ACCESS_KEY_ID")
SMS_ALIYUN_ACCESS_KEY_SECRET = env_str("SMS_ALIYUN_ACCESS_KEY_SECRET")
SMS_ALIYUN_TEMPLATE_CODE = env_str("SMS_ALIYUN_TEMPLATE_CODE")
SMS_TENCENT_ENDPOINT = env_str("SMS_TENCENT_ENDPOINT", "https://sms.tencentcloudapi.com/")
SMS_TENCENT_SECRET_ID = env_str("SMS_TENCENT_SECRET_ID")
SMS_TENCENT_SECRET_KEY = env_str("SMS_TENCENT_SECRET_KEY")
SMS_TENCENT_SDK_APP_ID = env_str("SMS_TENCENT_SDK_APP_ID")
SMS_TENCENT_TEMPLATE_ID = env_str("SMS_TENCENT_TEMPLATE_ID")
SMS_TENCENT_REGION = env_str("SMS_TENCENT_REGION", "ap-guangzhou")
# Logical template -> provider template, as JSON: {"verification_code": "SMS_123",
# "review.decided": "1234567:title,result"} (":params" gives Tencent's positional order).
SMS_TEMPLATES: dict[str, str] = json.loads(env_str("SMS_TEMPLATES", "{}"))
# Invitations (organizations/services/invitations.py) text the logical templates
# "role_invitation" and "join_invitation" with the parameters org, role, name, url, days, e.g.
# "role_invitation": "SMS_123:name,org,role,url,days"; development backends show the text below.
# Members' SMS invitations (organizations/services/sms_invites.py) text "member_invitation" with
# the parameters org and url (the organization's join page), e.g. "SMS_456:org,url"; each message
# draws from the organization's SMS allocation (messaging quota); at most this many batches per
# organization:
ORGANIZATION_SMS_INVITE_RATE = env_str("ORGANIZATION_SMS_INVITE_RATE", "20/3600")
# Texts with a code (no SMS bombing): "LIMIT/SECONDS" rules per phone and per client address.
SMS_CODE_RATE_PER_PHONE = env_list("SMS_CODE_RATE_PER_PHONE", ["1/60", "5/3600", "10/86400"])
SMS_CODE_RATE_PER_IP = env_list("SMS_CODE_RATE_PER_IP", ["20/3600"])

# WeChat (official account / open platform); base URLs configurable so tests use an emulator.
WECHAT_APP_ID = env_str("WECHAT_APP_ID")
WECHAT_APP_SECRET = env_str("WECHAT_APP_SECRET")
WECHAT_OPEN_URL = env_str("WECHAT_OPEN_URL", "https://open.weixin.qq.com")
WECHAT_API_URL = env_str("WECHAT_API_URL", "https://api.weixin.qq.com")
# The open platform's website app (网站应用) for QR login on a PC; the official account's if unset.
WECHAT_WEB_APP_ID = env_str("WECHAT_WEB_APP_ID")
WECHAT_WEB_APP_SECRET = env_str("WECHAT_WEB_APP_SECRET")
# Notification kind -> template message id, as JSON: {"review.decided": "TEMPLATE_ID"}.
WECHAT_TEMPLATES: dict[str, str] = json.loads(env_str("WECHAT_TEMPLATES", "{}"))

# Weibo, QQ Connect and LinkedIn sign-in: a provider shows only when its app id and secret are
# set; base URLs configurable so tests use emulators.
WEIBO_APP_KEY = env_str("WEIBO_APP_KEY")
WEIBO_APP_SECRET = env_str("WEIBO_APP_SECRET")
WEIBO_API_URL = env_str("WEIBO_API_URL", "https://api.weibo.com")
# The advanced interface account/profile/career (employer), when Weibo granted it to the app.
WEIBO_CAREER_ENABLED = env_bool("WEIBO_CAREER_ENABLED", False)
QQ_APP_ID = env_str("QQ_APP_ID")
QQ_APP_KEY = env_str("QQ_APP_KEY")
QQ_GRAPH_URL = env_str("QQ_GRAPH_URL", "https://graph.qq.com")
LINKEDIN_CLIENT_ID = env_str("LINKEDIN_CLIENT_ID")
LINKEDIN_CLIENT_SECRET = env_str("LINKEDIN_CLIENT_SECRET")
LINKEDIN_OIDC_URL = env_str("LINKEDIN_OIDC_URL", "https://www.linkedin.com/oauth")
SOCIALACCOUNT_PROVIDERS = social_providers(
    weibo_key=WEIBO_APP_KEY,
    weibo_secret=WEIBO_APP_SECRET,
    qq_app_id=QQ_APP_ID,
    qq_app_key=QQ_APP_KEY,
    linkedin_client_id=LINKEDIN_CLIENT_ID,
    linkedin_client_secret=LINKEDIN_CLIENT_SECRET,
    linkedin_url=LINKEDIN_OIDC_URL,
)

# --- Platform branding ----------------------------------------------------------------------
SCHOOL_NAME = env_str("XIAOYOU_SCHOOL_NAME", "")
BRAND_COLOR = env_str("XIAOYOU_BRAND_COLOR", "#C8102E")

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind the reverse proxy of deploy/nginx, which sets X-Forwarded-For to the client's address:
# audit entries, rate limits and logs then see the client rather than the proxy.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers and container health checks probe over plain HTTP on the private side.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Logging: one JSON object per line ------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "xiaoyou.core.logging.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- django-allauth -------------------------------------------------------------------------
ACCOUNT_ADAPTER = "xiaoyou.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "xiaoyou.accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"phone", "email"}
# Sign-up by phone (code, no password) or by email + password: all optional here, the form
# (xiaoyou.accounts.forms.SignupForm) requires one set or the other.
ACCOUNT_SIGNUP_FIELDS = ["phone", "email", "password1", "password2"]
ACCOUNT_FORMS = {
    "login": "xiaoyou.accounts.forms.LoginForm",
    "signup": "xiaoyou.accounts.forms.SignupForm",
    "request_login_code": "xiaoyou.accounts.forms.RequestLoginCodeForm",
    "change_phone": "xiaoyou.accounts.forms.ChangePhoneForm",
}
# account.W001 warns that no login method is a required sign-up field; the form enforces it.
SILENCED_SYSTEM_CHECKS = ["account.W001"]
# SMS codes: 6 digits, valid 5 minutes, 3 tries; texts are limited by SMS_CODE_RATE_* instead of
# allauth's own verify_phone limit (one place decides, with a message the form can show).
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"length": 6, "numeric": True, "dashed": False}
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 300
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 300
ACCOUNT_RATE_LIMITS = {"verify_phone": None}
# "Send a new code" up to 3 times per sign-in or verification; a mistyped number can be changed.
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = 3
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_CHANGE = True
# Sign-in throttling is allauth's login_failed limit (10/min per IP, 5 per 5 min per account);
# lockout: this many wrong passwords in a row lock the account for ACCOUNT_LOCKOUT_SECONDS.
ACCOUNT_LOCKOUT_THRESHOLD = env_int("ACCOUNT_LOCKOUT_THRESHOLD", 10)
ACCOUNT_LOCKOUT_SECONDS = env_int("ACCOUNT_LOCKOUT_SECONDS", 15 * 60)
# Sorted SHA-1 list of breached passwords (e.g. Pwned Passwords "ordered by hash"); none: off.
PASSWORD_BREACHED_SHA1_FILE = env_str("PASSWORD_BREACHED_SHA1_FILE")
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_USER_DISPLAY = "xiaoyou.accounts.adapters.user_display"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = 3
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SESSION_REMEMBER = None
SOCIALACCOUNT_STORE_TOKENS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Xiaoyou")

# --- Payments -------------------------------------------------------------------------------
# Adapter name -> keyword arguments of its class, from the environment (see payments/conf.py).
PAYMENTS_PROVIDERS: dict[str, dict[str, Any] | None] = payment_providers(VAR_DIR)
# Orders without a notification this long after the payment started are queried and settled.
PAYMENTS_PENDING_QUERY_MINUTES = env_int("PAYMENTS_PENDING_QUERY_MINUTES", 15)
# Unpaid orders close (at the provider too) after this long.
PAYMENTS_ORDER_TIMEOUT_MINUTES = env_int("PAYMENTS_ORDER_TIMEOUT_MINUTES", 30)
# Public base URL the providers call back (notify_url); defaults to the request's host.
PAYMENTS_NOTIFY_BASE_URL = env_str("PAYMENTS_NOTIFY_BASE_URL", "")

# --- Events and donations ---------------------------------------------------------------------
# Notices to an event's registrants: at most this many per event ("count/seconds").
EVENTS_NOTICE_RATE = env_str("EVENTS_NOTICE_RATE", "10/3600")
# The seal printed on donation certificates (a PNG or SVG file); empty: a drawn seal.
DONATIONS_SEAL_IMAGE = env_str("DONATIONS_SEAL_IMAGE", "")

# --- Discovery (知名校友 crawlers, issue 12) ----------------------------------------------------
# Base URL of each crawl source; tests point them at a fixture server on 127.0.0.1.
DISCOVERY_SOURCE_URLS: dict[str, str] = {
    "wikidata": env_str("DISCOVERY_WIKIDATA_URL", "https://query.wikidata.org"),
    "wikipedia": env_str("DISCOVERY_WIKIPEDIA_URL", "https://zh.wikipedia.org"),
    "baike": env_str("DISCOVERY_BAIKE_URL", "https://baike.baidu.com"),
    "government": env_str("DISCOVERY_GOVERNMENT_URL", "https://www.gov.cn"),
    "disclosure": env_str("DISCOVERY_DISCLOSURE_URL", "https://www.cninfo.com.cn"),
}
# The school's Wikidata item (its Q-number on wikidata.org) and other names it goes by.
DISCOVERY_SCHOOL_QID = env_str("DISCOVERY_SCHOOL_QID", "")
DISCOVERY_SCHOOL_ALIASES = env_list("DISCOVERY_SCHOOL_ALIASES", [])
DISCOVERY_TIMEOUT = env_int("DISCOVERY_TIMEOUT_MS", 10000) / 1000
DISCOVERY_RETRIES = env_int("DISCOVERY_RETRIES", 2)
DISCOVERY_BACKOFF = env_int("DISCOVERY_BACKOFF_MS", 2000) / 1000
# Seconds between two requests to one host.
DISCOVERY_RATE_LIMIT = env_int("DISCOVERY_RATE_LIMIT_MS", 1000) / 1000
DISCOVERY_CACHE_SECONDS = env_int("DISCOVERY_CACHE_SECONDS", 86400)
# RSS or Atom feeds read for news about notable alumni and alumni enterprises (comma-separated).
DISCOVERY_NEWS_FEEDS = env_list("DISCOVERY_NEWS_FEEDS", [])
