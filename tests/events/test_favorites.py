"""Events favorites (收藏): the toggle service and who may use it, the star on the event page
(plain form and htmx), and the Favorited tab of My events (visible events only, most recently
starred first, a fixed query count)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tests.events.factories import EventFactory
from xiaoyou.events.models import EventFavorite, EventStatus, Visibility
from xiaoyou.events.selectors_engagement import favorite_events, is_favorite
from xiaoyou.events.services.favorites import favorite_toggle

pytestmark = pytest.mark.django_db
MINE = "/events/mine/"


@pytest.fixture
def event(org_tree):
    return EventFactory(org=org_tree.college, title="校友篮球赛")


def test_toggle_stars_and_unstars(event, verified_alumnus, outsider):
    assert favorite_toggle(actor=verified_alumnus, event=event) is True
    assert is_favorite(verified_alumnus, event) is True
    assert is_favorite(outsider, event) is False
    assert favorite_toggle(actor=outsider, event=event) is True
    assert EventFavorite.objects.filter(event=event).count() == 2
    assert favorite_toggle(actor=verified_alumnus, event=event) is False
    assert list(EventFavorite.objects.values_list("user_id", flat=True)) == [outsider.pk]


def test_who_may_star(org_tree, event, outsider, unverified_user):
    with pytest.raises(PermissionDenied):
        favorite_toggle(actor=AnonymousUser(), event=event)
    members_only = EventFactory(org=org_tree.other_college, visibility=Visibility.MEMBERS)
    with pytest.raises(PermissionDenied):
        favorite_toggle(actor=outsider, event=members_only)
    draft = EventFactory(org=org_tree.college, status=EventStatus.DRAFT)
    with pytest.raises(PermissionDenied):
        favorite_toggle(actor=unverified_user, event=draft)
    assert favorite_toggle(actor=unverified_user, event=event) is True
    assert EventFavorite.objects.count() == 1


def test_star_on_the_event_page(client, event, verified_alumnus):
    url = reverse("hall:event", args=[event.pk])
    assert 'id="event-favorite"' not in client.get(url).content.decode()  # visitors: no star
    client.force_login(verified_alumnus)
    assert 'data-favorite="off"' in client.get(url).content.decode()
    favorite_toggle(actor=verified_alumnus, event=event)
    html = client.get(url).content.decode()
    assert 'data-favorite="on"' in html
    assert 'aria-pressed="true"' in html


def test_star_without_javascript_and_with_htmx(client, event, verified_alumnus):
    client.force_login(verified_alumnus)
    url = reverse("hall:event_favorite", args=[event.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("hall:event", args=[event.pk])
    assert is_favorite(verified_alumnus, event) is True
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith('<form method="post"')
    assert 'data-favorite="off"' in html
    assert is_favorite(verified_alumnus, event) is False
    assert client.get(url).status_code == 405


def test_star_needs_sign_in_and_a_visible_event(client, org_tree, event, outsider):
    url = reverse("hall:event_favorite", args=[event.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    hidden = EventFactory(org=org_tree.other_college, visibility=Visibility.MEMBERS)
    client.force_login(outsider)
    assert client.post(reverse("hall:event_favorite", args=[hidden.pk])).status_code == 404
    assert client.post(reverse("hall:event_favorite", args=[99999])).status_code == 404
    assert EventFavorite.objects.count() == 0


def test_favorited_tab_lists_visible_events_most_recent_first(
    client, org_tree, verified_alumnus, outsider
):
    older = EventFactory(org=org_tree.college, title="早收藏")
    newer = EventFactory(org=org_tree.club, title="晚收藏")
    gone = EventFactory(org=org_tree.college, title="已撤回")
    other = EventFactory(org=org_tree.college, title="别人收藏")
    for item in (older, newer, gone):
        favorite_toggle(actor=verified_alumnus, event=item)
    favorite_toggle(actor=outsider, event=other)
    EventFavorite.objects.filter(event=older).update(
        created_at=timezone.now() - dt.timedelta(days=1)
    )
    gone.status = EventStatus.DRAFT  # withdrawn: no longer visible to alumni
    gone.save(update_fields=["status"])
    assert [event.title for event in favorite_events(verified_alumnus)] == ["晚收藏", "早收藏"]
    assert list(favorite_events(AnonymousUser())) == []
    client.force_login(verified_alumnus)
    response = client.get(MINE, {"tab": "favorites"})
    assert response.status_code == 200
    assert [event.title for event in response.context["favorites"]] == ["晚收藏", "早收藏"]
    html = response.content.decode()
    assert f'data-favorite-event="{newer.pk}"' in html
    assert "别人收藏" not in html
    # Other tabs do not read favorites.
    assert client.get(MINE).context["favorites"] == []


def test_favorited_tab_empty_state(client, outsider):
    client.force_login(outsider)
    html = client.get(MINE, {"tab": "favorites"}).content.decode()
    assert "data-my-favorites" not in html
    assert 'class="is-active" data-tab="favorites"' in html


def test_favorited_tab_query_count_is_fixed(
    client, org_tree, verified_alumnus, django_assert_max_num_queries
):
    favorite_toggle(actor=verified_alumnus, event=EventFactory(org=org_tree.college))
    client.force_login(verified_alumnus)
    with django_assert_max_num_queries(40) as few:
        client.get(MINE, {"tab": "favorites"})
    for index in range(10):
        org = org_tree.club if index % 2 else org_tree.regional
        favorite_toggle(actor=verified_alumnus, event=EventFactory(org=org))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(MINE, {"tab": "favorites"})
    assert len(response.context["favorites"]) == 11
