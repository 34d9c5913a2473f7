from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import NotificationFactory, UserFactory
from xiaoyou.core import notifications
from xiaoyou.core.models import Delivery, Notification, NotificationPreference
from xiaoyou.core.registry import personal_center_entries

pytestmark = pytest.mark.django_db

INBOX = reverse("hall:notifications")
SETTINGS = reverse("hall:notification_preferences")


@pytest.fixture(autouse=True)
def _english(settings):
    # Chinese is the default language; assertions here read the English msgids.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def reader(db):
    return UserFactory(display_name="韩梅梅", email="hmm@example.com", language="en")


def test_the_inbox_needs_sign_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_inbox_lists_my_notifications_and_filters_unread(client, reader, outsider):
    old = NotificationFactory(user=reader, title="旧通知")
    new = NotificationFactory(user=reader, title="新通知")
    notifications.notification_mark_read(actor=reader, notification=old)
    NotificationFactory(user=outsider, title="别人的通知")
    client.force_login(reader)
    response = client.get(INBOX)
    assert [item.title for item in response.context["page"].object_list] == ["新通知", "旧通知"]
    assert response.context["unread"] == 1
    unread = client.get(INBOX, {"show": "unread"})
    assert [item.pk for item in unread.context["page"].object_list] == [new.pk]
    assert "别人的通知" not in response.content.decode()


def test_mark_read_and_mark_all_read(client, reader, outsider):
    first, second, _third = NotificationFactory.create_batch(3, user=reader)
    theirs = NotificationFactory(user=outsider)
    client.force_login(reader)
    response = client.post(reverse("hall:notification_read", args=[first.pk]))
    assert response.status_code == 302
    assert Notification.objects.get(pk=first.pk).read_at is not None
    htmx = client.post(
        reverse("hall:notification_read", args=[second.pk]), headers={"HX-Request": "true"}
    )
    assert (
        htmx.content.decode()
        .strip()
        .startswith(f'<li id="notification-{second.pk}" class="notification is-read">')
    )
    assert client.post(reverse("hall:notification_read", args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    response = client.post(reverse("hall:notifications_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=reader, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client.get(reverse("hall:notifications_read_all")).status_code == 405


def test_open_follows_local_links_only(client, reader):
    local = NotificationFactory(user=reader, url="/events/3/")
    external = NotificationFactory(user=reader, url="https://evil.example/")
    client.force_login(reader)
    response = client.post(reverse("hall:notification_read", args=[local.pk]), {"open": "1"})
    assert response["Location"] == "/events/3/"
    response = client.post(reverse("hall:notification_read", args=[external.pk]), {"open": "1"})
    assert response["Location"] == INBOX


def test_preferences_are_saved_and_respected(client, reader, django_capture_on_commit_callbacks):
    client.force_login(reader)
    page = client.get(SETTINGS)
    rows = page.context["rows"]
    cells = {cell.channel: (cell.is_enabled, cell.is_available) for cell in rows[0].cells}
    assert rows[0].kind.kind == "review.decided"
    assert cells["inapp"] == (True, True)
    assert cells["email"] == (True, True)
    if "wechat" in cells:  # registered by the accounts app; this reader never used WeChat
        assert cells["wechat"] == (False, False)
    assert 'name="review.decided:email" checked' in page.content.decode()
    # The email box left out of the post: email off, in-app kept on.
    response = client.post(SETTINGS, {"review.decided:inapp": "on"})
    assert response.status_code == 302
    saved = dict(
        # One kind's row (other modules register kinds of their own).
        NotificationPreference.objects.filter(user=reader, kind="review.decided").values_list(
            "channel", "is_enabled"
        )
    )
    assert saved["inapp"] is True
    assert saved["email"] is False
    assert "wechat" not in saved  # unavailable channels are not saved
    with django_capture_on_commit_callbacks(execute=True):
        channels = notifications.notify(
            user=reader,
            kind="review.decided",
            context={
                "kind_label": "入会申请",
                "summary": "韩梅梅 → 上海校友会",
                "approved": True,
                "reason": "",
                "org_name": "上海校友会",
            },
        )
    assert channels == ["inapp"]
    assert Delivery.objects.count() == 0
    assert Notification.objects.get(user=reader).title == "Approved: 韩梅梅 → 上海校友会"


def test_channels_the_user_cannot_receive_are_disabled(client):
    no_email = UserFactory(email="", language="en")
    client.force_login(no_email)
    html = client.get(SETTINGS).content.decode()
    assert 'name="review.decided:email" disabled' in html
    assert "Add an email address to your account first." in html
    client.post(SETTINGS, {"review.decided:inapp": "on", "review.decided:email": "on"})
    saved = dict(
        NotificationPreference.objects.filter(user=no_email, kind="review.decided").values_list(
            "channel", "is_enabled"
        )
    )
    assert saved["inapp"] is True
    assert "email" not in saved  # a disabled box cannot be turned on by a forged post


def test_the_personal_center_entry_shows_the_unread_count(reader):
    NotificationFactory.create_batch(2, user=reader)
    request = RequestFactory().get("/me/")
    request.user = reader
    entry = personal_center_entries.items["notifications"]
    html = entry.render(request)
    assert f'href="{INBOX}"' in html
    assert '<span class="badge">2</span>' in html


def test_the_inbox_has_a_fixed_number_of_queries(client, reader, django_assert_max_num_queries):
    client.force_login(reader)
    NotificationFactory.create_batch(3, user=reader)
    client.get(INBOX)
    with django_assert_max_num_queries(8) as few:
        client.get(INBOX)
    NotificationFactory.create_batch(15, user=reader)
    with django_assert_max_num_queries(8) as many:
        response = client.get(INBOX)
    assert len(response.context["page"].object_list) == 18
    assert len(many.captured_queries) == len(few.captured_queries)
