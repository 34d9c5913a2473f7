"""django-allauth adapters: where allauth's flows meet Xiaoyou's rules.

- phone numbers are cleaned to E.164 (mainland numbers may be typed as 11 digits);
- every text goes through `verification_sms_send` (SmsBackend + per-phone/per-IP limits);
- password sign-ins of a locked account are refused, failures counted towards the lockout;
- usernames are generated: people sign in by phone, email or WeChat, never by username;
- the WeChat app comes from settings (WECHAT_APP_ID/SECRET), not from the database.
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.internal.userkit import filter_users_by_email
from allauth.core import context as allauth_context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import formats, timezone

from xiaoyou.accounts import services
from xiaoyou.accounts.errors import ACCOUNT_LOCKED, MESSAGES, SMS_FAILED
from xiaoyou.accounts.middleware import LAST_ACTIVITY_KEY
from xiaoyou.accounts.models import User
from xiaoyou.accounts.phone import PhoneField, normalize_phone, normalize_phone_or_none
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.middleware import client_ip

logger = logging.getLogger(__name__)


def request_ip(request: HttpRequest | None = None) -> str | None:
    request = request or allauth_context.request
    return client_ip(request) if request is not None else None


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        ACCOUNT_LOCKED: MESSAGES[ACCOUNT_LOCKED],
    }

    # --- usernames -------------------------------------------------------------------------
    def populate_username(self, request: HttpRequest, user: Any) -> None:
        if not user.username:
            user.username = generate_username()

    # --- phone -----------------------------------------------------------------------------
    def phone_form_field(self, **kwargs: Any) -> Any:
        return PhoneField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        return normalize_phone(phone)

    def set_phone(self, user: Any, phone: str, verified: bool) -> None:
        user.phone = normalize_phone(phone)
        user.phone_verified = verified
        user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user: Any) -> tuple[str, bool] | None:
        if user.phone:
            return user.phone, user.phone_verified
        return None

    def set_phone_verified(self, user: Any, phone: str) -> None:
        self.set_phone(user, phone, True)

    def get_user_by_phone(self, phone: str) -> Any:
        normalized = normalize_phone_or_none(phone)
        if normalized is None:
            return None
        return User.objects.filter(phone=normalized).order_by("pk").first()

    def _code_minutes(self) -> str:
        seconds = max(
            account_settings.PHONE_VERIFICATION_TIMEOUT, account_settings.LOGIN_BY_CODE_TIMEOUT
        )
        return str(max(1, seconds // 60))

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None:
        services.verification_sms_send(
            phone=phone,
            ip=request_ip(),
            params={"code": code, "minutes": self._code_minutes()},
        )

    def _send_notice(self, phone: str, template: str) -> None:
        # Sent where allauth hides whether an account exists: these count against the same
        # limits as codes (so the limits reveal nothing either), and a gateway without an
        # approved template for them must not turn into a visible error.
        try:
            services.verification_sms_send(
                phone=phone, ip=request_ip(), template=template, params={}
            )
        except ApplicationError as exc:
            if exc.code != SMS_FAILED:
                raise
            logger.warning("account notice not sent", extra={"template": template})

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        self._send_notice(phone, "unknown_account")

    def send_account_already_exists_sms(self, phone: str) -> None:
        self._send_notice(phone, "account_exists")

    # --- sign-in throttling and lockout ----------------------------------------------------
    def _user_for_credentials(self, credentials: dict[str, Any]) -> User | None:
        if credentials.get("email"):
            users = filter_users_by_email(credentials["email"], for_login=True)
            return users[0] if users else None
        if credentials.get("phone"):
            return self.get_user_by_phone(credentials["phone"])
        if credentials.get("username"):
            return User.objects.filter(username=credentials["username"]).first()
        return None

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)
        user = self._user_for_credentials(credentials)
        locked_until = services.user_locked_until(user) if user else None
        if locked_until:
            when = formats.date_format(timezone.localtime(locked_until), "DATETIME_FORMAT")
            raise ValidationError(
                MESSAGES[ACCOUNT_LOCKED], code=ACCOUNT_LOCKED, params={"time": when}
            )

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        user = self._user_for_credentials(credentials)
        if user is not None:
            services.user_login_failed(user=user)

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        # A sign-in completed moments ago proves as much as typing the password again: a staff
        # member sent to set up TOTP right after signing in is not asked for it twice.
        request = allauth_context.request
        if request is None or not request.user.is_authenticated:
            return True
        records = get_authentication_records(request, request.user)
        return not (
            records and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
        )

    def login(self, request: HttpRequest, user: Any) -> None:
        super().login(request, user)
        services.user_login_succeeded(user=user)
        # A fresh sign-in starts the console's idle clock again (see StaffSecurityMiddleware).
        request.session[LAST_ACTIVITY_KEY] = int(time.time())

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        # The language chosen on another device follows the person: Django reads it from a cookie.
        if user.language and user.language in dict(settings.LANGUAGES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
            )
        return response


def generate_username() -> str:
    """An internal, unique, meaningless username (people never see or type it)."""
    while True:
        candidate = f"u{secrets.token_hex(6)}"
        if not User.objects.filter(username=candidate).exists():
            return candidate


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(
        self, request: HttpRequest | None, provider: Any = None, client_id: Any = None
    ) -> list[Any]:
        apps = list(super().list_apps(request, provider=provider, client_id=client_id))
        wanted = provider in (None, "wechat") and client_id in (None, settings.WECHAT_APP_ID)
        has_wechat = any(app.provider == "wechat" for app in apps)
        if wanted and not has_wechat and settings.WECHAT_APP_ID and settings.WECHAT_APP_SECRET:
            from allauth.socialaccount.models import SocialApp

            # Not saved: the app lives in settings (env), like every other secret.
            apps.append(
                SocialApp(
                    provider="wechat",
                    name="WeChat",
                    client_id=settings.WECHAT_APP_ID,
                    secret=settings.WECHAT_APP_SECRET,
                )
            )
        return apps

    def populate_user(self, request: HttpRequest, sociallogin: Any, data: dict[str, Any]) -> Any:
        user = super().populate_user(request, sociallogin, data)
        nickname = (sociallogin.account.extra_data or {}).get("nickname", "")
        if nickname and not user.display_name:
            user.display_name = str(nickname)[:100]
        return user


def user_display(user: Any) -> str:
    """How allauth names a person in its messages ("Signed in as ..."): never the internal
    username, and a phone number only masked (settings.ACCOUNT_USER_DISPLAY)."""
    return str(user)
