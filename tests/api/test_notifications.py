from __future__ import annotations

import pytest

from xiaoyou.core.models import Notification

pytestmark = pytest.mark.django_db


def make(user, title, *, read=False):
    from django.utils import timezone

    return Notification.objects.create(
        user=user, kind="test", title=title, body="", read_at=timezone.now() if read else None
    )


def test_inbox_lists_own_messages_newest_first(client, verified_alumnus, outsider):
    first = make(verified_alumnus, "第一条")
    second = make(verified_alumnus, "第二条", read=True)
    make(outsider, "别人的")
    client.force_login(verified_alumnus)
    body = client.get("/api/v1/notifications").json()
    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [second.pk, first.pk]
    assert [item["is_read"] for item in body["items"]] == [True, False]
    unread = client.get("/api/v1/notifications?unread=true").json()
    assert [item["title"] for item in unread["items"]] == ["第一条"]


def test_mark_read(client, verified_alumnus):
    message = make(verified_alumnus, "通知")
    client.force_login(verified_alumnus)
    response = client.post(f"/api/v1/notifications/{message.pk}/read")
    assert response.status_code == 200
    assert response.json()["is_read"] is True
    message.refresh_from_db()
    first_read = message.read_at
    assert first_read is not None
    # Reading again keeps the first time.
    client.post(f"/api/v1/notifications/{message.pk}/read")
    message.refresh_from_db()
    assert message.read_at == first_read


def test_someone_elses_message_is_404(client, verified_alumnus, outsider):
    message = make(outsider, "别人的")
    client.force_login(verified_alumnus)
    response = client.post(f"/api/v1/notifications/{message.pk}/read")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    message.refresh_from_db()
    assert message.read_at is None


def test_read_all(client, verified_alumnus, outsider):
    make(verified_alumnus, "一")
    make(verified_alumnus, "二")
    other = make(outsider, "三")
    client.force_login(verified_alumnus)
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 2}
    assert Notification.objects.filter(user=verified_alumnus, read_at__isnull=True).count() == 0
    other.refresh_from_db()
    assert other.read_at is None
