"""校友动态: news items that mention confirmed notable alumni or alumni enterprises."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NewsItem(models.Model):
    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="alumni_news",
    )
    feed_url = models.URLField(_("feed"), max_length=1000)
    url = models.URLField(_("address"), max_length=1000)
    title = models.CharField(_("headline"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    retrieved_at = models.DateTimeField(_("retrieved at"), auto_now_add=True)
    # The same story from two feeds (or under two addresses) has one fingerprint: its headline
    # without spaces and punctuation.
    fingerprint = models.CharField(max_length=64)
    mentions = models.JSONField(_("mentions"), default=list)
    notables = models.ManyToManyField("discovery.NotableAlumnus", blank=True, related_name="news")
    enterprises = models.ManyToManyField("discovery.Enterprise", blank=True, related_name="news")

    class Meta:
        verbose_name = _("news item")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "fingerprint"], name="discovery_news_unique")
        ]

    def __str__(self) -> str:
        return self.title
