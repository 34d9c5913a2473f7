from __future__ import annotations

import pytest
from django.core.cache import cache

from xiaoyou.privacy.selectors import CURRENT_POLICY_CACHE_KEY


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    # The current policy id is cached; each test starts from its own database.
    cache.delete(CURRENT_POLICY_CACHE_KEY)
    yield
    cache.delete(CURRENT_POLICY_CACHE_KEY)


@pytest.fixture
def policy(platform_admin):
    from xiaoyou.privacy.services import policy_publish

    return policy_publish(
        actor=platform_admin,
        kind="privacy",
        version="1.0",
        title="隐私政策",
        body="<p>我们如何处理您的个人信息</p><script>alert(1)</script>",
    )
