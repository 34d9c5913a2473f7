"""Forms: publishing a policy version (console), deleting one's account (hall)."""

from __future__ import annotations

import secrets
import time
from typing import Any

from django import forms
from django.contrib.auth.hashers import check_password, make_password
from django.utils.translation import gettext_lazy as _

from xiaoyou.privacy.models import PolicyKind

CODE_SESSION_KEY = "privacy_delete_code"
CODE_SECONDS = 300
CODE_ATTEMPTS = 5


class PolicyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=PolicyKind.choices)
    version = forms.RegexField(
        label=_("Version"), max_length=20, regex=r"^[0-9A-Za-z.\-]+$", help_text=_("e.g. 2.0")
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary of changes"), max_length=300, required=False)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}))


def new_deletion_code(session: Any) -> str:
    """A 6-digit code for the deletion, kept hashed in the session for 5 minutes."""
    code = f"{secrets.randbelow(10**6):06d}"
    session[CODE_SESSION_KEY] = {
        "hash": make_password(code),
        "expires": time.time() + CODE_SECONDS,
        "attempts": 0,
    }
    return code


class AccountDeleteForm(forms.Form):
    """Re-authentication (password, or a code texted to the account's phone) and an explicit
    confirmation that the deletion cannot be undone."""

    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, required=False)
    code = forms.CharField(label=_("Code"), max_length=6, required=False)
    confirm = forms.BooleanField(
        label=_("I understand that my account is deleted for good and cannot be restored."),
        required=True,
    )

    def __init__(self, *args: Any, user: Any, session: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.session = session
        self.method = "password" if user.has_usable_password() else ("sms" if user.phone else "")
        if self.method == "password":
            del self.fields["code"]
            self.fields["password"].required = True
        elif self.method == "sms":
            del self.fields["password"]
            self.fields["code"].required = True
            self.fields["code"].widget.attrs.update(
                {"inputmode": "numeric", "autocomplete": "one-time-code"}
            )
        else:
            del self.fields["password"]
            del self.fields["code"]

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password") or ""
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="password")
        return password

    def clean_code(self) -> str:
        code = (self.cleaned_data.get("code") or "").strip()
        stored = self.session.get(CODE_SESSION_KEY) or {}
        if not stored or stored.get("expires", 0) < time.time():
            raise forms.ValidationError(_("Send a code first; codes last 5 minutes."), code="code")
        stored["attempts"] = int(stored.get("attempts", 0)) + 1
        self.session[CODE_SESSION_KEY] = stored
        if stored["attempts"] > CODE_ATTEMPTS or not check_password(code, stored["hash"]):
            raise forms.ValidationError(_("The code is not correct."), code="code")
        self.session.pop(CODE_SESSION_KEY, None)
        return code
