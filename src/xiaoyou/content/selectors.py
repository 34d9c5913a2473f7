"""Reads of albums and photos, scoped by policy once here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from xiaoyou.content import policy as content_policy
from xiaoyou.content.models import Album, AlbumStatus, Photo, PhotoStatus, ViewPermission
from xiaoyou.core import policy

LIVE = ~Q(status=PhotoStatus.DELETED)


def _counted(queryset: QuerySet[Album]) -> QuerySet[Album]:
    return queryset.annotate(
        photo_count=Count("photos", filter=Q(photos__status=PhotoStatus.PUBLISHED)),
        pending_count=Count("photos", filter=Q(photos__status=PhotoStatus.PENDING)),
    )


def albums_console(user: Any) -> QuerySet[Album]:
    """Albums of the organizations `user` administers (and below), with photo counts."""
    queryset = policy.scoped(Album.objects.all(), user, "manage")
    return _counted(queryset.select_related("org", "event", "cover"))


def album_console(user: Any, pk: int) -> Album | None:
    return albums_console(user).filter(pk=pk).first()


def albums_visible(user: Any) -> QuerySet[Album]:
    """Published albums `user` may view in the hall (the rule of policy.can_view_album, as one
    query), and the user's own albums whatever their status."""
    from xiaoyou.events.models import Registration, RegistrationStatus
    from xiaoyou.events.policy import is_verified_alumnus

    queryset = Album.objects.select_related("org", "cover", "event")
    if getattr(user, "is_authenticated", False) and user.is_superuser and user.is_active:
        return _counted(queryset.filter(Q(status=AlbumStatus.PUBLISHED) | Q(created_by=user)))
    query = Q(view_permission=ViewPermission.PUBLIC)
    if getattr(user, "is_authenticated", False):
        from xiaoyou.directory.selectors import organization_ids_of
        from xiaoyou.organizations.models import Role
        from xiaoyou.organizations.selectors import org_filter

        managed = org_filter(user, Role.ADMIN, field="org")
        if managed is not None:
            query |= managed
        if is_verified_alumnus(user):
            query |= Q(view_permission=ViewPermission.VERIFIED)
        query |= Q(view_permission=ViewPermission.MEMBERS, org_id__in=organization_ids_of(user.pk))
        query |= Q(
            event_id__in=Registration.objects.filter(
                user_id=user.pk, status=RegistrationStatus.CONFIRMED
            ).values("event_id")
        )
    published = Q(query, status=AlbumStatus.PUBLISHED)
    if getattr(user, "is_authenticated", False):
        published |= Q(created_by_id=user.pk)
    return _counted(queryset.filter(published, org__is_active=True))


def albums_created_by(user: Any) -> QuerySet[Album]:
    """我的相册: the albums the user created, with their review status."""
    return _counted(
        Album.objects.filter(created_by_id=user.pk).select_related("org", "cover", "event")
    ).order_by("-created_at", "-id")


def album_creatable_orgs(user: Any) -> list[Any]:
    """Organizations where `user` may create an album (policy "create"), by tree order."""
    from xiaoyou.directory.selectors import organization_ids_of
    from xiaoyou.organizations.models import Organization
    from xiaoyou.organizations.selectors import administered_organizations

    if not getattr(user, "is_authenticated", False):
        return []
    candidates = Organization.objects.filter(
        Q(pk__in=organization_ids_of(user.pk))
        | Q(pk__in=administered_organizations(user).values("pk")),
        is_active=True,
        archived_at__isnull=True,
    ).order_by("path")[:200]
    return [org for org in candidates if policy.can(user, "create", Album(org=org))]


def album_visible(user: Any, pk: int) -> Album | None:
    album = Album.objects.select_related("org", "event", "cover").filter(pk=pk).first()
    if album is None or not policy.can(user, "view", album):
        return None
    return album


def event_album_of(event: Any) -> Album | None:
    """The album of an event, if it has one (event_album() in services creates it)."""
    return Album.objects.select_related("org", "event", "cover").filter(event=event).first()


def album_photos_hall(user: Any, album: Album) -> QuerySet[Photo]:
    """Published photos, and the viewer's own pending ones (they see what they uploaded)."""
    query = Q(status=PhotoStatus.PUBLISHED)
    if getattr(user, "is_authenticated", False):
        query |= Q(uploader_id=user.pk, status=PhotoStatus.PENDING)
    return (
        Photo.objects.filter(query, album=album)
        .select_related("uploader")
        .order_by("-created_at", "-id")
    )


def event_photos_preview(event: Any, *, limit: int = 6) -> tuple[Album | None, list[Photo]]:
    album = event_album_of(event)
    if album is None:
        return None, []
    photos = list(
        Photo.objects.filter(album=album, status=PhotoStatus.PUBLISHED).order_by(
            "-created_at", "-id"
        )[:limit]
    )
    return album, photos


def album_photos_console(
    album: Album,
    *,
    status: str = "",
    uploader: str = "",
    caption: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Photo]:
    """Photos of an album for its managers: search by uploader (name or phone), caption and
    upload date (Asia/Shanghai days)."""
    queryset = Photo.objects.filter(LIVE, album=album).select_related("uploader")
    if status in (PhotoStatus.PENDING, PhotoStatus.PUBLISHED, PhotoStatus.HIDDEN):
        queryset = queryset.filter(status=status)
    if uploader:
        queryset = queryset.filter(
            Q(uploader__display_name__icontains=uploader) | Q(uploader__phone__contains=uploader)
        )
    if caption:
        queryset = queryset.filter(caption__icontains=caption)
    if date_from:
        queryset = queryset.filter(created_at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(created_at__date__lte=date_to)
    return queryset.order_by("-created_at", "-id")


def photos_of(album: Album, ids: list[int]) -> list[Photo]:
    return list(Photo.objects.filter(LIVE, album=album, pk__in=ids).select_related("album__org"))


def photo_for(user: Any, pk: int) -> Photo | None:
    """A live photo `user` may see (published in a visible album, their own, or managed)."""
    photo = Photo.objects.filter(LIVE, pk=pk).select_related("album__org", "album__event").first()
    if photo is None or not policy.can(user, "view", photo):
        return None
    return photo


def may_upload(user: Any, album: Album) -> bool:
    return content_policy.can_upload(user, album)
