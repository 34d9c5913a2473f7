"""Profile fill with consent: only the ticked fields reach the record, with history "self"."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext

from tests.accounts import social_support
from tests.accounts.social_support import WEIBO_KEY, dance
from tests.emulators.qq import QQPerson
from tests.emulators.weibo import WeiboPerson
from tests.factories import AlumniRecordFactory, UserFactory
from xiaoyou.accounts.social.profiles import provider_profile
from xiaoyou.accounts.social.services import social_profile_fill
from xiaoyou.alumni.models import RecordChange

pytestmark = pytest.mark.django_db
social = social_support.social  # the emulators fixture

CAREER = [{"company": "深圳创新科技有限公司", "department": "产品", "start": 2016, "end": ""}]


@pytest.fixture
def alumnus(client):
    user = UserFactory(display_name="李雷")
    record = AlumniRecordFactory(user=user, name="李雷", employer="旧单位", city="广州")
    client.force_login(user)
    return user, record


def _link_weibo(client, social, **person):
    social.weibo.grant_career(WEIBO_KEY)
    social.weibo.login_as(WeiboPerson(uid="5999999999", career=CAREER, **person))
    fill = reverse("hall:social_fill", args=["weibo"])
    return dance(client, "weibo", process="connect", next_url=f"{fill}?next=/me/")


def test_link_leads_to_the_consent_page_with_nothing_ticked(client, social, alumnus):
    response = _link_weibo(client, social, location="广东 深圳")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("hall:social_fill", args=["weibo"]))
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "深圳创新科技有限公司" in html and "旧单位" in html
    assert 'name="fields" value="employer"' in html
    assert 'name="fields" value="city"' in html
    assert 'name="fields" value="province"' in html
    assert " checked" not in html
    _user, record = alumnus
    record.refresh_from_db()
    assert record.employer == "旧单位"
    assert not RecordChange.objects.filter(record=record).exists()


def test_only_the_chosen_fields_are_copied_with_history(client, social, alumnus):
    user, record = alumnus
    _link_weibo(client, social, location="广东 深圳")
    url = reverse("hall:social_fill", args=["weibo"])
    # A value typed into the request is ignored: the stored provider data is what counts.
    response = client.post(url, {"fields": ["employer"], "employer": "伪造", "next": "/me/"})
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    record.refresh_from_db()
    assert record.employer == "深圳创新科技有限公司"
    assert record.city == "广州"
    assert record.province == ""
    change = RecordChange.objects.get(record=record)
    assert (change.field, change.old_value, change.new_value) == (
        "employer",
        "旧单位",
        "深圳创新科技有限公司",
    )
    assert change.source == "self"
    assert change.actor == user


def test_nothing_is_copied_without_a_choice(client, social, alumnus):
    _user, record = alumnus
    _link_weibo(client, social)
    response = client.post(reverse("hall:social_fill", args=["weibo"]), {"fields": []})
    assert response.status_code == 422
    assert gettext("Choose at least one field to copy.") in response.content.decode()
    record.refresh_from_db()
    assert record.employer == "旧单位"
    assert not RecordChange.objects.filter(record=record).exists()


def test_a_field_the_provider_did_not_return_is_refused(social, client, alumnus):
    user, record = alumnus
    social.qq.login_as(QQPerson(key="q", province="广东", city="深圳"))
    dance(client, "qq", process="connect")
    account = SocialAccount.objects.get(provider="qq")
    assert provider_profile(account).values == {"province": "广东", "city": "深圳"}
    with pytest.raises(ValidationError):
        social_profile_fill(actor=user, account=account, fields=["employer"])
    with pytest.raises(PermissionDenied):
        social_profile_fill(actor=UserFactory(), account=account, fields=["city"])
    social_profile_fill(actor=user, account=account, fields=["city", "province"])
    record.refresh_from_db()
    assert (record.city, record.province) == ("深圳", "广东")
    assert set(RecordChange.objects.values_list("field", flat=True)) == {"city", "province"}


def test_login_without_a_record_goes_straight_on(client, social):
    social.qq.login_as(QQPerson(key="new"))
    fill = reverse("hall:social_fill", args=["qq"])
    response = dance(client, "qq", next_url=f"{fill}?next=/?welcome=1")
    assert response["Location"] == f"{fill}?next=/?welcome=1"
    assert client.get(response["Location"])["Location"] == "/?welcome=1"


def test_next_must_stay_on_this_site(client, social, alumnus):
    _link_weibo(client, social)
    url = reverse("hall:social_fill", args=["weibo"])
    response = client.post(url, {"fields": ["employer"], "next": "https://evil.example/"})
    assert response["Location"] == reverse("socialaccount_connections")


def test_linkedin_offers_nothing_for_the_record(client, social, alumnus):
    from tests.emulators.linkedin import LinkedInPerson

    social.linkedin.login_as(LinkedInPerson(sub="li-1"))
    dance(client, "linkedin", process="connect")
    account = SocialAccount.objects.get(provider="linkedin")
    profile = provider_profile(account)
    assert profile.values == {}
    assert profile.avatar_url.startswith("https://media.licdn.com/")
    url = reverse("hall:social_fill", args=["linkedin"])
    assert client.get(url, {"next": "/me/"})["Location"] == "/me/"
    page = client.get(url, {"next": "/me/", "show": "1"})
    assert page.status_code == 200


def test_weibo_locations(social):
    def values(location: str) -> dict[str, str]:
        account = SocialAccount(provider="weibo", extra_data={"location": location})
        return provider_profile(account).values

    assert values("广东 深圳") == {"province": "广东", "city": "深圳"}
    assert values("北京 海淀区") == {"province": "北京", "city": "北京"}
    assert values("海外 美国") == {"country": "美国"}
    assert values("其他") == {}
