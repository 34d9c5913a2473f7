"""Console page of the school's defaults (platform admins only)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.organizations.org_support import console_login
from xiaoyou.core.models import AuditEntry
from xiaoyou.directory.models import BUILT_IN_DEFAULTS, PRIVATE_FIELDS
from xiaoyou.directory.selectors import school_defaults

pytestmark = pytest.mark.django_db


def test_platform_admin_sets_the_defaults(client, platform_admin):
    console_login(client, platform_admin)
    url = reverse("console:directory_settings")
    page = client.get(url)
    assert page.status_code == 200 and 'name="phone"' in page.content.decode()
    data = {name: BUILT_IN_DEFAULTS[name] for name in PRIVATE_FIELDS} | {"phone": "members"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert school_defaults()["phone"] == "members"
    entry = AuditEntry.objects.get(action="directory.settings.update")
    assert entry.changes == {"phone": ["classmates", "members"]}
    bad = client.post(url, data | {"email": "friends"})
    assert bad.status_code == 200 and 'data-field="email"' in bad.content.decode()


def test_org_admins_may_not(client, college_admin):
    console_login(client, college_admin)
    assert client.get(reverse("console:directory_settings")).status_code == 403
