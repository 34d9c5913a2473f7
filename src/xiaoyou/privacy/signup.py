"""The sign-up form's consent box (hooked into accounts/forms.py SignupForm): an explicit,
unticked checkbox naming the current privacy policy version, required when one is published;
the consent is recorded once the account exists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext

from xiaoyou.privacy.selectors import current_policy

FIELD = "accept_privacy_policy"


def signup_form_init(form: Any) -> None:
    policy = current_policy()
    form.privacy_policy = policy
    if policy is None:
        return
    form.fields[FIELD] = forms.BooleanField(
        required=True,
        initial=False,
        label=gettext("I have read and agree to the %(title)s (version %(version)s)")
        % {"title": policy.title, "version": policy.version},
        error_messages={"required": gettext("Please read and accept the privacy policy.")},
    )


def signup_form_saved(form: Any, request: Any, user: Any) -> None:
    if getattr(form, "privacy_policy", None) is None:
        return
    from xiaoyou.privacy.services import policy_accept

    policy_accept(actor=user, policy=form.privacy_policy, request=request)
