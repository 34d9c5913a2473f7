"""Re-consent: when a new privacy policy is published, a signed-in person opening a hall page
is sent to accept it first. Console, API, account, static and privacy pages are left alone,
and only page loads (GET, not htmx fragments) are redirected."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from xiaoyou.privacy.selectors import current_policy_id, has_accepted

SESSION_KEY = "privacy_policy_accepted"
EXEMPT_PREFIXES = (
    "/console/", "/api/", "/accounts/", "/privacy/", "/static/", "/media/", "/i18n/",
    "/healthz", "/django-admin/", "/language",
)  # fmt: skip


class PolicyConsentMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._needs_consent(request):
            url = reverse("hall:privacy_reconsent")
            return HttpResponseRedirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _needs_consent(self, request: HttpRequest) -> bool:
        if request.method != "GET" or request.headers.get("HX-Request"):
            return False
        if request.path.startswith(EXEMPT_PREFIXES):
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        policy_id = current_policy_id()
        if not policy_id or request.session.get(SESSION_KEY) == policy_id:
            return False
        if has_accepted(user, policy_id):
            request.session[SESSION_KEY] = policy_id
            return False
        return True
