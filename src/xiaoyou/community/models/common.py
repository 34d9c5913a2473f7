from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModerationStatus(models.TextChoices):
    """Where a post stands in moderation; only `published` posts are shown to others."""

    PENDING = "pending", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    HIDDEN = "hidden", _("Hidden")
    DELETED = "deleted", _("Deleted")


# Plain text with line breaks (no rich text): limits keep the pages and the queue readable.
TITLE_MAX_LENGTH = 100
BODY_MAX_LENGTH = 2000
REPLY_MAX_LENGTH = 1000
