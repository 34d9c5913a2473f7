"""Console pages for platform admins: policy versions (publish a new one) and the erasure log."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from xiaoyou.core.errors import ApplicationError
from xiaoyou.privacy import selectors, services
from xiaoyou.privacy.forms import PolicyForm


def _require_platform_admin(request: HttpRequest) -> None:
    if not services.may_publish_policy(request.user):
        raise PermissionDenied("platform admins only")


def policies(request: HttpRequest) -> HttpResponse:
    _require_platform_admin(request)
    current = selectors.current_policy()
    form = PolicyForm(request.POST or None, initial={"title": current.title if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_publish(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error("version", exc.text())
        else:
            messages.success(request, gettext("The new version is published."))
            return redirect("console:privacy_policies")
    return render(
        request,
        "privacy/console/policies.html",
        {"form": form, "versions": selectors.policy_versions()[:50], "current": current},
    )


def erasures(request: HttpRequest) -> HttpResponse:
    _require_platform_admin(request)
    page = Paginator(selectors.erasures(), 30).get_page(request.GET.get("page"))
    return render(request, "privacy/console/erasures.html", {"page": page})
