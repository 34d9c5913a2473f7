"""Hall pages where a person makes and revokes their personal API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xiaoyou.api import errors
from xiaoyou.api.forms import ApiTokenForm
from xiaoyou.api.main import error_body
from xiaoyou.api.selectors import api_tokens_of
from xiaoyou.api.services import api_token_create, api_token_revoke
from xiaoyou.core.errors import MESSAGES, ApplicationError


@never_cache  # the page may carry a new secret: no cache may keep it
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """Lists the person's tokens; a valid POST creates one and shows its secret this once."""
    user: Any = request.user
    new_secret = None
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            days = form.expiry_days()
            expires_at = timezone.now() + timedelta(days=days) if days else None
            _token, new_secret = api_token_create(
                actor=user, user=user, name=form.cleaned_data["name"], expires_at=expires_at
            )
            form = ApiTokenForm()
    else:
        form = ApiTokenForm()
    tokens = list(api_tokens_of(user))
    notice = ""
    revoked = request.GET.get("revoked", "")
    if revoked.isdigit():
        name = next((token.name for token in tokens if token.pk == int(revoked)), None)
        if name is not None:
            notice = _("The token “%(name)s” was revoked.") % {"name": name}
    elif request.GET.get("error") in MESSAGES:
        notice = str(MESSAGES[request.GET["error"]])
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens, "new_secret": new_secret, "notice": notice},
    )


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(api_tokens_of(request.user), pk=token_id)
    try:
        api_token_revoke(actor=request.user, token=token)
    except ApplicationError as error:
        return redirect(f"{reverse('api-tokens')}?error={error.code}")
    return redirect(f"{reverse('api-tokens')}?revoked={token.pk}")


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Unknown paths under /api/v1/ answer in the API's error format, not with an HTML page."""
    return JsonResponse(error_body(errors.NOT_FOUND), status=404)


def personal_center_entry(request: HttpRequest) -> str:
    """The personal-center card linking to the token page (signed-in users only)."""
    if not request.user.is_authenticated:
        return ""
    active = [token for token in api_tokens_of(request.user) if token.is_usable()]
    return render_to_string(
        "api/personal_center_entry.html", {"active_count": len(active)}, request=request
    )
