"""allauth's OAuth2 login and callback views, answering 404 for a provider without an app
(not configured) instead of a server error, as allauth's OpenID Connect views do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse


def _or_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except SocialApp.DoesNotExist as exc:
            raise Http404 from exc

    return login_not_required(wrapped)


def oauth2_views(adapter: Any) -> tuple[Callable[..., HttpResponse], Callable[..., HttpResponse]]:
    login = OAuth2LoginView.adapter_view(adapter)
    callback = OAuth2CallbackView.adapter_view(adapter)
    return _or_404(login), _or_404(callback)
