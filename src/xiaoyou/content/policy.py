"""Who may do what with albums and photos (rules evaluated by core.policy).

- Admins of an album's organization (and of the organizations above it) manage it: edit,
  delete, moderate, import and export, and see every photo; platform operators everything.
- Viewing follows the album's view permission: public (everyone, also signed out), verified
  alumni (a live, verified alumni record), members of the album's organization. The registrants
  of an event album's event (confirmed) always see it.
- Uploading follows the upload permission: managers only, verified alumni (who may view), or
  anyone who may view (signed in). An event album also lets the event's confirmed registrants
  upload, whatever its setting, since it is their event (活动掠影).
- Albums alumni create (verified alumni, in an organization they belong to) wait for the
  organization's approval; until then only their creator and the organization's admins see them.
  The creator of an album uploads to it and may delete any photo in it.
- A published photo is seen by whoever sees its album; a pending or hidden one by its uploader
  and the album's managers. An uploader may delete their own photos.
"""

from __future__ import annotations

from typing import Any

from xiaoyou.core import policy


def _is_authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_manager(user: Any, album: Any) -> bool:
    from xiaoyou.organizations.models import Role
    from xiaoyou.organizations.selectors import has_role

    if not _is_authenticated(user):
        return False
    if user.is_superuser and user.is_active:
        return True
    return has_role(user, album.org, Role.ADMIN)


def is_owner(user: Any, album: Any) -> bool:
    return _is_authenticated(user) and album.created_by_id == user.pk


def is_registrant(user: Any, album: Any) -> bool:
    """A confirmed registrant of the album's event (cached on the user per album)."""
    if album.event_id is None or not _is_authenticated(user):
        return False
    cache = user.__dict__.setdefault("_content_registrant", {})
    if album.event_id not in cache:
        from xiaoyou.events.models import Registration, RegistrationStatus

        cache[album.event_id] = Registration.objects.filter(
            event_id=album.event_id, user_id=user.pk, status=RegistrationStatus.CONFIRMED
        ).exists()
    return bool(cache[album.event_id])


def is_verified_alumnus(user: Any) -> bool:
    from xiaoyou.events.policy import is_verified_alumnus as verified

    if not _is_authenticated(user):
        return False
    cached = user.__dict__.get("_content_verified")
    if cached is None:
        cached = user.__dict__["_content_verified"] = verified(user)
    return bool(cached)


def can_view_album(user: Any, album: Any) -> bool:
    from xiaoyou.content.models import AlbumStatus, ViewPermission
    from xiaoyou.events.policy import is_member

    if album.status != AlbumStatus.PUBLISHED:
        return is_owner(user, album) or is_manager(user, album)
    if album.view_permission == ViewPermission.PUBLIC:
        return True
    if not _is_authenticated(user):
        return False
    if is_manager(user, album) or is_owner(user, album) or is_registrant(user, album):
        return True
    if album.view_permission == ViewPermission.VERIFIED:
        return is_verified_alumnus(user)
    return is_member(user, album.org_id)


def can_upload(user: Any, album: Any) -> bool:
    from xiaoyou.content.models import UploadPermission

    if not _is_authenticated(user):
        return False
    if is_manager(user, album) or is_owner(user, album):
        return True
    if not can_view_album(user, album):
        return False
    if is_registrant(user, album):
        return True
    if album.upload_permission == UploadPermission.MANAGERS:
        return False
    if album.upload_permission == UploadPermission.VERIFIED:
        return is_verified_alumnus(user)
    return True


def _can_view_photo(user: Any, photo: Any) -> bool:
    from xiaoyou.content.models import PhotoStatus

    if photo.status == PhotoStatus.PUBLISHED:
        return can_view_album(user, photo.album)
    if _is_authenticated(user) and photo.uploader_id == user.pk:
        return True
    return is_manager(user, photo.album)


def _can_delete_photo(user: Any, photo: Any) -> bool:
    if _is_authenticated(user) and photo.uploader_id == user.pk:
        return True
    return is_manager(user, photo.album) or is_owner(user, photo.album)


def _can_create_album(user: Any, album: Any) -> bool:
    """Admins of the organization, and verified alumni who belong to it."""
    from xiaoyou.events.policy import is_member

    if is_manager(user, album):
        return True
    return is_verified_alumnus(user) and is_member(user, album.org_id)


def register() -> None:
    from xiaoyou.content.models import Album, Photo
    from xiaoyou.organizations.models import Role

    for action in ("manage", "moderate", "import", "export"):
        policy.register(Album, action, role=Role.ADMIN, org_field="org")
    policy.register(Album, "view", role=None, check=can_view_album, allow_anonymous=True)
    policy.register(Album, "create", role=None, check=_can_create_album)
    policy.register(Album, "upload", role=None, check=can_upload)
    policy.register(Photo, "view", role=None, check=_can_view_photo, allow_anonymous=True)
    policy.register(Photo, "delete", role=None, check=_can_delete_photo)
    policy.register(Photo, "moderate", role=Role.ADMIN, org_field="album__org")
