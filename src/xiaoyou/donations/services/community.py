"""捐赠人与受益人的社交圈: staff name a project's beneficiaries (signed-in people, e.g. its
scholarship students); a beneficiary posts thanks and updates with an optional photo.

A post waits for review: it is an item of the review queue (kind "donations.beneficiary_post",
the console's to-do list) and deciding it there publishes (approve) or rejects it; moderating
it on the project's console page decides the item too, so the two never disagree. Once a post
is published, the project page shows it and the project's signed-in donors are told.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import audit, notifications, policy, ratelimit, reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import ReviewItem, ReviewStatus
from xiaoyou.donations import errors_giving as errors
from xiaoyou.donations.models import (
    BeneficiaryPost,
    DonationProject,
    PostStatus,
    ProjectBeneficiary,
)

REVIEW_KIND = "donations.beneficiary_post"
NAMED_KIND = "donations.beneficiary_named"
POST_MAX_LENGTH = 2000
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_SIDE = 2048
RATES = ((5, 3600), (20, 86_400))
MODERATION_ACTIONS = ("publish", "reject", "hide")


@transaction.atomic
def beneficiary_add(
    *, actor: Any, project: DonationProject, user: Any, note: str = ""
) -> ProjectBeneficiary:
    """Names `user` a beneficiary of `project` (its managers); once per project. The person is
    told in-app, with the link to write to the donors."""
    policy.require(actor, "manage", ProjectBeneficiary, org=project.org)
    if user is None or not getattr(user, "is_active", False):
        raise ApplicationError(errors.BENEFICIARY_UNKNOWN_USER)
    if ProjectBeneficiary.objects.filter(project=project, user=user).exists():
        raise ApplicationError(errors.BENEFICIARY_ALREADY, status=409)
    beneficiary = ProjectBeneficiary.objects.create(
        project=project, user=user, note=(note or "").strip()[:120], added_by=actor
    )
    audit.record(
        actor=actor,
        action="donations.beneficiary.add",
        obj=beneficiary,
        org=project.org,
        changes={"user": [None, user.pk]},
    )
    notifications.notify(
        user=user,
        kind=NAMED_KIND,
        context={
            "project": project.title,
            "url": reverse("hall:donation_post_create", args=[project.pk]),
        },
    )
    return beneficiary


@transaction.atomic
def beneficiary_remove(*, actor: Any, beneficiary: ProjectBeneficiary) -> None:
    """Ends the person's right to post (their published posts stay)."""
    policy.require(actor, "manage", beneficiary)
    audit.record(
        actor=actor,
        action="donations.beneficiary.remove",
        obj=beneficiary,
        org=beneficiary.project.org,
        changes={"user": [beneficiary.user_id, None]},
    )
    beneficiary.delete()


def photo_without_metadata(upload: Any) -> ContentFile[bytes]:
    """The photo re-encoded upright with no metadata (no GPS position, camera or time), at most
    PHOTO_MAX_SIDE pixels a side; transparent images stay PNG, the rest become JPEG."""
    from PIL import Image, ImageOps

    from xiaoyou.core.images import renamed

    upload.seek(0)
    with Image.open(upload) as source:
        source.seek(0)
        image = ImageOps.exif_transpose(source)
        image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
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
    return renamed(ContentFile(buffer.getvalue()), extension)  # type: ignore[no-any-return]


def _rate_limit(actor: Any) -> None:
    rules = [
        ratelimit.Rule(f"donations:post:{actor.pk}", ratelimit.Rate(limit, window))
        for limit, window in RATES
    ]
    if ratelimit.hit_all(rules) is not None:
        raise ApplicationError("rate_limited", status=429)


@transaction.atomic
def post_create(
    *, actor: Any, project: DonationProject, body: str, photo: Any = None
) -> BeneficiaryPost:
    """A beneficiary's thanks or update, pending review.

    Rules: the actor is a beneficiary of the project; 1..POST_MAX_LENGTH characters of plain
    text; an optional photo that is a real JPEG, PNG, WebP or GIF of at most 10 MB, stored
    re-encoded without metadata; a rate limit per person.
    """
    from xiaoyou.core.images import image_validate

    if not policy.can(actor, "post_thanks", project):
        raise ApplicationError(errors.POST_NOT_BENEFICIARY, status=403)
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ApplicationError(errors.POST_TEXT_REQUIRED)
    if len(text) > POST_MAX_LENGTH:
        raise ApplicationError(errors.POST_TEXT_TOO_LONG, limit=POST_MAX_LENGTH)
    _rate_limit(actor)
    post = BeneficiaryPost(project=project, author=actor, body=text)
    if photo:
        try:
            image_validate(photo, max_bytes=PHOTO_MAX_BYTES)
            cleaned = photo_without_metadata(photo)
        except ValidationError as error:
            raise ApplicationError(
                errors.POST_PHOTO_INVALID, reason=" ".join(error.messages)
            ) from None
        except (OSError, ValueError, SyntaxError):
            raise ApplicationError(errors.POST_PHOTO_INVALID, reason="") from None
        post.photo.save(cleaned.name or "photo.jpg", cleaned, save=False)
    post.save()
    reviews.review_submit(
        obj=post,
        submitter=actor,
        org=project.org,
        kind=REVIEW_KIND,
        summary=f"{project.title}: {text[:200]}",
    )
    return post


