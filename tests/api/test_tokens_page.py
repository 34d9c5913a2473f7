from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import timezone

from tests.factories import ApiTokenFactory
from xiaoyou.api.models import ApiToken
from xiaoyou.api.services import api_token_create, api_token_revoke
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.registry import personal_center_entries

pytestmark = pytest.mark.django_db


def test_page_needs_sign_in(client):
    response = client.get("/api/tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_create_shows_the_secret_once(client, verified_alumnus):
    client.force_login(verified_alumnus)
    response = client.post("/api/tokens/", {"name": "会员同步", "expires_in": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    shown = re.search(r'id="new-token" class="input" value="(xy_[0-9a-f]{8}_[A-Za-z0-9_-]+)"', html)
    assert shown is not None
    token = ApiToken.objects.get(user=verified_alumnus)
    assert token.name == "会员同步"
    assert shown.group(1).startswith(f"xy_{token.prefix}_")
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    # The token works with the API on its own...
    assert (
        Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {shown.group(1)}").status_code == 200
    )
    # ...and is never shown again: the list has only the prefix.
    again = client.get("/api/tokens/").content.decode()
    assert shown.group(1) not in again
    assert f"xy_{token.prefix}_…" in again
    assert "会员同步" in again


def test_invalid_form_shows_field_errors(client, verified_alumnus):
    client.force_login(verified_alumnus)
    response = client.post("/api/tokens/", {"name": "", "expires_in": "7"})
    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_never_expiring_token(client, verified_alumnus):
    client.force_login(verified_alumnus)
    client.post("/api/tokens/", {"name": "长期", "expires_in": "never"})
    assert ApiToken.objects.get(user=verified_alumnus).expires_at is None


def test_revoke(client, verified_alumnus):
    token = ApiTokenFactory(user=verified_alumnus, name="旧脚本")
    client.force_login(verified_alumnus)
    response = client.post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert response["Location"] == f"/api/tokens/?revoked={token.pk}"
    token.refresh_from_db()
    assert token.revoked_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "旧脚本" in page and "revoked" in page.lower()
    script = Client()  # no session: the token alone decides
    assert script.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token.plain}").status_code == 401
    twice = client.post(f"/api/tokens/{token.pk}/revoke/")
    assert twice["Location"] == "/api/tokens/?error=token_already_revoked"


def test_someone_elses_token_is_404_and_stays_active(client, verified_alumnus, outsider):
    token = ApiTokenFactory(user=outsider)
    client.force_login(verified_alumnus)
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    assert client.get("/api/tokens/").content.decode().count("xy_") == 0
    token.refresh_from_db()
    assert token.revoked_at is None


def test_services_enforce_ownership(verified_alumnus, outsider):
    with pytest.raises(PermissionDenied):
        api_token_create(actor=verified_alumnus, user=outsider, name="x")
    token = ApiTokenFactory(user=outsider)
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=verified_alumnus, token=token)
    api_token_revoke(actor=outsider, token=token)
    with pytest.raises(ApplicationError) as raised:
        api_token_revoke(actor=outsider, token=token)
    assert raised.value.code == "token_already_revoked"


def test_create_and_revoke_are_audited(verified_alumnus):
    from xiaoyou.core.models import AuditEntry

    token = ApiTokenFactory(user=verified_alumnus, name="审计")
    api_token_revoke(actor=verified_alumnus, token=token)
    actions = list(
        AuditEntry.objects.filter(object_type="api.apitoken", object_id=str(token.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["api_token.create", "api_token.revoke"]


def test_personal_center_entry(verified_alumnus, outsider):
    entry = personal_center_entries.items["api_tokens"]
    request = RequestFactory().get("/me/")
    request.user = verified_alumnus
    ApiTokenFactory(user=verified_alumnus)
    html = entry.render(request)
    assert 'href="/api/tokens/"' in html
    assert "1" in html
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert entry.render(request) == ""
