"""Fixtures and the browser's part of an OAuth dance, shared by the test_social_* modules:
the Weibo, QQ and LinkedIn emulators with the settings pointing every provider at them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.urls import reverse

from tests.emulators.linkedin import LinkedInEmulator
from tests.emulators.qq import QQEmulator
from tests.emulators.weibo import WeiboEmulator
from xiaoyou.accounts.social.conf import social_providers

WEIBO_KEY, WEIBO_SECRET = "3456789012", "weibo-secret-0123456789abcdef"
QQ_APP_ID, QQ_APP_KEY = "101234567", "qq-app-key-0123456789abcdef"
LINKEDIN_ID, LINKEDIN_SECRET = "86linkedinclient", "linkedin-secret-0123456789"


@pytest.fixture
def social(settings):
    """All three emulators running, all three providers configured."""
    weibo = WeiboEmulator({WEIBO_KEY: WEIBO_SECRET})
    qq = QQEmulator({QQ_APP_ID: QQ_APP_KEY})
    linkedin = LinkedInEmulator({LINKEDIN_ID: LINKEDIN_SECRET})
    with weibo, qq, linkedin:
        settings.WEIBO_API_URL = weibo.url
        settings.WEIBO_CAREER_ENABLED = True
        settings.QQ_GRAPH_URL = qq.url
        settings.SOCIALACCOUNT_PROVIDERS = social_providers(
            weibo_key=WEIBO_KEY,
            weibo_secret=WEIBO_SECRET,
            qq_app_id=QQ_APP_ID,
            qq_app_key=QQ_APP_KEY,
            linkedin_client_id=LINKEDIN_ID,
            linkedin_client_secret=LINKEDIN_SECRET,
            linkedin_url=linkedin.issuer,
        )
        yield Emulators(weibo=weibo, qq=qq, linkedin=linkedin)


class Emulators:
    def __init__(self, *, weibo: WeiboEmulator, qq: QQEmulator, linkedin: LinkedInEmulator):
        self.weibo, self.qq, self.linkedin = weibo, qq, linkedin


LOGIN_URLS = {
    "weibo": lambda: reverse("weibo_login"),
    "qq": lambda: reverse("qq_login"),
    "linkedin": lambda: reverse("openid_connect_login", kwargs={"provider_id": "linkedin"}),
}


def start(client, provider: str, *, process: str = "login", next_url: str = "") -> str:
    """Our login view: returns the provider's authorize URL it redirected to."""
    data = {"process": process}
    if next_url:
        data["next"] = next_url
    response = client.post(LOGIN_URLS[provider](), data)
    assert response.status_code == 302, response
    return response["Location"]


def agree(authorize_url: str) -> str:
    """The person agrees on the provider's page: returns our callback URL (path and query)."""
    answer = httpx.get(authorize_url, follow_redirects=False)
    if answer.status_code == 200 and 'id="authorize"' in answer.text:
        # QQ shows a page with a button that posts the same parameters back.
        parts = urlsplit(authorize_url)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        answer = httpx.post(
            f"{parts.scheme}://{parts.netloc}{parts.path}", data=params, follow_redirects=False
        )
    assert answer.status_code == 302, answer.text
    callback = urlsplit(answer.headers["location"])
    return f"{callback.path}?{callback.query}"


def dance(client, provider: str, *, process: str = "login", next_url: str = ""):
    """The whole dance; returns our callback's response."""
    return client.get(agree(start(client, provider, process=process, next_url=next_url)))