def _lock(post: BeneficiaryPost) -> BeneficiaryPost:
    return (
        BeneficiaryPost.objects.select_for_update(of=("self",))
        .select_related("project", "project__org", "author")
        .get(pk=post.pk)
    )


def _set_status(post: BeneficiaryPost, status: str, actor: Any) -> None:
    from xiaoyou.donations.tasks import project_update_notify

    if post.status == status:
        return
    first_publication = status == PostStatus.PUBLISHED and post.published_at is None
    post.status = status
    post.moderated_by = actor
    fields = ["status", "moderated_by", "updated_at"]
    if first_publication:
        post.published_at = timezone.now()
        fields.append("published_at")
    post.save(update_fields=fields)
    if first_publication:
        project = post.project
        title = str(_("A beneficiary of “%(project)s” wrote to the donors") % {"project": project})
        url = reverse("hall:donation_project", args=[project.pk]) + "#beneficiary-posts"
        transaction.on_commit(lambda: project_update_notify.delay(project.pk, title, url))


def _pending_review(post: BeneficiaryPost) -> ReviewItem | None:
    return ReviewItem.objects.filter(
        kind=REVIEW_KIND, object_id=str(post.pk), status=ReviewStatus.PENDING
    ).first()


@transaction.atomic
def post_moderate(*, actor: Any, post: BeneficiaryPost, action: str) -> BeneficiaryPost:
    """Publishes, rejects or hides a post (the project's managers), audited; a post waiting in
    the review queue is decided there too (publish approves, reject and hide reject)."""
    if action not in MODERATION_ACTIONS:
        raise ApplicationError(errors.POST_ACTION_UNKNOWN)
    post = _lock(post)
    policy.require(actor, "moderate", post)
    before = post.status
    after = {
        "publish": PostStatus.PUBLISHED,
        "reject": PostStatus.REJECTED,
        "hide": PostStatus.HIDDEN,
    }[action]
    if before == after:
        return post
    item = _pending_review(post)
    if item is not None:
        approved = action == "publish"
        reason = "" if approved else str(_("Declined on the project's page."))
        reviews.review_decide(item=item, actor=actor, approved=approved, reason=reason)
        post = _lock(post)
    _set_status(post, after, actor)
    audit.record(
        actor=actor,
        action=f"donations.beneficiary_post.{action}",
        obj=post,
        org=post.project.org,
        changes={"status": [before, after]},
    )
    return post


def _approve(post: BeneficiaryPost, *, item: Any, actor: Any, reason: str) -> None:
    post = _lock(post)
    if post.status == PostStatus.PENDING:
        _set_status(post, PostStatus.PUBLISHED, actor)


def _reject(post: BeneficiaryPost, *, item: Any, actor: Any, reason: str) -> None:
    post = _lock(post)
    if post.status == PostStatus.PENDING:
        _set_status(post, PostStatus.REJECTED, actor)


def _summary(post: BeneficiaryPost) -> str:
    return f"{post.project.title}: {post.body[:200]}"


def _details(post: BeneficiaryPost) -> list[tuple[Any, Any]]:
    rows: list[tuple[Any, Any]] = [
        (_("Project"), post.project.title),
        (_("Beneficiary"), str(post.author)),
        (_("Text"), post.body),
        (_("Status"), post.get_status_display()),
    ]
    if post.photo:
        rows.append((_("Photo"), post.photo.url))
    return rows


def register() -> None:
    notifications.register_kind(
        NAMED_KIND,
        _("Named a beneficiary of a donation project"),
        default_channels=[notifications.Channel.IN_APP],
        order=44,
    )
    reviews.register(
        REVIEW_KIND,
        model=BeneficiaryPost,
        label=_("Beneficiaries' posts"),
        on_approve=_approve,
        on_reject=_reject,
        summary=_summary,
        details=_details,
        order=82,
    )
