"""The SMS and WeChat notification channels, through core.notifications' delivery."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount

from tests.accounts.conftest import MP_APP_ID
from tests.emulators.wechat import Person
from tests.factories import UserFactory
from xiaoyou.core import notifications
from xiaoyou.core.models import Channel, Delivery

pytestmark = pytest.mark.django_db


def queued(
    user, channel: str, *, parts: dict, context: dict | None = None, url: str = ""
) -> Delivery:
    return Delivery.objects.create(
        user=user,
        kind="review.decided",
        channel=channel,
        payload={"parts": parts, "context": context or {}, "language": "zh-hans", "url": url},
    )


def test_channels_are_registered_with_reachability(wechat):
    names = notifications.channel_names()
    assert Channel.SMS in names and Channel.WECHAT in names
    sms = notifications._channels[Channel.SMS]
    assert sms.is_available(UserFactory(phone="+8613800138000", phone_verified=True)) is True
    assert sms.is_available(UserFactory(phone="+8613800138002", phone_verified=False)) is False
    wechat_channel = notifications._channels[Channel.WECHAT]
    user = UserFactory()
    assert wechat_channel.is_available(user) is False
    SocialAccount.objects.create(
        user=user, provider="wechat", uid="u1", extra_data={"mp_openid": "o1"}
    )
    assert wechat_channel.is_available(user) is True


def test_sms_delivery_goes_through_the_sms_backend(sms_outbox):
    user = UserFactory(phone="+8613800138000", phone_verified=True)
    delivery = queued(
        user,
        Channel.SMS,
        parts={"text": "您提交的入会申请已通过。"},
        context={"result": "通过", "item": {"id": 3}},
    )
    assert notifications.delivery_send(delivery_id=delivery.pk) == "sent"
    [message] = sms_outbox.messages("+8613800138000")
    assert message["template"] == "review.decided"
    assert message["params"] == {"result": "通过", "text": "您提交的入会申请已通过。"}
    assert message["text"] == "您提交的入会申请已通过。"
    delivery.refresh_from_db()
    assert delivery.payload["provider_message_id"] == message["id"]


def test_sms_delivery_to_an_unverified_phone_fails_for_good(sms_outbox):
    user = UserFactory(phone="+8613800138000", phone_verified=False)
    delivery = queued(user, Channel.SMS, parts={"text": "x"})
    assert notifications.delivery_send(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.error == "the user has no verified phone"
    assert sms_outbox.messages() == []


def test_sms_delivery_with_an_unapproved_template_fails_for_good(aliyun):
    user = UserFactory(phone="+8613800138000", phone_verified=True)
    delivery = queued(user, Channel.SMS, parts={"text": "x"})
    assert notifications.delivery_send(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert "template_not_configured" in delivery.error


def test_wechat_delivery_sends_a_template_message(wechat, settings):
    settings.WECHAT_TEMPLATES = {"review.decided": "TPL-review"}
    settings.SITE_URL = "https://alumni.example.edu.cn"
    wechat.add_template(MP_APP_ID, "TPL-review")
    openid = wechat.openid(MP_APP_ID, Person(key="fan"))
    wechat.follow(MP_APP_ID, openid)
    user = UserFactory()
    SocialAccount.objects.create(
        user=user, provider="wechat", uid="union-fan", extra_data={"mp_openid": openid}
    )
    delivery = queued(
        user,
        Channel.WECHAT,
        parts={"first": "审核结果", "keyword1": "入会申请", "keyword2": "通过", "remark": ""},
        url="/me/notifications/",
    )
    assert notifications.delivery_send(delivery_id=delivery.pk) == "sent"
    [sent] = wechat.sent
    assert sent.touser == openid
    assert sent.template_id == "TPL-review"
    assert sent.data == {
        "first": {"value": "审核结果"},
        "keyword1": {"value": "入会申请"},
        "keyword2": {"value": "通过"},
    }
    assert sent.url == "https://alumni.example.edu.cn/me/notifications/"
    delivery.refresh_from_db()
    assert delivery.payload["provider_message_id"] == str(sent.msgid)


def test_wechat_delivery_to_a_non_follower_fails_for_good(wechat, settings):
    settings.WECHAT_TEMPLATES = {"review.decided": "TPL-review"}
    wechat.add_template(MP_APP_ID, "TPL-review")
    openid = wechat.openid(MP_APP_ID, Person(key="gone"))
    wechat.follow(MP_APP_ID, openid)
    wechat.unfollow(MP_APP_ID, openid)
    user = UserFactory()
    SocialAccount.objects.create(
        user=user, provider="wechat", uid="union-gone", extra_data={"mp_openid": openid}
    )
    delivery = queued(user, Channel.WECHAT, parts={"first": "x"})
    assert notifications.delivery_send(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert "43004" in delivery.error


def test_wechat_outage_is_retried(wechat, settings):
    settings.WECHAT_TEMPLATES = {"review.decided": "TPL-review"}
    settings.WECHAT_API_URL = "http://127.0.0.1:9"
    user = UserFactory()
    SocialAccount.objects.create(
        user=user, provider="wechat", uid="u", extra_data={"mp_openid": "o-x"}
    )
    delivery = queued(user, Channel.WECHAT, parts={"first": "x"})
    assert notifications.delivery_send(delivery_id=delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.QUEUED
