"""Weibo: allauth's provider with our endpoints, against the emulator."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.accounts import social_support
from tests.accounts.social_support import (
    WEIBO_KEY,
    agree,
    dance,
    start,
)
from tests.emulators.weibo import WeiboPerson
from tests.factories import UserFactory
from xiaoyou.accounts.models import User

pytestmark = pytest.mark.django_db
social = social_support.social  # the emulators fixture

CAREER = [
    {"company": "旧公司", "department": "研发", "start": 2012, "end": 2016},
    {"company": "深圳创新科技有限公司", "department": "产品", "start": 2016, "end": ""},
]


def test_login_reads_the_profile_and_the_career(client, social):
    social.weibo.grant_career(WEIBO_KEY)
    social.weibo.login_as(
        WeiboPerson(uid="5123456789", screen_name="李雷微博", location="广东 深圳", career=CAREER)
    )
    authorize = start(client, "weibo")
    assert urlsplit(authorize).path == "/oauth2/authorize"
    assert parse_qs(urlsplit(authorize).query)["client_id"] == [WEIBO_KEY]
    response = client.get(agree(authorize))
    assert response.status_code == 302
    account = SocialAccount.objects.get(provider="weibo")
    assert account.uid == "5123456789"
    assert account.extra_data["location"] == "广东 深圳"
    assert [c["company"] for c in account.extra_data["career"]] == [
        "旧公司",
        "深圳创新科技有限公司",
    ]
    assert client.session[SESSION_KEY] == str(account.user.pk)


def test_without_the_career_grant_login_still_works(client, social):
    social.weibo.login_as(WeiboPerson(uid="5000000001", career=CAREER))
    assert dance(client, "weibo").status_code == 302
    assert SocialAccount.objects.get().extra_data["career"] == []


def test_state_mismatch_and_bad_code_are_refused(client, social):
    social.weibo.login_as(WeiboPerson(uid="5000000002"))
    callback = agree(start(client, "weibo"))
    params = parse_qs(urlsplit(callback).query)
    forged = client.get(reverse("weibo_callback"), {"code": params["code"][0], "state": "x"})
    assert forged.status_code == 401
    state = parse_qs(urlsplit(start(client, "weibo")).query)["state"][0]
    bad = client.get(reverse("weibo_callback"), {"code": "not-a-code", "state": state})
    assert bad.status_code == 401
    assert User.objects.count() == 0
    assert SESSION_KEY not in client.session


def test_link_from_the_personal_center(client, social):
    user = UserFactory(display_name="张伟")
    client.force_login(user)
    me = client.get(reverse("hall:me"))
    assert reverse("socialaccount_connections") in me.content.decode()
    page = client.get(reverse("socialaccount_connections"))
    assert 'data-provider="weibo"' in page.content.decode()
    social.weibo.login_as(WeiboPerson(uid="5000000003", screen_name="张伟的微博"))
    response = dance(client, "weibo", process="connect", next_url="/me/")
    assert response.status_code == 302
    account = SocialAccount.objects.get(provider="weibo")
    assert account.user == user
    assert User.objects.count() == 1
    page = client.get(reverse("socialaccount_connections"))
    assert "张伟的微博" in page.content.decode()


def test_an_account_linked_to_someone_else_is_not_moved(client, social):
    social.weibo.login_as(WeiboPerson(uid="5000000004"))
    dance(client, "weibo")
    first = SocialAccount.objects.get().user
    client.logout()
    other = UserFactory()
    client.force_login(other)
    response = dance(client, "weibo", process="connect")
    assert response.status_code == 302
    assert SocialAccount.objects.get().user == first
