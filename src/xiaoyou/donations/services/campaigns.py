"""捐赠日: giving days of an organization (its admins and the admins above manage them), the
projects they gather and their challenges. A giving day only reads gifts: its figures are
computed from the gifts to its projects paid inside its hours (selectors_campaigns)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.donations import errors_giving as errors
from xiaoyou.donations.models import (
    ChallengeKind,
    DonationProject,
    GivingChallenge,
    GivingDay,
    GivingDayStatus,
)

DAY_FIELDS = {"title", "summary", "starts_at", "ends_at", "goal_amount"}


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - DAY_FIELDS
    if unknown:
        raise TypeError(f"unknown giving day fields: {sorted(unknown)}")
    if "title" in fields:
        fields["title"] = " ".join((fields["title"] or "").split())[:120]
        if not fields["title"]:
            raise ApplicationError(errors.DAY_TITLE_REQUIRED)
    if "summary" in fields:
        fields["summary"] = (fields["summary"] or "").strip()[:300]
    goal = fields.get("goal_amount")
    if goal is not None and (isinstance(goal, bool) or not isinstance(goal, int) or goal <= 0):
        raise ApplicationError(errors.DAY_GOAL_INVALID)
    return fields


def _check(day: GivingDay) -> None:
    if not day.starts_at or not day.ends_at or day.ends_at <= day.starts_at:
        raise ApplicationError(errors.DAY_DATES_INVALID)


def _set_projects(day: GivingDay, projects: Iterable[DonationProject]) -> list[int]:
    """Projects of the day's organization and its sub-organizations only."""
    chosen = list(projects)
    path = day.org.path
    if any(not project.org.path.startswith(path) for project in chosen):
        raise ApplicationError(errors.DAY_PROJECT_OUTSIDE)
    day.projects.set(chosen)
    return sorted(project.pk for project in chosen)


@transaction.atomic
def giving_day_create(
    *,
    actor: Any,
    org: Any,
    projects: Iterable[DonationProject] = (),
    **fields: Any,
) -> GivingDay:
    """A draft giving day of `org` gathering `projects` (of `org`'s subtree)."""
    policy.require(actor, "manage", GivingDay, org=org)
    day = GivingDay(org=org, created_by=actor, **_clean(fields))
    _check(day)
    day.save()
    project_ids = _set_projects(day, projects)
    audit.record(
        actor=actor,
        action="donations.giving_day.create",
        obj=day,
        changes={"title": [None, day.title], "projects": [None, project_ids]},
    )
    return day


@transaction.atomic
def giving_day_update(
    *,
    actor: Any,
    day: GivingDay,
    projects: Iterable[DonationProject] | None = None,
    **fields: Any,
) -> GivingDay:
    policy.require(actor, "manage", day)
    fields = _clean(fields)
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        if getattr(day, name) != value:
            changes[name] = [str(getattr(day, name))[:100], str(value)[:100]]
        setattr(day, name, value)
    _check(day)
    day.save()
    if projects is not None:
        before = sorted(day.projects.values_list("pk", flat=True))
        after = _set_projects(day, projects)
        if before != after:
            changes["projects"] = [before, after]
    audit.record(actor=actor, action="donations.giving_day.update", obj=day, changes=changes)
    return day


@transaction.atomic
def giving_day_publish(*, actor: Any, day: GivingDay) -> GivingDay:
    """Shows the day's page in the hall (its figures count from its start whatever the date of
    publication)."""
    policy.require(actor, "manage", day)
    before = day.status
    day.status = GivingDayStatus.PUBLISHED
    day.published_at = day.published_at or timezone.now()
    day.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(
        actor=actor,
        action="donations.giving_day.publish",
        obj=day,
        changes={"status": [before, day.status]},
    )
    return day


@transaction.atomic
def giving_day_close(*, actor: Any, day: GivingDay) -> GivingDay:
    """Ends the campaign early: the page stays with its figures, frozen at the close."""
    policy.require(actor, "manage", day)
    before = day.status
    day.status = GivingDayStatus.CLOSED
    fields = ["status", "updated_at"]
    now = timezone.now()
    if day.ends_at > now:
        day.ends_at = max(now, day.starts_at + timedelta(seconds=1))
        fields.append("ends_at")
    day.save(update_fields=fields)
    audit.record(
        actor=actor,
        action="donations.giving_day.close",
        obj=day,
        changes={"status": [before, day.status]},
    )
    return day


@transaction.atomic
def challenge_add(
    *,
    actor: Any,
    day: GivingDay,
    title: str,
    kind: str,
    threshold: int,
    reward: str = "",
) -> GivingChallenge:
    """A challenge of the day: `threshold` donors, or `threshold` fen raised."""
    policy.require(actor, "manage", day)
    title = " ".join((title or "").split())[:120]
    if (
        not title
        or kind not in ChallengeKind.values
        or isinstance(threshold, bool)
        or not isinstance(threshold, int)
        or threshold <= 0
    ):
        raise ApplicationError(errors.CHALLENGE_INVALID)
    challenge = GivingChallenge.objects.create(
        giving_day=day,
        title=title,
        kind=kind,
        threshold=threshold,
        reward=(reward or "").strip()[:200],
        position=day.challenges.count(),
    )
    audit.record(
        actor=actor,
        action="donations.giving_challenge.add",
        obj=challenge,
        org=day.org,
        changes={"title": [None, title], "kind": [None, kind], "threshold": [None, threshold]},
    )
    return challenge


@transaction.atomic
def challenge_remove(*, actor: Any, challenge: GivingChallenge) -> None:
    day = challenge.giving_day
    policy.require(actor, "manage", day)
    audit.record(
        actor=actor,
        action="donations.giving_challenge.remove",
        obj=challenge,
        org=day.org,
        changes={"title": [challenge.title, None]},
    )
    challenge.delete()
