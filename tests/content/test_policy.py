"""Who may view, upload to, manage albums and delete photos: the personas of tests/conftest.py."""

from __future__ import annotations

import pytest

from tests.content.factories import AlbumFactory, PhotoFactory
from tests.events.factories import EventFactory, RegistrationFactory
from xiaoyou.content import selectors
from xiaoyou.content.models import PhotoStatus, UploadPermission, ViewPermission
from xiaoyou.core import policy
from xiaoyou.events.models import RegistrationStatus

PERSONAS = [
    "platform_admin",
    "college_admin",
    "regional_admin",
    "verified_alumnus",
    "unverified_user",
    "outsider",
]


def _who(request, album, action):
    return {name for name in PERSONAS if policy.can(request.getfixturevalue(name), action, album)}


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (ViewPermission.PUBLIC, set(PERSONAS)),
        (ViewPermission.VERIFIED, {"platform_admin", "college_admin", "verified_alumnus"}),
        (ViewPermission.MEMBERS, {"platform_admin", "college_admin", "verified_alumnus"}),
    ],
)
def test_view_of_a_college_album(request, org_tree, view, expected):
    album = AlbumFactory(org=org_tree.college, view_permission=view)
    assert _who(request, album, "view") == expected


def test_members_album_of_the_club_is_not_for_college_members(request, org_tree):
    album = AlbumFactory(org=org_tree.club, view_permission=ViewPermission.MEMBERS)
    # The college admin manages the club; the college's members are not the club's.
    assert _who(request, album, "view") == {"platform_admin", "college_admin"}


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (UploadPermission.MANAGERS, {"platform_admin", "college_admin"}),
        (UploadPermission.VERIFIED, {"platform_admin", "college_admin", "verified_alumnus"}),
        (
            UploadPermission.VIEWERS,
            {
                "platform_admin",
                "college_admin",
                "verified_alumnus",
                "unverified_user",
                "outsider",
                "regional_admin",
            },
        ),
    ],
)
def test_upload_to_a_public_college_album(request, org_tree, upload, expected):
    album = AlbumFactory(org=org_tree.college, upload_permission=upload)
    assert _who(request, album, "upload") == expected


@pytest.mark.parametrize("action", ["manage", "moderate", "import", "export"])
def test_managing_is_for_the_orgs_admins_and_above(request, org_tree, action):
    album = AlbumFactory(org=org_tree.club)
    assert _who(request, album, action) == {"platform_admin", "college_admin"}


def test_anonymous_sees_public_albums_only(org_tree):
    from django.contrib.auth.models import AnonymousUser

    public = AlbumFactory(org=org_tree.root)
    members = AlbumFactory(org=org_tree.root, view_permission=ViewPermission.MEMBERS)
    anonymous = AnonymousUser()
    assert policy.can(anonymous, "view", public) and not policy.can(anonymous, "view", members)
    assert not policy.can(anonymous, "upload", public)
    assert list(selectors.albums_visible(anonymous)) == [public]


def test_event_registrants_view_and_upload(org_tree, outsider, unverified_user):
    event = EventFactory(org=org_tree.college)
    album = AlbumFactory(
        org=org_tree.college,
        event=event,
        view_permission=ViewPermission.MEMBERS,
        upload_permission=UploadPermission.MANAGERS,
    )
    RegistrationFactory(event=event, user=outsider)
    RegistrationFactory(event=event, user=unverified_user, status=RegistrationStatus.WAITLISTED)
    assert policy.can(outsider, "view", album) and policy.can(outsider, "upload", album)
    assert not policy.can(unverified_user, "view", album)
    assert not policy.can(unverified_user, "upload", album)
    assert [a.pk for a in selectors.albums_visible(outsider)] == [album.pk]
    assert list(selectors.albums_visible(unverified_user)) == []


def test_visible_albums_selector_matches_the_policy(request, org_tree):
    albums = [
        AlbumFactory(org=org, view_permission=view)
        for org in (org_tree.root, org_tree.college, org_tree.club, org_tree.regional)
        for view in ViewPermission.values
    ]
    for name in PERSONAS:
        user = request.getfixturevalue(name)
        expected = {album.pk for album in albums if policy.can(user, "view", album)}
        assert {album.pk for album in selectors.albums_visible(user)} == expected, name


def test_photos_pending_or_hidden_are_for_uploader_and_managers(
    request, org_tree, verified_alumnus
):
    album = AlbumFactory(org=org_tree.college)
    for status in (PhotoStatus.PENDING, PhotoStatus.HIDDEN):
        photo = PhotoFactory(album=album, uploader=verified_alumnus, status=status)
        assert {n for n in PERSONAS if policy.can(request.getfixturevalue(n), "view", photo)} == {
            "platform_admin",
            "college_admin",
            "verified_alumnus",
        }
    published = PhotoFactory(album=album, uploader=verified_alumnus)
    assert {n for n in PERSONAS if policy.can(request.getfixturevalue(n), "delete", published)} == {
        "platform_admin",
        "college_admin",
        "verified_alumnus",
    }


def test_who_may_create_an_album_where(request, org_tree):
    from xiaoyou.content.models import Album

    def creators(org):
        return {
            n for n in PERSONAS if policy.can(request.getfixturevalue(n), "create", Album(org=org))
        }

    assert creators(org_tree.college) == {"platform_admin", "college_admin", "verified_alumnus"}
    assert creators(org_tree.regional) == {"platform_admin", "regional_admin"}
    assert creators(org_tree.club) == {"platform_admin", "college_admin"}


def test_a_pending_album_is_for_its_creator_and_the_admins(request, org_tree, verified_alumnus):
    from xiaoyou.content.models import AlbumStatus

    album = AlbumFactory(
        org=org_tree.college, created_by=verified_alumnus, status=AlbumStatus.PENDING
    )
    assert _who(request, album, "view") == {"platform_admin", "college_admin", "verified_alumnus"}
    assert _who(request, album, "upload") == {"platform_admin", "college_admin", "verified_alumnus"}
    photo = PhotoFactory(album=album)  # someone else's photo in my album
    assert policy.can(verified_alumnus, "delete", photo)
