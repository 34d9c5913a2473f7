"""互助: verified alumni post requests and offers, reply, close them as solved; anyone signed in
reports abuse.

Moderation follows the CommunitySettings of the post's organization (the main association by
default): "pre" keeps a post pending until approved, "post" publishes and queues it, "none"
publishes it. Reports go to the review queue of the post's organization (whose reviews the main
association's admins see too); when a post collects `report_hide_threshold` reports it is hidden
until an admin decides: upholding the report takes the post down, dismissing it restores it.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from xiaoyou.community import selectors
from xiaoyou.community.models import (
    ContactPreference,
    HelpCategory,
    HelpKind,
    HelpPost,
    HelpReply,
    HelpReport,
    ModerationStatus,
    ReportStatus,
)
from xiaoyou.community.models.common import BODY_MAX_LENGTH, REPLY_MAX_LENGTH, TITLE_MAX_LENGTH
from xiaoyou.community.services.common import (
    HELP_TOPIC,
    clean_text,
    moderation_approve,
    moderation_reject,
    rate_limit,
)
from xiaoyou.core import audit, fragment_cache, notifications, policy, reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations.models import ContentReviewMode, Organization
from xiaoyou.organizations.selectors import root_organization

HELP_REVIEW_KIND = "community.help_post"
REPORT_REVIEW_KIND = "community.help_report"
HELP_REPLY_KIND = "community.help_reply"
MODERATION_ACTIONS = ("hide", "show", "delete")


@transaction.atomic
def help_post_create(
    *,
    actor: Any,
    kind: str,
    category: str,
    title: str,
    body: str,
    city: str = "",
    contact_preference: str = ContactPreference.REPLY_ONLY,
    contact: str = "",
    org: Organization | None = None,
) -> HelpPost:
    """Posts a request or an offer; verified alumni only, rate-limited."""
    org = org or root_organization()
    if org is None or not org.is_active:
        raise ApplicationError("community_org_closed")
    post = HelpPost(org=org, author=actor)
    policy.require(actor, "create", post)
    if kind not in HelpKind.values or category not in HelpCategory.values:
        raise ApplicationError("invalid_input")
    if contact_preference not in ContactPreference.values:
        contact_preference = ContactPreference.REPLY_ONLY
    post.kind, post.category = kind, category
    post.title = clean_text(
        title, max_length=TITLE_MAX_LENGTH, required_code="community_title_required"
    ).replace("\n", " ")
    post.body = clean_text(
        body, max_length=BODY_MAX_LENGTH, required_code="community_body_required"
    )
    post.city = clean_text(city, max_length=60, required_code="", required=False)
    post.contact_preference = contact_preference
    if contact_preference == ContactPreference.SHOW_CONTACT:
        post.contact = clean_text(
            contact, max_length=100, required_code="community_contact_required"
        ).replace("\n", " ")
    rate_limit(actor, "help")
    mode = selectors.settings_for(org).help_mode()
    if mode == ContentReviewMode.PRE:
        post.status = ModerationStatus.PENDING
    else:
        post.status = ModerationStatus.PUBLISHED
        post.published_at = timezone.now()
    post.save()
    fragment_cache.invalidate(HELP_TOPIC)
    if mode in (ContentReviewMode.PRE, ContentReviewMode.POST):
        reviews.review_submit(
            obj=post,
            submitter=actor,
            org=org,
            kind=HELP_REVIEW_KIND,
            summary=f"[{post.get_kind_display()}] {post.title}",
        )
    return post


def _lock(post: HelpPost) -> HelpPost:
    return HelpPost.objects.select_for_update().select_related("org").get(pk=post.pk)


@transaction.atomic
def help_reply_post(*, actor: Any, post: HelpPost, body: str) -> HelpReply:
    """Replies to an open post (verified alumni, or the author answering back); the author is
    notified of others' replies."""
    post = _lock(post)
    policy.require(actor, "reply", post)
    text = clean_text(body, max_length=REPLY_MAX_LENGTH, required_code="community_body_required")
    rate_limit(actor, "reply")
    reply = HelpReply.objects.create(post=post, author=actor, body=text)
    HelpPost.objects.filter(pk=post.pk).update(reply_count=F("reply_count") + 1)
    fragment_cache.invalidate(HELP_TOPIC)
    if post.author_id != actor.pk:
        notifications.notify(
            user=post.author,
            kind=HELP_REPLY_KIND,
            context={
                "title": post.title,
                "name": str(actor),
                "reply": text[:200],
                "url": reverse("hall:community_help_detail", args=[post.pk]),
            },
        )
    return reply


