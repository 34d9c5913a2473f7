"""Staff security: TOTP two-factor required and idle timeout in the console.

- A staff account (is_staff) may use /console/ only once it has a TOTP authenticator: until
  then every console page sends it to allauth's TOTP setup, coming back afterwards. With one,
  allauth asks for the code at each sign-in (ASVS 2.x, 4.3.1).
- A console session ends after settings.CONSOLE_IDLE_TIMEOUT seconds without a console request
  (ASVS 3.3.2): the next console request signs the person out and sends them to sign in again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

CONSOLE_PREFIX = "/console/"
LAST_ACTIVITY_KEY = "console_last_activity"


def has_totp(user: object) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


# Seconds between two updates of the session's last-activity time.
ACTIVITY_GRANULARITY = 60
# A staff session that had its TOTP authenticator is checked again at most this often (the
# check is a query on every console request, every ticket scan included).
TOTP_CHECK_KEY = "console_totp_checked"
TOTP_RECHECK_SECONDS = 300


class StaffSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(CONSOLE_PREFIX) and request.user.is_authenticated:
            response = self._check_console(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _check_console(self, request: HttpRequest) -> HttpResponse | None:
        now = time.time()
        last = request.session.get(LAST_ACTIVITY_KEY)
        if isinstance(last, int | float) and now - last > settings.CONSOLE_IDLE_TIMEOUT:
            logout(request)
            messages.info(
                request,
                _("Your console session ended after a period of inactivity. Sign in again."),
            )
            return self._redirect(request, reverse("account_login"))
        if request.user.is_staff and not self._totp_ok(request, now):
            messages.info(
                request,
                _(
                    "Staff accounts need two-factor authentication. Set up an authenticator app to continue."
                ),
            )
            return self._redirect(request, reverse("mfa_activate_totp"))
        if not isinstance(last, int | float) or now - last >= ACTIVITY_GRANULARITY:
            # At most one session write a minute: a write per request would put a database
            # write on every console page and every ticket scan.
            request.session[LAST_ACTIVITY_KEY] = int(now)
        return None

    def _totp_ok(self, request: HttpRequest, now: float) -> bool:
        checked = request.session.get(TOTP_CHECK_KEY)
        if isinstance(checked, int | float) and now - checked < TOTP_RECHECK_SECONDS:
            return True
        if not has_totp(request.user):
            request.session.pop(TOTP_CHECK_KEY, None)
            return False
        request.session[TOTP_CHECK_KEY] = int(now)
        return True

    def _redirect(self, request: HttpRequest, url: str) -> HttpResponse:
        target = f"{url}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            # htmx follows a 302 inside the page; HX-Redirect makes it load the whole page.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
