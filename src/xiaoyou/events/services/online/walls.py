"""祝福墙 / 照片纪念墙: posts, moderation and their review-queue items."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.core import audit, policy, reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.events import errors
from xiaoyou.events.models import (
    Event,
    WallKind,
    WallPost,
)
from xiaoyou.events.services.online.common import (
    MODERATION_ACTIONS,
    SIGNATURE_MAX_LENGTH,
    WALL_PHOTO_MAX_BYTES,
    WALL_PHOTO_MAX_SIDE,
    WALL_RATES,
    WALL_REVIEW_KIND,
    WALL_TEXT_MAX_LENGTH,
    _rate_limit,
    _require_open_event,
)

# --- Walls ------------------------------------------------------------------------------------


def photo_without_metadata(upload: Any) -> ContentFile[bytes]:
    """The photo re-encoded upright (EXIF orientation applied) with no metadata at all: no GPS
    position, camera or time. Transparent images stay PNG, the rest become JPEG."""
    from PIL import Image, ImageOps

    upload.seek(0)
    with Image.open(upload) as source:
        source.seek(0)  # the first frame of an animation
        image = ImageOps.exif_transpose(source)
        image.thumbnail((WALL_PHOTO_MAX_SIDE, WALL_PHOTO_MAX_SIDE))
        has_alpha = image.mode in ("RGBA", "LA") or (
            image.mode == "P" and "transparency" in image.info
        )
        buffer = io.BytesIO()
        if has_alpha:
            image.convert("RGBA").save(buffer, format="PNG", optimize=True)
            extension = "png"
        else:
            image.convert("RGB").save(buffer, format="JPEG", quality=85, optimize=True)
            extension = "jpg"
    from xiaoyou.core.images import renamed

    return renamed(ContentFile(buffer.getvalue()), extension)  # type: ignore[no-any-return]


@transaction.atomic
def wall_post_create(
    *,
    actor: Any,
    event: Event,
    kind: str,
    signature: str,
    text: str = "",
    image: Any = None,
) -> WallPost:
    """Posts a blessing (text) or a photo (with an optional caption) to the event's wall.

    Signed-in people who may view the event; the post waits for moderation. Rate-limited."""
    from xiaoyou.core.images import image_validate

    policy.require(actor, "take_part", event)
    _require_open_event(event)
    if kind not in WallKind.values:
        raise ApplicationError(errors.WALL_KIND_INVALID)
    signature = " ".join((signature or "").split())
    if not signature:
        raise ApplicationError(errors.WALL_SIGNATURE_REQUIRED)
    if len(signature) > SIGNATURE_MAX_LENGTH:
        raise ApplicationError(errors.WALL_TEXT_TOO_LONG, limit=SIGNATURE_MAX_LENGTH)
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > WALL_TEXT_MAX_LENGTH:
        raise ApplicationError(errors.WALL_TEXT_TOO_LONG, limit=WALL_TEXT_MAX_LENGTH)
    post = WallPost(event=event, author=actor, kind=kind, signature=signature, text=text)
    if kind == WallKind.BLESSING and not text:
        raise ApplicationError(errors.WALL_TEXT_REQUIRED)
    if kind == WallKind.PHOTO and not image:
        raise ApplicationError(errors.WALL_PHOTO_REQUIRED)
    # Counted before the photo is decoded and re-encoded: a flood never reaches Pillow.
    _rate_limit(actor, "wall", WALL_RATES)
    if kind == WallKind.PHOTO:
        try:
            image_validate(image, max_bytes=WALL_PHOTO_MAX_BYTES)
            photo = photo_without_metadata(image)
        except ValidationError as error:
            raise ApplicationError(
                errors.WALL_PHOTO_INVALID, reason=" ".join(error.messages)
            ) from None
        except (OSError, ValueError, SyntaxError):  # decodes for verify(), fails to re-encode
            raise ApplicationError(errors.WALL_PHOTO_INVALID, reason="") from None
        post.image.save(photo.name or "photo.jpg", photo, save=False)
    post.save()
    reviews.review_submit(
        obj=post,
        submitter=actor,
        org=event.org,
        kind=WALL_REVIEW_KIND,
        summary=f"{event.title}: {post.signature} — {post.text[:200] or post.get_kind_display()}",
    )
    return post


@transaction.atomic
def wall_post_moderate(*, actor: Any, event: Event, post_ids: Iterable[int], action: str) -> int:
    """Publishes, rejects or hides posts of `event` (its managers), in bulk; audit-logged.

    Returns how many posts changed. A post published again (after being hidden) comes back as
    new on the live screen. Posts waiting in the review queue are decided there too (publish
    approves, reject and hide reject), so the console's to-do list empties as the wall is
    moderated."""
    status = MODERATION_ACTIONS.get(action)
    if status is None:
        raise ApplicationError(errors.WALL_ACTION_INVALID)
    policy.require(actor, "manage", event)
    ids = sorted({int(value) for value in post_ids})
    posts = WallPost.objects.filter(event=event, pk__in=ids).exclude(status=status)
    changed = sorted(posts.values_list("pk", flat=True))
    if not changed:
        return 0
    from xiaoyou.core.models import ReviewItem, ReviewStatus

    items = ReviewItem.objects.filter(
        kind=WALL_REVIEW_KIND,
        object_id__in=[str(pk) for pk in changed],
        status=ReviewStatus.PENDING,
    )
    approved = action == "publish"
    reason = "" if approved else str(_("Taken off the wall by the organizer."))
    for item in items:
        reviews.review_decide(item=item, actor=actor, approved=approved, reason=reason)
    now = timezone.now()
    fields: dict[str, Any] = {"status": status, "moderated_by": actor, "updated_at": now}
    if status == ModerationStatus.PUBLISHED:
        fields["published_at"] = now
    WallPost.objects.filter(pk__in=changed).update(**fields)
    audit.record(
        actor=actor,
        action=f"events.wall.{action}",
        obj=event,
        changes={"posts": [None, changed]},
    )
    return len(changed)


def _review_approve(post: WallPost, *, item: Any, actor: Any, reason: str) -> None:
    WallPost.objects.filter(pk=post.pk).exclude(status=ModerationStatus.PUBLISHED).update(
        status=ModerationStatus.PUBLISHED,
        moderated_by=actor,
        published_at=timezone.now(),
        updated_at=timezone.now(),
    )


def _review_reject(post: WallPost, *, item: Any, actor: Any, reason: str) -> None:
    now = timezone.now()
    WallPost.objects.filter(pk=post.pk, status=ModerationStatus.PENDING).update(
        status=ModerationStatus.REJECTED, moderated_by=actor, updated_at=now
    )
    WallPost.objects.filter(pk=post.pk, status=ModerationStatus.PUBLISHED).update(
        status=ModerationStatus.HIDDEN, moderated_by=actor, updated_at=now
    )


def _review_details(post: WallPost) -> list[tuple[Any, Any]]:
    return [
        (_("Event"), post.event.title),
        (_("Author"), str(post.author)),
        (_("Signed as"), post.signature),
        (_("Blessing or caption"), post.text or "—"),
        (_("Photo"), post.image.url if post.image else "—"),
    ]


def register_review_kind() -> None:
    reviews.register(
        WALL_REVIEW_KIND,
        model=WallPost,
        label=_("Blessing and photo wall"),
        on_approve=_review_approve,
        on_reject=_review_reject,
        details=_review_details,
        # Blessings come by the thousand at an anniversary: no message per decision.
        notify_submitter=False,
        order=76,
    )