@transaction.atomic
def help_post_close(*, actor: Any, post: HelpPost) -> HelpPost:
    """The author closes their post as solved (已解决): it stays readable, replies stop."""
    post = _lock(post)
    if post.is_solved:
        raise ApplicationError("community_already_solved", status=409)
    policy.require(actor, "close", post)
    post.solved_at = timezone.now()
    post.save(update_fields=["solved_at", "updated_at"])
    fragment_cache.invalidate(HELP_TOPIC)
    return post


@transaction.atomic
def help_report_submit(*, actor: Any, post: HelpPost, reason: str) -> HelpReport:
    """Reports a published post once per user; the first pending report enters the review
    queue, and reaching the threshold hides the post until it is decided."""
    post = _lock(post)
    policy.require(actor, "report", post)
    text = clean_text(reason, max_length=300, required_code="community_body_required")
    rate_limit(actor, "report")
    try:
        with transaction.atomic():
            report = HelpReport.objects.create(post=post, reporter=actor, reason=text)
    except IntegrityError:
        raise ApplicationError("community_already_reported", status=409) from None
    post.report_count += 1
    fields = ["report_count", "updated_at"]
    threshold = selectors.settings_for(post.org).report_hide_threshold
    if post.report_count >= threshold and post.status == ModerationStatus.PUBLISHED:
        post.status = ModerationStatus.HIDDEN
        post.is_hidden_by_reports = True
        fields += ["status", "is_hidden_by_reports"]
    post.save(update_fields=fields)
    fragment_cache.invalidate(HELP_TOPIC)
    queued = HelpReport.objects.filter(post=post, status=ReportStatus.PENDING).exclude(pk=report.pk)
    if not _report_in_queue(queued):
        reviews.review_submit(
            obj=report,
            submitter=actor,
            org=post.org,
            kind=REPORT_REVIEW_KIND,
            summary=f"{post.title} — {text[:120]}",
        )
    return report


def _report_in_queue(reports: Any) -> bool:
    from django.contrib.contenttypes.models import ContentType

    from xiaoyou.core.models import ReviewItem, ReviewStatus

    ids = [str(pk) for pk in reports.values_list("pk", flat=True)]
    return (
        bool(ids)
        and ReviewItem.objects.filter(
            kind=REPORT_REVIEW_KIND,
            content_type=ContentType.objects.get_for_model(HelpReport),
            object_id__in=ids,
            status=ReviewStatus.PENDING,
        ).exists()
    )


@transaction.atomic
def help_post_moderate(*, actor: Any, post: HelpPost, action: str) -> HelpPost:
    """Hides, shows again or deletes (soft) a post; admins of its organization, audited."""
    if action not in MODERATION_ACTIONS:
        raise ApplicationError("community_unknown_action")
    post = _lock(post)
    policy.require(actor, "moderate", post)
    before = post.status
    if action == "hide":
        post.status = ModerationStatus.HIDDEN
    elif action == "show":
        post.status = ModerationStatus.PUBLISHED
        post.published_at = post.published_at or timezone.now()
        post.is_hidden_by_reports = False
    else:
        post.status = ModerationStatus.DELETED
    post.save(update_fields=["status", "published_at", "is_hidden_by_reports", "updated_at"])
    fragment_cache.invalidate(HELP_TOPIC)
    audit.record(
        actor=actor,
        action=f"community.help.{action}",
        obj=post,
        org=post.org,
        changes={"status": [before, post.status]},
    )
    return post


