"""Hall home (首页): header from the main association's branding, the menu of common entries,
the "recently joined alumni" section, sections of modules not built, fixed query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.community.factories import BoardMessageFactory, HelpPostFactory
from tests.factories import MembershipFactory, UserFactory
from xiaoyou.core import branding
from xiaoyou.core.registry import QuickEntry, hall_home_sections, hall_menu
from xiaoyou.organizations.models import MembershipStatus
from xiaoyou.organizations.services import membership_activate

pytestmark = pytest.mark.django_db

# Queries of the whole home page, whatever the number of rows. Cold: branding and the cached
# sections (recently joined, board, mutual help: one query each) rebuilt; warm: all cached.
# Signed in adds the session and the user, "you may want to join" (main-association
# membership, then the candidates for a member) and the console shell's roles.
ANONYMOUS_COLD, ANONYMOUS_WARM = 2, 0
MEMBER_COLD, MEMBER_WARM = 11, 6
ADMIN_COLD, ADMIN_WARM = 9, 4


KNOWN_SECTIONS = ("recent_members", "org_recommendations", "community_board", "community_help")


@pytest.fixture
def known_sections():
    """Only the sections built when these counts were taken (other modules add their own, each
    held to one query by its own tests; the page-wide test below checks every section)."""
    saved = dict(hall_home_sections.items)
    hall_home_sections.items = {key: saved[key] for key in KNOWN_SECTIONS if key in saved}
    yield
    hall_home_sections.items = saved


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _members(org, count, *, start=None):
    start = start or timezone.now() - dt.timedelta(days=1)
    return [
        MembershipFactory(
            org=org,
            user=UserFactory(display_name=f"校友{index:02d}"),
            joined_at=start + dt.timedelta(minutes=index),
        )
        for index in range(count)
    ]


def _content(org_tree, count):
    _members(org_tree.root, count)
    for index in range(count):
        BoardMessageFactory(org=org_tree.root, title=f"留言标题{index}")
        HelpPostFactory(org=org_tree.root, title=f"互助标题{index}")


def _sections(html: str) -> list[str]:
    return re.findall(r'data-section="([^"]+)"', html)


def test_header_shows_name_logo_cover_and_featured_introduction(client, org_tree):
    root = org_tree.root
    root.logo = SimpleUploadedFile("logo.png", b"x", content_type="image/png")
    root.cover = SimpleUploadedFile("cover.png", b"x", content_type="image/png")
    root.introduction = "<p>百年学府 &amp; 校友之家</p>"
    root.save(update_fields=["logo", "cover", "introduction"])
    branding.invalidate()
    html = client.get("/").content.decode()
    assert '<h1 id="hero-title">示范大学校友总会</h1>' in html
    assert f'<img class="hero-cover" src="{root.cover.url}" alt="">' in html
    assert f'<span class="brand-mark"><img src="{root.logo.url}" alt=""></span>' in html
    assert '<p class="hero-intro" data-featured>百年学府 &amp; 校友之家</p>' in html


def test_menu_lists_registered_entries_the_user_may_use(client, org_tree, verified_alumnus):
    saved = dict(hall_menu.items)
    try:
        hall_menu.add(QuickEntry(key="t-missing", label="x", url_name="hall:no_such_page"))
        hall_menu.add(
            QuickEntry(
                key="t-staff", label="x", url_name="hall:me", permission=lambda u: u.is_staff
            )
        )
        html = client.get("/").content.decode()
        keys = re.findall(r'data-menu="([^"]+)"', html)
        assert keys == [
            "content_articles",
            "events",
            "org_directory",
            "donations",
            "cards",  # 校友云卡 (order 45)
            "community_board",
            "community_help",
            "content_albums",
            "content_face_search",
            "polls",
            "discovery_jobs",  # 校友招聘 (order 78)
            "discovery_enterprises",  # 校友企业 (order 79)
            "shop",  # 校友商店 (order 80)
        ]
        assert 'href="/orgs/" data-menu="org_directory"' in html
        with translation.override("en"):
            client.cookies["django_language"] = "en"
            html = client.get("/").content.decode()
            assert f"<span>{gettext('Message board')}</span>" in html
    finally:
        hall_menu.items = saved


def test_recently_joined_shows_the_ten_latest_members_of_the_main_association(
    client, org_tree, verified_alumnus
):
    members = _members(org_tree.root, 12)
    MembershipFactory(org=org_tree.college, user=UserFactory(display_name="学院新人"))
    MembershipFactory(
        org=org_tree.root,
        user=UserFactory(display_name="已退会"),
        status=MembershipStatus.LEFT,
    )
    MembershipFactory(org=org_tree.root, user=None, name="导入校友", phone="13900000000")
    avatar_user = members[-1].user
    avatar_user.avatar = SimpleUploadedFile("a.png", b"x", content_type="image/png")
    avatar_user.save(update_fields=["avatar"])

    anonymous = client.get("/").content.decode()
    block = re.search(r"<div data-home-recent-members>.*?</ul>", anonymous, re.S).group(0)
    assert block.count("<li data-member>") == 10
    assert f'<img src="{avatar_user.avatar.url}" alt="" loading="lazy">' in block
    # Visitors from the internet see faces or initials, not who joined.
    assert "recent-member-name" not in block
    assert "校友" not in re.sub(r"<h2>.*?</h2>", "", block)

    client.force_login(verified_alumnus)
    html = client.get("/").content.decode()
    names = re.findall(r'<span class="recent-member-name">([^<]+)</span>', html)
    assert names == [f"校友{index:02d}" for index in range(11, 1, -1)]


def test_recently_joined_is_rebuilt_when_someone_joins(
    client, org_tree, verified_alumnus, django_capture_on_commit_callbacks
):
    _members(org_tree.root, 2)
    client.force_login(verified_alumnus)
    assert "新会员" not in client.get("/").content.decode()  # now cached
    newcomer = UserFactory(display_name="新会员")
    with django_capture_on_commit_callbacks(execute=True):
        membership_activate(actor=None, org=org_tree.root, user=newcomer, source="application")
    names = re.findall(
        r'<span class="recent-member-name">([^<]+)</span>', client.get("/").content.decode()
    )
    assert names[0] == "新会员"


def test_cached_community_sections_are_rebuilt_when_a_message_is_published(
    client, org_tree, verified_alumnus, django_capture_on_commit_callbacks
):
    from xiaoyou.community.services.board import board_message_post

    org_tree.root.content_review_mode = "none"  # published at once
    org_tree.root.save(update_fields=["content_review_mode"])
    BoardMessageFactory(org=org_tree.root, title="旧留言")
    client.force_login(verified_alumnus)
    assert "旧留言" in client.get("/").content.decode()  # now cached
    author = UserFactory(display_name="发帖人")
    with django_capture_on_commit_callbacks(execute=True):
        board_message_post(
            actor=author, org=org_tree.root, title="新留言", body="校友卡", visibility="public"
        )
    assert "新留言" in client.get("/").content.decode()


def test_sections_of_modules_not_built_do_not_show(
    client, org_tree, verified_alumnus, known_sections
):
    _content(org_tree, 2)
    assert _sections(client.get("/").content.decode()) == ["recent_members"]
    client.force_login(verified_alumnus)
    html = client.get("/").content.decode()
    assert _sections(html) == ["recent_members", "community_board", "community_help"]
    for absent in ("events", "articles", "donations", "photos"):
        assert f'data-section="{absent}' not in html


def _queries(client, *, cold: bool) -> int:
    """The home page's queries: cold = nothing cached; warm = branding and fragments cached."""
    client.get("/")
    if cold:
        signed_in = settings.SESSION_COOKIE_NAME in client.cookies  # (never create a session)
        user_id = client.session.get("_auth_user_id") if signed_in else None
        cache.clear()  # with cache-backed sessions (Redis) this signs the client out...
        if user_id:  # ...so sign it in again
            from django.contrib.auth import get_user_model

            client.force_login(get_user_model().objects.get(pk=user_id))
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("persona", "cold", "warm"),
    [
        (None, ANONYMOUS_COLD, ANONYMOUS_WARM),
        ("verified_alumnus", MEMBER_COLD, MEMBER_WARM),
        ("platform_admin", ADMIN_COLD, ADMIN_WARM),
    ],
)
def test_home_query_count_is_fixed(client, org_tree, request, persona, cold, warm, known_sections):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    _content(org_tree, 3)
    if persona and not settings.SESSION_ENGINE.endswith(".db"):
        cold, warm = cold - 1, warm - 1  # the session is read from the cache, not the database
    few = (_queries(client, cold=True), _queries(client, cold=False))
    _content(org_tree, 30)
    many = (_queries(client, cold=True), _queries(client, cold=False))
    assert few == many == (cold, warm)


@pytest.mark.parametrize("persona", [None, "verified_alumnus", "platform_admin"])
def test_every_registered_section_keeps_the_count_fixed(client, org_tree, request, persona):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    _content(org_tree, 3)
    few = (_queries(client, cold=True), _queries(client, cold=False))
    _content(org_tree, 30)
    assert (_queries(client, cold=True), _queries(client, cold=False)) == few
