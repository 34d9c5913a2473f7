"""投票: polls of an organization, their options, votes (one per person), canvassing links
(拉票) and comments.

Counters (`Poll.vote_count`, `PollOption.vote_count`, `CanvassLink.vote_count`) move only by
conditional UPDATEs with F() in services/voting.py, inside the transaction that inserts the
Vote, so concurrent votes never lose a count and the totals always equal the Vote rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.core.models import TimeStampedModel


class PollStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class ChoiceKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")


class Audience(models.TextChoices):
    """Who may vote (谁可投票)."""

    SIGNED_IN = "signed_in", _("Anyone signed in")
    VERIFIED = "verified", _("Verified alumni")
    MEMBERS = "members", _("Members of the organization")


class ResultsVisibility(models.TextChoices):
    ALWAYS = "always", _("Always")
    AFTER_VOTE = "after_vote", _("After voting")
    AFTER_CLOSE = "after_close", _("After the poll closes")
    STAFF = "staff", _("Staff only")


class CommentMode(models.TextChoices):
    OPEN = "open", _("Comments appear at once")
    MODERATED = "moderated", _("Comments appear after review")
    CLOSED = "closed", _("No comments")


class Poll(TimeStampedModel):
    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organizer"),
        on_delete=models.PROTECT,
        related_name="polls",
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)  # sanitized HTML
    cover = models.ImageField(_("cover"), upload_to="polls/covers/", blank=True)
    kind = models.CharField(
        _("type"), max_length=16, choices=ChoiceKind.choices, default=ChoiceKind.SINGLE
    )
    min_choices = models.PositiveSmallIntegerField(_("fewest choices"), default=1)
    max_choices = models.PositiveSmallIntegerField(_("most choices"), default=1)
    starts_at = models.DateTimeField(_("voting opens"))
    ends_at = models.DateTimeField(_("voting closes"))
    audience = models.CharField(
        _("who may vote"), max_length=16, choices=Audience.choices, default=Audience.SIGNED_IN
    )
    results_visibility = models.CharField(
        _("results shown"),
        max_length=16,
        choices=ResultsVisibility.choices,
        default=ResultsVisibility.ALWAYS,
    )
    comments = models.CharField(
        _("comments"), max_length=16, choices=CommentMode.choices, default=CommentMode.OPEN
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PollStatus.choices,
        default=PollStatus.DRAFT,
        db_index=True,
    )
    # Shown in the hall (显示/隐藏); a hidden poll is seen by its managers only.
    is_visible = models.BooleanField(_("shown in the hall"), default=True)
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "ends_at"], name="polls_poll_listing")]

    def __str__(self) -> str:
        return self.title


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    image = models.ImageField(_("image"), upload_to="polls/options/", blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    vote_count = models.PositiveIntegerField(_("votes"), default=0)

    class Meta:
        verbose_name = _("poll option")
        verbose_name_plural = _("poll options")
        ordering = ["poll", "position", "id"]

    def __str__(self) -> str:
        return self.label


class CanvassLink(models.Model):
    """拉票链接: a short link to one option, the organizer's own (sharer empty) or one voter's."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="canvass_links")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="canvass_links")
    sharer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.CharField(max_length=16, unique=True)
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("canvassing link")
        verbose_name_plural = _("canvassing links")
        ordering = ["option__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["option", "sharer"], name="polls_link_once_per_sharer"),
            models.UniqueConstraint(
                fields=["option"],
                condition=models.Q(sharer__isnull=True),
                name="polls_link_one_official",
            ),
        ]

    def __str__(self) -> str:
        return self.token


class Vote(models.Model):
    """One person's ballot on a poll, kept as the audit trail of the vote (投票记录)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    options = models.ManyToManyField(PollOption, through="VoteChoice", related_name="+")
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    canvass_link = models.ForeignKey(
        CanvassLink,
        verbose_name=_("canvassing link"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="votes",
    )
    # Keyed hashes (never the clear values): enough to spot many accounts behind one address
    # or one browser, nothing to identify anyone outside this database.
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True)
    device_hash = models.CharField(max_length=64, blank=True, db_index=True)
    user_agent_hash = models.CharField(max_length=64, blank=True)
    # The voter as they were when voting (statistics by voter attributes).
    is_verified = models.BooleanField(_("verified alumnus"), default=False)
    class_year = models.PositiveSmallIntegerField(_("class year"), null=True, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    # Duplicate-vote detection (刷票): set when the same address or browser voted from several
    # accounts within a short time; staff review these.
    is_flagged = models.BooleanField(_("suspicious"), default=False, db_index=True)
    flag_reason = models.CharField(_("why suspicious"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="polls_vote_once")]

    def __str__(self) -> str:
        return f"{self.poll_id}:{self.user_id}"


class VoteChoice(models.Model):
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="choices")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vote", "option"], name="polls_choice_once")]

    def __str__(self) -> str:
        return f"{self.vote_id}:{self.option_id}"


class PollComment(TimeStampedModel):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="comment_set")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("comment"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PUBLISHED,
        db_index=True,
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("poll comment")
        verbose_name_plural = _("poll comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["poll", "status", "created_at"], name="polls_comment_listing")
        ]

    def __str__(self) -> str:
        return self.body[:30]
