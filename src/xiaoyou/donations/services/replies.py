"""捐赠人与受益人的社交圈: a donor of a project answers a beneficiary's published post.

Only a donor of the project (a signed-in person with a paid gift to it) may reply, to a
published post, within a rate limit. A reply waits in the review queue (kind
"donations.post_reply", the console's to-do list) like the posts; deciding it there, or
moderating it on the project's beneficiaries page, publishes or rejects it, and the two never
disagree. Once a reply is published it shows under the post and the post's author is told.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import audit, notifications, policy, ratelimit, reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.donations import errors_giving as errors
from xiaoyou.donations.models import BeneficiaryPost, PostReply, PostStatus

REVIEW_KIND = "donations.post_reply"
REPLIED_KIND = "donations.post_reply"
REPLY_MAX_LENGTH = 500
RATES = ((5, 600), (30, 86_400))
MODERATION_ACTIONS = ("publish", "reject", "hide")


def _rate_limit(actor: Any) -> None:
    rules = [
        ratelimit.Rule(f"donations:reply:{actor.pk}", ratelimit.Rate(limit, window))
        for limit, window in RATES
    ]
    if ratelimit.hit_all(rules) is not None:
        raise ApplicationError("rate_limited", status=429)


@transaction.atomic
def reply_create(*, actor: Any, post: BeneficiaryPost, body: str) -> PostReply:
    """A donor's reply to a published post, pending review.

    Rules: the post is published and the actor gave to its project (a paid gift); 1..500
    characters of plain text; a rate limit per person (5 in 10 minutes, 30 a day).
    """
    if not policy.can(actor, "reply", post):
        raise ApplicationError(errors.REPLY_NOT_DONOR, status=403)
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ApplicationError(errors.POST_TEXT_REQUIRED)
    if len(text) > REPLY_MAX_LENGTH:
        raise ApplicationError(errors.POST_TEXT_TOO_LONG, limit=REPLY_MAX_LENGTH)
    _rate_limit(actor)
    reply = PostReply.objects.create(post=post, author=actor, body=text)
    reviews.review_submit(
        obj=reply,
        submitter=actor,
        org=post.project.org,
        kind=REVIEW_KIND,
        summary=f"{post.project.title}: {text[:200]}",
    )
    return reply


def _lock(reply: PostReply) -> PostReply:
    return (
        PostReply.objects.select_for_update(of=("self",))
        .select_related("post", "post__project", "post__project__org", "post__author", "author")
        .get(pk=reply.pk)
    )


def _set_status(reply: PostReply, status: str, actor: Any) -> None:
    if reply.status == status:
        return
    first_publication = status == PostStatus.PUBLISHED and reply.published_at is None
    reply.status = status
    reply.moderated_by = actor
    fields = ["status", "moderated_by", "updated_at"]
    if first_publication:
        reply.published_at = timezone.now()
        fields.append("published_at")
    reply.save(update_fields=fields)
    if first_publication:
        post = reply.post
        notifications.notify(
            user=post.author,
            kind=REPLIED_KIND,
            context={
                "project": post.project.title,
                "url": reverse("hall:donation_project", args=[post.project_id])
                + f"#post-{post.pk}",
            },
        )


@transaction.atomic
def reply_moderate(*, actor: Any, reply: PostReply, action: str) -> PostReply:
    """Publishes, rejects or hides a reply (the project's managers), audited; a reply waiting
    in the review queue is decided there too (publish approves, reject and hide reject)."""
    if action not in MODERATION_ACTIONS:
        raise ApplicationError(errors.POST_ACTION_UNKNOWN)
    reply = _lock(reply)
    policy.require(actor, "moderate", reply)
    before = reply.status
    after = {
        "publish": PostStatus.PUBLISHED,
        "reject": PostStatus.REJECTED,
        "hide": PostStatus.HIDDEN,
    }[action]
    if before == after:
        return reply
    item = reviews.pending_item(reply)
    if item is not None:
        approved = action == "publish"
        reason = "" if approved else str(_("Declined on the project's page."))
        reviews.review_decide(item=item, actor=actor, approved=approved, reason=reason)
        reply = _lock(reply)
    _set_status(reply, after, actor)
    audit.record(
        actor=actor,
        action=f"donations.post_reply.{action}",
        obj=reply,
        org=reply.post.project.org,
        changes={"status": [before, after]},
    )
    return reply


def _approve(reply: PostReply, *, item: Any, actor: Any, reason: str) -> None:
    reply = _lock(reply)
    if reply.status == PostStatus.PENDING:
        _set_status(reply, PostStatus.PUBLISHED, actor)


def _reject(reply: PostReply, *, item: Any, actor: Any, reason: str) -> None:
    reply = _lock(reply)
    if reply.status == PostStatus.PENDING:
        _set_status(reply, PostStatus.REJECTED, actor)


def _summary(reply: PostReply) -> str:
    return f"{reply.post.project.title}: {reply.body[:200]}"


def _details(reply: PostReply) -> list[tuple[Any, Any]]:
    return [
        (_("Project"), reply.post.project.title),
        (_("Beneficiary post"), reply.post.body[:300]),
        (_("Donor"), str(reply.author)),
        (_("Reply"), reply.body),
        (_("Status"), reply.get_status_display()),
    ]


def register() -> None:
    notifications.register_kind(
        REPLIED_KIND,
        _("A donor replied to my post"),
        default_channels=[notifications.Channel.IN_APP],
        order=45,
    )
    reviews.register(
        REVIEW_KIND,
        model=PostReply,
        label=_("Donors' replies to beneficiaries"),
        on_approve=_approve,
        on_reject=_reject,
        summary=_summary,
        details=_details,
        order=83,
    )
