"""SOCIALACCOUNT_PROVIDERS built from the environment (imported by settings.py, so it imports
nothing of Django's). A provider without its app id and secret gets no app: allauth then lists
no button for it and its login URL answers 404."""

from __future__ import annotations

from typing import Any

LINKEDIN_OIDC_URL = "https://www.linkedin.com/oauth"


def social_providers(
    *,
    weibo_key: str = "",
    weibo_secret: str = "",
    qq_app_id: str = "",
    qq_app_key: str = "",
    linkedin_client_id: str = "",
    linkedin_client_secret: str = "",
    linkedin_url: str = LINKEDIN_OIDC_URL,
) -> dict[str, Any]:
    providers: dict[str, Any] = {
        "weibo": {"APPS": []},
        "qq": {"APPS": [], "SCOPE": ["get_user_info"]},
        "openid_connect": {"APPS": [], "OAUTH_PKCE_ENABLED": False},
    }
    if weibo_key and weibo_secret:
        providers["weibo"]["APPS"].append(
            {"client_id": weibo_key, "secret": weibo_secret, "key": ""}
        )
    if qq_app_id and qq_app_key:
        providers["qq"]["APPS"].append({"client_id": qq_app_id, "secret": qq_app_key, "key": ""})
    if linkedin_client_id and linkedin_client_secret:
        providers["openid_connect"]["APPS"].append(
            {
                # "Sign In with LinkedIn using OpenID Connect": discovery at
                # <server_url>/.well-known/openid-configuration; LinkedIn takes the client
                # secret in the form body only.
                "provider_id": "linkedin",
                "name": "LinkedIn",
                "client_id": linkedin_client_id,
                "secret": linkedin_client_secret,
                "settings": {
                    "server_url": linkedin_url,
                    "token_auth_method": "client_secret_post",
                    "scope": ["openid", "profile", "email"],
                },
            }
        )
    return providers
