"""Hall pages of linked accounts: the consent page that fills the record from a provider, and
the personal-center entry. Linking and unlinking are allauth's (connect process and the
connections page, whose template is ours)."""

from __future__ import annotations

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods

from xiaoyou.accounts.social.profiles import (
    FILL_PROVIDERS,
    FILLABLE_FIELDS,
    PROVIDER_NAMES,
    provider_profile,
)
from xiaoyou.accounts.social.services import own_record, social_profile_fill


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("socialaccount_connections")


@login_required
@require_http_methods(["GET", "POST"])
def profile_fill(request: HttpRequest, provider: str) -> HttpResponse:
    """After a sign-in or a link: what the provider returned, beside the record, one checkbox
    per field, none ticked. Nothing to offer (no record, nothing new) goes straight on."""
    if provider not in FILL_PROVIDERS:
        raise Http404
    account = (
        SocialAccount.objects.filter(user_id=request.user.pk, provider=provider)
        .order_by("-last_login", "-pk")
        .first()
    )
    if account is None:
        raise Http404
    next_url = _next_url(request)
    record = own_record(request.user)
    profile = provider_profile(account)
    rows = [
        {
            "name": name,
            "label": label,
            "value": profile.values[name],
            "current": getattr(record, name, "") if record else "",
        }
        for name, label in FILLABLE_FIELDS.items()
        if name in profile.values
    ]
    offers = [row for row in rows if row["value"] != row["current"]]
    shown = bool(request.GET.get("show"))  # opened from the linked-accounts page
    if request.method == "GET" and not shown and (record is None or not offers):
        return redirect(next_url)
    error = ""
    if request.method == "POST":
        fields = [name for name in request.POST.getlist("fields") if name]
        try:
            social_profile_fill(actor=request.user, account=account, fields=fields)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d field copied to your profile.",
                    "%(count)d fields copied to your profile.",
                    len(fields),
                )
                % {"count": len(fields)},
            )
            return redirect(next_url)
    brand = PROVIDER_NAMES.get(account.provider) or account.get_provider(request).name
    return render(
        request,
        "accounts/social/fill.html",
        {
            "account": account,
            "provider_name": brand,
            "profile": profile,
            "rows": offers,
            "record": record,
            "next_url": next_url,
            "error": error,
        },
        status=422 if error else 200,
    )


def linked_accounts_entry(request: HttpRequest) -> str:
    """The personal-center entry: how many accounts are linked, when any provider is on."""
    if not get_adapter().list_providers(request):
        return ""
    count = SocialAccount.objects.filter(user_id=request.user.pk).count()
    text = (
        ngettext("%(count)d account linked", "%(count)d accounts linked", count) % {"count": count}
        if count
        else gettext("Sign in with Weibo, QQ or LinkedIn and fill your profile from them")
    )
    return render_to_string(
        "components/menu_entry.html",
        {
            "url": reverse("socialaccount_connections"),
            "label": gettext("Linked accounts"),
            "text": text,
            "icon": "key",
        },
        request=request,
    )
