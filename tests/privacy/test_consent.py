"""Consent at sign-up, re-consent after a new version, optional purposes withdrawn."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.factories import UserFactory
from xiaoyou import privacy
from xiaoyou.core.models import AuditEntry
from xiaoyou.privacy import services
from xiaoyou.privacy.models import Consent, PolicyVersion

pytestmark = pytest.mark.django_db


def test_publishing_sanitizes_and_is_for_platform_admins(policy, college_admin):
    assert "<script>" not in policy.body and "个人信息" in policy.body
    assert AuditEntry.objects.filter(action="privacy.policy_publish").count() == 1
    with pytest.raises(PermissionDenied):
        services.policy_publish(
            actor=college_admin, kind="privacy", version="9", title="x", body="<p>x</p>"
        )


def test_signup_needs_the_unticked_box_and_records_the_consent(client, policy, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    page = client.get(reverse("account_signup") + "?method=email")
    html = page.content.decode()
    assert (
        'name="accept_privacy_policy"' in html
        and "checked" not in html.split('name="accept_privacy_policy"')[1].split(">")[0]
    )
    assert 'data-privacy-policy="1.0"' in html
    data = {
        "method": "email",
        "email": "new@example.com",
        "password1": "a-long-unusual-passphrase-42",
        "password2": "a-long-unusual-passphrase-42",
    }
    refused = client.post(reverse("account_signup"), data)
    assert refused.status_code == 200
    assert "accept_privacy_policy" in refused.context["form"].errors
    response = client.post(reverse("account_signup"), {**data, "accept_privacy_policy": "on"})
    assert response.status_code == 302
    consent = Consent.objects.get(user__email="new@example.com")
    assert (consent.purpose, consent.policy, consent.withdrawn_at) == ("account", policy, None)
    assert consent.ip == "127.0.0.1"


def test_signup_without_a_published_policy_asks_nothing(client):
    page = client.get(reverse("account_signup"))
    assert "accept_privacy_policy" not in page.content.decode()


def test_a_new_version_is_accepted_again_before_the_hall(client, policy, platform_admin):
    user = UserFactory()
    services.policy_accept(actor=user, policy=policy)
    client.force_login(user)
    assert client.get(reverse("hall:me")).status_code == 200
    newer = services.policy_publish(
        actor=platform_admin, kind="privacy", version="2.0", title="隐私政策", body="<p>新</p>"
    )
    response = client.get(reverse("hall:me"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("hall:privacy_reconsent"))
    # Console, API and account pages are not redirected.
    assert client.get("/api/v1/openapi.json").status_code == 200
    page = client.get(response["Location"])
    assert page.status_code == 200 and page.context["policy"] == newer
    accepted = client.post(
        reverse("hall:privacy_reconsent"), {"accept": "1", "next": reverse("hall:me")}
    )
    assert accepted["Location"] == reverse("hall:me")
    assert client.get(reverse("hall:me")).status_code == 200
    assert Consent.objects.filter(user=user, policy=newer, purpose="account").exists()
    assert PolicyVersion.objects.count() == 2


def test_optional_consent_granted_then_withdrawn(client, policy):
    user = UserFactory()
    services.policy_accept(actor=user, policy=policy)
    client.force_login(user)
    assert privacy.has_consent(user, "face_search") is False
    client.post(reverse("hall:privacy_consent"), {"purpose": "face_search", "action": "grant"})
    assert privacy.has_consent(user, "face_search") is True
    page = client.get(reverse("hall:privacy"))
    assert b'data-purpose="face_search"' in page.content
    client.post(reverse("hall:privacy_consent"), {"purpose": "face_search", "action": "withdraw"})
    assert privacy.has_consent(user, "face_search") is False
    consent = Consent.objects.get(user=user, purpose="face_search")
    assert consent.withdrawn_at is not None
    actions = set(AuditEntry.objects.filter(actor_id=user.pk).values_list("action", flat=True))
    assert {"privacy.consent_grant", "privacy.consent_withdraw"} <= actions
    # The required consent is not withdrawn this way.
    response = client.post(
        reverse("hall:privacy_consent"), {"purpose": "account", "action": "withdraw"}
    )
    assert response.status_code == 400


def test_console_pages_are_for_platform_admins(client, platform_admin, college_admin):
    from allauth.mfa.models import Authenticator

    for user in (platform_admin, college_admin):
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(college_admin)
    assert client.get(reverse("console:privacy_policies")).status_code == 403
    assert client.get(reverse("console:privacy_erasures")).status_code == 403
    client.force_login(platform_admin)
    response = client.post(
        reverse("console:privacy_policies"),
        {"kind": "privacy", "version": "3.1", "title": "隐私政策", "body": "<p>正文</p>"},
    )
    assert response.status_code == 302
    assert PolicyVersion.objects.get(version="3.1").published_by == platform_admin
    assert client.get(reverse("console:privacy_erasures")).status_code == 200
