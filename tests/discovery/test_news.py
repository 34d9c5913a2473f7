"""校友动态: news from RSS and Atom feeds, de-duplicated, filtered by confirmed notables and
enterprises, and the staff digest."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import NotableAlumnusFactory
from tests.organizations.org_support import console_login
from xiaoyou.discovery.models import Enterprise, NewsItem
from xiaoyou.discovery.services.news import news_collect

pytestmark = pytest.mark.django_db


@pytest.fixture
def watched(sites, settings, org_tree):
    base = sites["news"].url
    settings.DISCOVERY_NEWS_FEEDS = [
        f"{base}/business.rss",
        f"{base}/broken.rss",
        f"{base}/tech.atom",
    ]
    notable = NotableAlumnusFactory(
        org=org_tree.root, name="王芳", title="星河科技创始人兼首席执行官"
    )
    enterprise = Enterprise.objects.create(
        org=org_tree.college, name="华源集团股份有限公司", origin="disclosure", status="published"
    )
    return notable, enterprise


def test_relevant_stories_are_kept_once(watched, org_tree):
    notable, enterprise = watched
    result = news_collect(org=org_tree.root)
    assert (result["feeds"], result["entries"], result["kept"]) == (3, 5, 2)
    assert len(result["problems"]) == 1 and "broken.rss" in result["problems"][0]
    items = {item.title: item for item in NewsItem.objects.all()}
    assert set(items) == {
        "华源集团发布2023年度业绩：营收增长12%",
        "王芳：从示范大学走出的星河科技掌门人",
    }
    assert list(items["华源集团发布2023年度业绩：营收增长12%"].enterprises.all()) == [enterprise]
    assert list(items["王芳：从示范大学走出的星河科技掌门人"].notables.all()) == [notable]
    assert items["华源集团发布2023年度业绩：营收增长12%"].mentions == ["华源集团"]
    # The stranger named 王芳 (no school, no company) and the rate news are left out; a second
    # run adds nothing.
    assert news_collect(org=org_tree.root)["kept"] == 0
    assert NewsItem.objects.count() == 2


def test_the_staff_digest_collects_and_lists(
    client, watched, org_tree, platform_admin, django_capture_on_commit_callbacks
):
    console_login(client, platform_admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("console:discovery_news")).status_code == 302
    html = client.get(reverse("console:discovery_news")).content.decode()
    assert "王芳：从示范大学走出的星河科技掌门人" in html and "华源集团发布" in html
    export = client.get(reverse("console:discovery_news"), {"export": "csv"})
    assert export.content.decode("utf-8-sig").count("\n") == 3  # header and two stories
