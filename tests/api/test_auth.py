from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.api.conftest import error_of
from tests.factories import ApiTokenFactory, UserFactory
from xiaoyou.api.models import ApiToken
from xiaoyou.api.services import api_token_revoke
from xiaoyou.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_no_credentials_is_401_in_the_error_format(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    assert error_of(response)["details"] is None


def test_session_auth_returns_profile_and_roles(client, verified_alumnus, org_tree):
    client.force_login(verified_alumnus)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == verified_alumnus.pk
    assert body["display_name"] == "张伟"
    assert body["is_staff"] is False
    assert [(role["org_id"], role["role"]) for role in body["roles"]] == [
        (org_tree.root.pk, "member"),
        (org_tree.college.pk, "member"),
    ]
    assert body["roles"][0]["org_name"] == "示范大学校友总会"


def test_session_post_needs_the_csrf_token(verified_alumnus):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(verified_alumnus)
    refused = browser.post("/api/v1/notifications/read-all")
    assert refused.status_code == 403
    assert error_of(refused)["code"] == "csrf_failed"

    from django.middleware.csrf import _get_new_csrf_string

    secret = _get_new_csrf_string()
    browser.cookies["csrftoken"] = secret
    accepted = browser.post("/api/v1/notifications/read-all", HTTP_X_CSRFTOKEN=secret)
    assert accepted.status_code == 200
    assert accepted.json() == {"marked": 0}


def test_token_auth_needs_no_csrf_and_marks_last_use(verified_alumnus):
    token = ApiTokenFactory(user=verified_alumnus)
    script = Client(enforce_csrf_checks=True)
    response = script.post("/api/v1/notifications/read-all", **bearer(token.plain))
    assert response.status_code == 200
    me = script.get("/api/v1/me", **bearer(token.plain))
    assert me.status_code == 200
    assert me.json()["id"] == verified_alumnus.pk
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < timedelta(seconds=30)


@pytest.mark.parametrize(
    "state", ["revoked", "expired", "wrong_secret", "unknown_prefix", "malformed"]
)
def test_unusable_tokens_get_401(client, verified_alumnus, state):
    token = ApiTokenFactory(user=verified_alumnus)
    plain = token.plain
    if state == "revoked":
        api_token_revoke(actor=verified_alumnus, token=token)
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    elif state == "wrong_secret":
        plain = plain[:-4] + ("AAAA" if not plain.endswith("AAAA") else "BBBB")
    elif state == "unknown_prefix":
        plain = "xy_00000000_" + plain.split("_", 2)[2]
    else:
        plain = "not-a-token"
    response = client.get("/api/v1/me", **bearer(plain))
    assert response.status_code == 401
    error = error_of(response)
    assert error["code"] == "not_authenticated"


def test_token_of_a_deactivated_user_is_refused(client):
    user = UserFactory()
    token = ApiTokenFactory(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/api/v1/me", **bearer(token.plain)).status_code == 401


def test_token_failures_are_rate_limited_per_address(client, verified_alumnus, settings):
    settings.API_TOKEN_FAILURE_LIMIT = 3
    settings.API_TOKEN_FAILURE_WINDOW = 120
    good = ApiTokenFactory(user=verified_alumnus)
    for _ in range(3):
        assert client.get("/api/v1/me", **bearer("xy_deadbeef_" + "x" * 43)).status_code == 401
    blocked = client.get("/api/v1/me", **bearer("xy_deadbeef_" + "y" * 43))
    assert blocked.status_code == 429
    assert error_of(blocked)["code"] == "rate_limited"
    assert 1 <= int(blocked["Retry-After"]) <= 120
    # Even a right token from that address waits: guessing must not be confirmed meanwhile.
    assert client.get("/api/v1/me", **bearer(good.plain)).status_code == 429
    # Another address is not affected.
    other = client.get("/api/v1/me", REMOTE_ADDR="127.0.0.9", **bearer(good.plain))
    assert other.status_code == 200


def test_the_secret_is_never_stored_in_clear(verified_alumnus):
    token = ApiTokenFactory(user=verified_alumnus, name="同步脚本")
    secret = token.plain.split("_", 2)[2]
    assert len(secret) >= 40
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        rows = cursor.fetchall()
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0])
    assert secret not in stored
    assert token.plain not in stored
    assert token.prefix in stored
    import hashlib

    assert hashlib.sha256(secret.encode()).hexdigest() in stored
    for entry in AuditEntry.objects.all():
        assert secret not in str(entry.changes)
