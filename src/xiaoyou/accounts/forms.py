"""allauth forms adapted to Xiaoyou: sign-up by phone code or by email and password, and the
SMS limits checked before anything is sent so the error shows next to the phone field."""

from __future__ import annotations

from typing import Any

from allauth.account import forms as allauth_forms
from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoyou.accounts import services
from xiaoyou.accounts.adapters import request_ip
from xiaoyou.accounts.errors import SmsRateLimited
from xiaoyou.privacy import signup as privacy_signup


class SignupMethod:
    PHONE = "phone"
    EMAIL = "email"


def _sms_quota_error(phone: str) -> str | None:
    try:
        services.verification_sms_check(phone=phone, ip=request_ip())
    except SmsRateLimited as exc:
        return exc.text()
    return None


class SignupForm(allauth_forms.SignupForm):
    """Either a mobile number (a code is texted; no password needed) or an email and a
    password. allauth's fields are all optional in settings; this form says which are needed."""

    method = forms.ChoiceField(
        choices=[(SignupMethod.PHONE, _("Mobile phone")), (SignupMethod.EMAIL, _("Email"))],
        initial=SignupMethod.PHONE,
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "email" in self.fields:
            self.fields["email"].label = _("Email")
        if "password1" in self.fields:
            self.fields["password1"].label = _("Password")
        privacy_signup.signup_form_init(self)  # PIPL: the privacy policy's consent box

    @property
    def signup_method(self) -> str:
        value = (self.data.get(self.add_prefix("method")) if self.is_bound else None) or ""
        return SignupMethod.EMAIL if value == SignupMethod.EMAIL else SignupMethod.PHONE

    def clean(self) -> dict[str, Any]:
        method = self.signup_method
        # The other tab's fields are not shown; ignore whatever a client sends for them.
        ignored = (
            ("email", "password1", "password2") if method == SignupMethod.PHONE else ("phone",)
        )
        for name in ignored:
            if name in self.fields:
                self.cleaned_data[name] = ""
                self._errors.pop(name, None)
        cleaned = super().clean()
        required = (
            ["phone"] if method == SignupMethod.PHONE else ["email", "password1", "password2"]
        )
        for name in required:
            if name in self.fields and not cleaned.get(name) and name not in self.errors:
                self.add_error(name, self.fields[name].error_messages["required"])
        cleaned["method"] = method
        phone = cleaned.get("phone")
        if method == SignupMethod.PHONE and phone and "phone" not in self.errors:
            error = _sms_quota_error(phone)
            if error:
                self.add_error("phone", error)
        return cleaned

    def custom_signup(self, request: Any, user: Any) -> None:
        super().custom_signup(request, user)
        privacy_signup.signup_form_saved(self, request, user)  # records the consent


class RequestLoginCodeForm(allauth_forms.RequestLoginCodeForm):
    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone") or ""
        if phone:
            error = _sms_quota_error(phone)
            if error:
                raise forms.ValidationError(error, code="sms_rate_limited")
        return super().clean_phone()


class ChangePhoneForm(allauth_forms.ChangePhoneForm):
    def clean_phone(self) -> str:
        phone = super().clean_phone()
        if phone:
            error = _sms_quota_error(phone)
            if error:
                raise forms.ValidationError(error, code="sms_rate_limited")
        return phone


class LoginForm(allauth_forms.LoginForm):
    """Password sign-in with an email or a phone number (11 mainland digits are enough)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Email or mobile phone")
        self.fields["login"].widget.attrs.update(
            {"placeholder": _("Email or mobile phone"), "autocomplete": "username"}
        )