@transaction.atomic
def help_reply_set_hidden(*, actor: Any, reply: HelpReply, hidden: bool) -> HelpReply:
    reply = HelpReply.objects.select_related("post__org").get(pk=reply.pk)
    policy.require(actor, "moderate", reply)
    if reply.is_hidden != hidden:
        reply.is_hidden = hidden
        reply.save(update_fields=["is_hidden", "updated_at"])
        fragment_cache.invalidate(HELP_TOPIC)
        audit.record(
            actor=actor,
            action="community.help_reply.hide" if hidden else "community.help_reply.show",
            obj=reply,
            org=reply.post.org,
            changes={"is_hidden": [not hidden, hidden]},
        )
    return reply


# --- Review queue -------------------------------------------------------------------------------


def _approve_post(post: HelpPost, *, item: Any, actor: Any, reason: str) -> None:
    moderation_approve(post, topic=HELP_TOPIC)


def _reject_post(post: HelpPost, *, item: Any, actor: Any, reason: str) -> None:
    moderation_reject(post, topic=HELP_TOPIC)


def _uphold_report(report: HelpReport, *, item: Any, actor: Any, reason: str) -> None:
    """Approving a report agrees with it: the post is taken down."""
    post = _lock(report.post)
    HelpReport.objects.filter(post=post, status=ReportStatus.PENDING).update(
        status=ReportStatus.UPHELD, updated_at=timezone.now()
    )
    if post.status != ModerationStatus.DELETED:
        post.status = ModerationStatus.HIDDEN
        post.is_hidden_by_reports = False
        post.save(update_fields=["status", "is_hidden_by_reports", "updated_at"])
        fragment_cache.invalidate(HELP_TOPIC)


def _dismiss_report(report: HelpReport, *, item: Any, actor: Any, reason: str) -> None:
    """Rejecting a report clears the post: reports dismissed, an automatic hiding undone."""
    post = _lock(report.post)
    HelpReport.objects.filter(post=post, status=ReportStatus.PENDING).update(
        status=ReportStatus.DISMISSED, updated_at=timezone.now()
    )
    post.report_count = 0
    if post.is_hidden_by_reports and post.status == ModerationStatus.HIDDEN:
        post.status = ModerationStatus.PUBLISHED
    post.is_hidden_by_reports = False
    post.save(update_fields=["status", "report_count", "is_hidden_by_reports", "updated_at"])
    fragment_cache.invalidate(HELP_TOPIC)


def _post_details(post: HelpPost) -> list[tuple[Any, Any]]:
    from django.utils.translation import gettext_lazy as _

    return [
        (_("Type"), post.get_kind_display()),
        (_("Category"), post.get_category_display()),
        (_("City"), post.city or "—"),
        (_("Author"), str(post.author)),
        (_("Title"), post.title),
        (_("Details"), post.body),
    ]


def _report_details(report: HelpReport) -> list[tuple[Any, Any]]:
    from django.utils.translation import gettext_lazy as _

    post = report.post
    return [
        (_("Reason"), report.reason),
        (_("Reports"), post.report_count),
        *_post_details(post),
        (_("Status"), post.get_status_display()),
    ]


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from xiaoyou.core.models import Channel

    reviews.register(
        HELP_REVIEW_KIND,
        model=HelpPost,
        label=_("Mutual-help posts"),
        on_approve=_approve_post,
        on_reject=_reject_post,
        details=_post_details,
        order=72,
    )
    reviews.register(
        REPORT_REVIEW_KIND,
        model=HelpReport,
        label=_("Abuse reports (approve to take the post down)"),
        on_approve=_uphold_report,
        on_reject=_dismiss_report,
        details=_report_details,
        order=74,
        # The reporter is not told how their report was decided (nor the author by the queue).
        notify_submitter=False,
    )
    notifications.register_kind(
        HELP_REPLY_KIND,
        _("Replies to my mutual-help posts"),
        default_channels=[Channel.IN_APP],
        order=72,
    )
