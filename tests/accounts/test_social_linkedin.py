"""LinkedIn: allauth's OpenID Connect provider against the OIDC emulator."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.accounts import social_support
from tests.accounts.social_support import (
    LINKEDIN_ID,
    agree,
    start,
)
from tests.emulators.linkedin import LinkedInPerson
from xiaoyou.accounts.models import User

pytestmark = pytest.mark.django_db
social = social_support.social  # the emulators fixture


def test_id_token_is_rs256_signed_by_the_published_key(social):
    emulator = social.linkedin
    token = emulator.id_token(LinkedInPerson(sub="abc"), LINKEDIN_ID)
    keys = httpx.get(f"{emulator.issuer}/openid/jwks").json()["keys"]
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    key = jwt.PyJWK(keys[0]).key
    claims = jwt.decode(token, key, algorithms=["RS256"], audience=LINKEDIN_ID)
    assert claims["iss"] == emulator.issuer and claims["sub"] == "abc"
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(token, key, algorithms=["RS256"], audience="another-client")


def test_login_uses_discovery_and_userinfo(client, social):
    social.linkedin.login_as(
        LinkedInPerson(sub="782bbtaQ", given_name="Lei", family_name="Li", email="lei@example.com")
    )
    authorize = start(client, "linkedin")
    assert authorize.startswith(f"{social.linkedin.url}/oauth/v2/authorization?")
    assert set(parse_qs(urlsplit(authorize).query)["scope"][0].split()) == {
        "openid",
        "profile",
        "email",
    }
    response = client.get(agree(authorize))
    assert response.status_code == 302
    account = SocialAccount.objects.get(provider="linkedin")
    assert account.uid == "782bbtaQ"
    assert account.extra_data["userinfo"]["name"] == "Lei Li"
    assert account.extra_data["id_token"]["aud"] == LINKEDIN_ID
    assert client.session[SESSION_KEY] == str(account.user.pk)
    assert account.user.emailaddress_set.get().email == "lei@example.com"


def test_state_mismatch_and_bad_code_are_refused(client, social):
    social.linkedin.login_as(LinkedInPerson(sub="s1"))
    callback = agree(start(client, "linkedin"))
    code = parse_qs(urlsplit(callback).query)["code"][0]
    callback_url = reverse("openid_connect_callback", kwargs={"provider_id": "linkedin"})
    assert client.get(callback_url, {"code": code, "state": "forged"}).status_code == 401
    state = parse_qs(urlsplit(start(client, "linkedin")).query)["state"][0]
    assert client.get(callback_url, {"code": "bad", "state": state}).status_code == 401
    assert User.objects.count() == 0
    assert SESSION_KEY not in client.session


def test_login_page_shows_the_three_providers(client, social):
    page = client.get(reverse("account_login")).content.decode()
    for provider in ("weibo", "qq", "linkedin"):
        assert f'data-provider="{provider}"' in page
    # Each comes back through the consent page.
    assert 'value="/me/social/qq/fill/?next=' in page
