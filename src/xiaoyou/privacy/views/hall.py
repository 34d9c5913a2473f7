"""Hall pages: privacy & consent (personal center), the policy, re-consent, my data, deletion."""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.login import get_authentication_records
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from xiaoyou.accounts.adapters import request_ip
from xiaoyou.core.errors import ApplicationError
from xiaoyou.privacy import erasure, exports, selectors, services
from xiaoyou.privacy.forms import CODE_SECONDS, AccountDeleteForm, new_deletion_code
from xiaoyou.privacy.middleware import SESSION_KEY
from xiaoyou.privacy.models import DataExport, PolicyKind, PolicyVersion
from xiaoyou.privacy.purposes import optional_purposes


def center_entry(request: HttpRequest) -> str:
    if not request.user.is_authenticated:
        return ""
    return render_to_string(
        "components/menu_entry.html",
        {
            "url": reverse("hall:privacy"),
            "label": _("Privacy & consent"),
            "text": _("Download my data, consents, delete my account"),
            "icon": "shield",
        },
        request=request,
    )


@login_required
def center(request: HttpRequest) -> HttpResponse:
    active = selectors.active_purposes(request.user)
    purposes = [
        {"purpose": purpose, "granted": purpose.key in active} for purpose in optional_purposes()
    ]
    return render(
        request,
        "privacy/hall/center.html",
        {
            "purposes": purposes,
            "policy": selectors.current_policy(),
            "exports": selectors.exports_of(request.user)[:5],
        },
    )


@login_required
@require_POST
def consent_change(request: HttpRequest) -> HttpResponse:
    purpose = request.POST.get("purpose", "")
    if request.POST.get("action") == "grant":
        services.consent_grant(actor=request.user, purpose=purpose, request=request)
        messages.success(request, gettext("Consent given."))
    else:
        services.consent_withdraw(actor=request.user, purpose=purpose)
        messages.success(request, gettext("Consent withdrawn."))
    return redirect("hall:privacy")


def policy(request: HttpRequest, kind: str = PolicyKind.PRIVACY, version: str = "") -> HttpResponse:
    if kind not in PolicyKind.values:
        raise Http404
    shown: PolicyVersion | None
    if version:
        shown = get_object_or_404(PolicyVersion, kind=kind, version=version)
    else:
        shown = selectors.current_policy(kind)
    return render(
        request,
        "privacy/hall/policy.html",
        {"policy": shown, "versions": selectors.policy_versions(kind)},
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("hall:home")


@login_required
def reconsent(request: HttpRequest) -> HttpResponse:
    current = selectors.current_policy()
    if current is None:
        return redirect(_next_url(request))
    if request.method == "POST" and request.POST.get("accept"):
        services.policy_accept(actor=request.user, policy=current, request=request)
        request.session[SESSION_KEY] = current.pk
        return redirect(_next_url(request))
    return render(
        request,
        "privacy/hall/reconsent.html",
        {"policy": current, "next": _next_url(request), "error": request.method == "POST"},
    )


@login_required
@require_POST
def export_create(request: HttpRequest) -> HttpResponse:
    export = exports.export_request(actor=request.user)
    if export.job_id:
        messages.info(
            request, gettext("Your data is being prepared; this page shows it when ready.")
        )
    else:
        messages.success(request, gettext("Your data is ready to download for 24 hours."))
    return redirect("hall:privacy")


@login_required
def export_download(request: HttpRequest, token: str, fmt: str) -> HttpResponseBase:
    export = get_object_or_404(DataExport, token=token, user=request.user)
    stored = exports.export_download(actor=request.user, export=export, fmt=fmt)
    if stored is None:
        raise ApplicationError("privacy_export_expired", status=410)
    filename = f"xiaoyou-my-data.{fmt}"
    return FileResponse(stored.open("rb"), as_attachment=True, filename=filename)


def _recently_signed_in(request: HttpRequest) -> bool:
    records = get_authentication_records(request, request.user)
    return bool(
        records and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
    )


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = AccountDeleteForm(request.POST or None, user=user, session=request.session)
    needs_sign_in = form.method == "" and not _recently_signed_in(request)
    if request.method == "POST" and not needs_sign_in and form.is_valid():
        erasure.account_delete(actor=user, reauthenticated_by=form.method or "recent_sign_in")
        logout(request)
        return redirect("hall:privacy_deleted")
    context: dict[str, Any] = {
        "form": form,
        "needs_sign_in": needs_sign_in,
        "keeps_contacts": erasure.keeps_self_provided_contacts(),
        "has_record": hasattr(user, "alumni_record"),
        "masked_phone": user.masked_phone,
    }
    return render(request, "privacy/hall/delete.html", context)


@login_required
@require_POST
def account_delete_code(request: HttpRequest) -> HttpResponse:
    from xiaoyou.accounts import services as account_services

    user: Any = request.user
    if not user.phone:
        raise Http404
    code = new_deletion_code(request.session)
    try:
        account_services.verification_sms_send(
            phone=user.phone,
            ip=request_ip(request),
            params={"code": code, "minutes": str(CODE_SECONDS // 60)},
        )
    except ApplicationError as exc:
        messages.error(request, exc.text())
    else:
        messages.success(
            request, gettext("A code was texted to %(phone)s.") % {"phone": user.masked_phone}
        )
    return redirect("hall:privacy_delete")


def deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/hall/deleted.html")
