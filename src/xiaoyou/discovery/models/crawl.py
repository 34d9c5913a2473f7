"""Crawl runs (抓取任务), their per-page log and the response cache."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel


class CrawlStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Completed")
    FAILED = "failed", _("Failed")


class CrawlRun(TimeStampedModel):
    """One run of some sources for an organization; the core Job carries its progress."""

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="crawl_runs",
    )
    sources = models.JSONField(_("sources"), default=list)
    status = models.CharField(
        _("status"), max_length=16, choices=CrawlStatus.choices, default=CrawlStatus.QUEUED
    )
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pages_fetched = models.PositiveIntegerField(_("pages fetched"), default=0)
    candidates_found = models.PositiveIntegerField(_("candidates found"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("crawl run")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"crawl #{self.pk}"


class LogLevel(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    ERROR = "error", _("Error")


class LogKind(models.TextChoices):
    FETCHED = "fetched", _("Page fetched")
    CACHED = "cached", _("Taken from the cache")
    TIMEOUT = "timeout", _("Timed out")
    HTTP_ERROR = "http_error", _("Server error")
    NETWORK = "network", _("Network error")
    ROBOTS = "robots", _("Disallowed by robots.txt")
    LAYOUT = "layout", _("Page layout changed")
    SOURCE = "source", _("Source failed")


class CrawlLogEntry(models.Model):
    """One line of a run's log: a page fetched, or a problem the crawl went past."""

    run = models.ForeignKey(CrawlRun, on_delete=models.CASCADE, related_name="log_entries")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=32)
    level = models.CharField(_("level"), max_length=8, choices=LogLevel.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=LogKind.choices)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("crawl log entry")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.url}"


class CachedResponse(models.Model):
    """The last good answer for a URL; a fresh one is served without asking the site again."""

    url = models.URLField(max_length=1000)
    url_hash = models.CharField(max_length=64, unique=True)
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=120, blank=True)
    body = models.TextField(blank=True)
    body_hash = models.CharField(max_length=64, blank=True)
    fetched_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("cached response")

    def __str__(self) -> str:
        return self.url
