"""相册: creating, changing and deleting albums; the album of an event (活动掠影)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from xiaoyou.content.models import (
    Album,
    AlbumStatus,
    Photo,
    PhotoStatus,
    UploadPermission,
    ViewPermission,
)
from xiaoyou.core import audit, policy, reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations.models import Organization

EDITABLE = (
    "title",
    "description",
    "view_permission",
    "upload_permission",
    "requires_moderation",
)
TITLE_MAX_LENGTH = 100
ALBUM_REVIEW_KIND = "content.album"


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "title" in fields:
        title = " ".join(str(fields["title"] or "").split())[:TITLE_MAX_LENGTH]
        if not title:
            raise ApplicationError("content_title_required")
        cleaned["title"] = title
    if "description" in fields:
        cleaned["description"] = str(fields["description"] or "").strip()[:2000]
    if "view_permission" in fields:
        value = fields["view_permission"]
        cleaned["view_permission"] = (
            value if value in ViewPermission.values else ViewPermission.PUBLIC
        )
    if "upload_permission" in fields:
        value = fields["upload_permission"]
        cleaned["upload_permission"] = (
            value if value in UploadPermission.values else UploadPermission.MANAGERS
        )
    if "requires_moderation" in fields:
        cleaned["requires_moderation"] = bool(fields["requires_moderation"])
    return cleaned


@transaction.atomic
def album_create(*, actor: Any, org: Organization, title: str, **fields: Any) -> Album:
    """Creates an album of `org`; admins of `org` (or above) only, audited."""
    policy.require(actor, "manage", Album, org=org)
    values = _clean({"title": title, **{k: v for k, v in fields.items() if k in EDITABLE}})
    album = Album.objects.create(org=org, created_by=actor, **values)
    audit.record(actor=actor, action="content.album.create", obj=album, org=org)
    return album


@transaction.atomic
def album_propose(*, actor: Any, org: Organization, title: str, **fields: Any) -> Album:
    """An album created in the hall: verified alumni in an organization they belong to (and its
    admins). An alumnus's album waits in the organization's review queue and is seen only by
    them (and the admins) until approved; an admin's is published at once (audited)."""
    album = Album(org=org, created_by=actor)
    policy.require(actor, "create", album)
    for key, value in _clean(
        {"title": title, **{k: v for k, v in fields.items() if k in EDITABLE}}
    ).items():
        setattr(album, key, value)
    manages = policy.can(actor, "manage", album)
    album.status = AlbumStatus.PUBLISHED if manages else AlbumStatus.PENDING
    album.save()
    if manages:
        audit.record(actor=actor, action="content.album.create", obj=album, org=org)
    else:
        reviews.review_submit(
            obj=album, submitter=actor, org=org, kind=ALBUM_REVIEW_KIND, summary=album.title
        )
    return album


@transaction.atomic
def album_update(*, actor: Any, album: Album, **fields: Any) -> Album:
    """Changes an album's title, description and permissions; its managers only, audited."""
    album = Album.objects.select_for_update().select_related("org").get(pk=album.pk)
    policy.require(actor, "manage", album)
    values = _clean({key: value for key, value in fields.items() if key in EDITABLE})
    if "cover" in fields:
        cover = fields["cover"]
        if cover is not None and (cover.album_id != album.pk or cover.status != "published"):
            raise ApplicationError("invalid_input")
        values["cover"] = cover
    changes = {}
    for key, value in values.items():
        before = getattr(album, key)
        if before != value:
            changes[key] = [getattr(before, "pk", before), getattr(value, "pk", value)]
            setattr(album, key, value)
    if changes:
        album.save(update_fields=[*values.keys(), "updated_at"])
        audit.record(actor=actor, action="content.album.update", obj=album, changes=changes)
    return album


@transaction.atomic
def album_delete(*, actor: Any, album: Album) -> None:
    """Deletes an album and its photos' files; its managers only, audited. An event's album
    lives as long as its event."""
    album = Album.objects.select_for_update().select_related("org").get(pk=album.pk)
    policy.require(actor, "manage", album)
    if album.event_id is not None:
        raise ApplicationError("content_album_has_event")
    from xiaoyou.content.services.photos import files_delete_on_commit

    photos = list(Photo.objects.filter(album=album).exclude(status=PhotoStatus.DELETED))
    audit.record(
        actor=actor,
        action="content.album.delete",
        obj=album,
        changes={"title": [album.title, None], "photos": [len(photos), 0]},
    )
    files_delete_on_commit(photos)
    album.delete()


def _view_for_event(event: Any) -> str:
    from xiaoyou.events.models import Visibility

    return {
        Visibility.PUBLIC: ViewPermission.PUBLIC,
        Visibility.VERIFIED: ViewPermission.VERIFIED,
    }.get(event.visibility, ViewPermission.MEMBERS)


def event_album(*, event: Any) -> Album:
    """The album of `event` (活动掠影), created on first use; the event's organization owns it.

    Rule: one album per event (a unique constraint; a concurrent creator gets the same album).
    It starts as visible as the event (an invitation-only event's album is for members; its
    registrants always see it), open to uploads by verified alumni and the registrants, without
    moderation: the organization's admins hide what does not belong.
    """
    existing = Album.objects.select_related("org", "event").filter(event=event).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Album.objects.create(
                org=event.org,
                event=event,
                title=event.title[:TITLE_MAX_LENGTH],
                view_permission=_view_for_event(event),
                upload_permission=UploadPermission.VERIFIED,
                requires_moderation=False,
            )
    except IntegrityError:
        return Album.objects.select_related("org", "event").get(event=event)


# --- Review queue -------------------------------------------------------------------------------


def _approve(album: Album, *, item: Any, actor: Any, reason: str) -> None:
    Album.objects.filter(pk=album.pk, status=AlbumStatus.PENDING).update(
        status=AlbumStatus.PUBLISHED
    )


def _reject(album: Album, *, item: Any, actor: Any, reason: str) -> None:
    Album.objects.filter(pk=album.pk, status=AlbumStatus.PENDING).update(
        status=AlbumStatus.REJECTED
    )


def _details(album: Album) -> list[tuple[Any, Any]]:
    from django.utils.translation import gettext_lazy

    return [
        (gettext_lazy("Title"), album.title),
        (gettext_lazy("Description"), album.description),
        (gettext_lazy("Who may view"), album.get_view_permission_display()),
        (gettext_lazy("Who may upload"), album.get_upload_permission_display()),
        (gettext_lazy("Created by"), str(album.created_by) if album.created_by else ""),
    ]


def register() -> None:
    from django.utils.translation import gettext_lazy

    reviews.register(
        ALBUM_REVIEW_KIND,
        model=Album,
        label=gettext_lazy("Albums"),
        on_approve=_approve,
        on_reject=_reject,
        details=_details,
        order=59,
    )
