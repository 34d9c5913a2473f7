"""发起投票 and 管理: create and edit polls with their options; publish, pause, resume, close,
show or hide and delete them. Admins of the poll's organization (and above) only; every write
is audited. Status changes are conditional UPDATEs, so a vote arriving while staff pause a poll
either counts before the pause or is refused after it, never half of each.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from xiaoyou.core import audit, fragment_cache, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.images import image_validate, renamed
from xiaoyou.core.richtext import sanitize
from xiaoyou.polls import errors
from xiaoyou.polls.models import CanvassLink, ChoiceKind, Poll, PollOption, PollStatus

IMAGE_MAX_BYTES = 5 * 1024 * 1024
# core.fragment_cache topic of the hall's poll lists (the home section caches on it).
LIST_TOPIC = "polls.list"
MAX_OPTIONS = 50
POLL_FIELDS = {
    "title", "description", "cover", "kind", "min_choices", "max_choices", "starts_at",
    "ends_at", "audience", "results_visibility", "comments",
}  # fmt: skip
OPTION_FIELDS = {"id", "label", "description", "image"}
# Allowed status changes: (action, statuses it starts from, status it leads to).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "publish": ((PollStatus.DRAFT,), PollStatus.PUBLISHED),
    "pause": ((PollStatus.PUBLISHED,), PollStatus.PAUSED),
    "resume": ((PollStatus.PAUSED,), PollStatus.PUBLISHED),
    "close": ((PollStatus.PUBLISHED, PollStatus.PAUSED), PollStatus.CLOSED),
}


def _image(file: Any) -> Any:
    try:
        extension = image_validate(file, max_bytes=IMAGE_MAX_BYTES)
    except ValidationError as error:
        raise ApplicationError(errors.IMAGE_INVALID, reason=" ".join(error.messages)) from None
    return renamed(file, extension)


def _apply(poll: Poll, fields: dict[str, Any]) -> dict[str, list[Any]]:
    unknown = set(fields) - POLL_FIELDS
    if unknown:
        raise ApplicationError("invalid_input", f"unknown fields: {sorted(unknown)}")
    changes: dict[str, list[Any]] = {}
    for name, value in fields.items():
        if name == "description":
            value = sanitize(value or "")
        elif name == "title":
            value = (value or "").strip()
        elif name == "cover":
            if not value:
                continue
            value = _image(value)
        before = getattr(poll, name)
        if before != value:
            setattr(poll, name, value)
            changes[name] = (
                ["…", "…"] if name in ("description", "cover") else [str(before), str(value)]
            )
    if not poll.title:
        raise ApplicationError(errors.TITLE_REQUIRED)
    if poll.starts_at and poll.ends_at and poll.ends_at <= poll.starts_at:
        raise ApplicationError(errors.DATES_INVALID)
    if poll.kind == ChoiceKind.SINGLE:
        poll.min_choices = poll.max_choices = 1
    return changes


def _check_limits(poll: Poll, option_count: int) -> None:
    if option_count < 2:
        raise ApplicationError(errors.OPTIONS_REQUIRED)
    if not 1 <= poll.min_choices <= poll.max_choices <= option_count:
        raise ApplicationError(errors.LIMITS_INVALID)


def _new_token() -> str:
    return secrets.token_urlsafe(6)  # 8 characters: short enough to type from a poster


def link_create(*, poll: Poll, option: PollOption, sharer: Any = None) -> CanvassLink:
    """A canvassing link with a fresh token (retried on the rare collision)."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return CanvassLink.objects.create(
                    poll=poll, option=option, sharer=sharer, token=_new_token()
                )
        except IntegrityError:
            existing = CanvassLink.objects.filter(option=option, sharer=sharer).first()
            if existing is not None:
                return existing
    raise ApplicationError("conflict", status=409)


def _save_options(poll: Poll, options: Sequence[dict[str, Any]]) -> list[str]:
    """Adds, changes and removes options (in the given order); returns what changed."""
    existing = {option.pk: option for option in poll.options.all()} if poll.pk else {}
    kept: set[int] = set()
    notes: list[str] = []
    if len(options) > MAX_OPTIONS:
        raise ApplicationError(errors.OPTIONS_REQUIRED)
    for data in options:
        unknown = set(data) - OPTION_FIELDS
        if unknown:
            raise ApplicationError("invalid_input", f"unknown option fields: {sorted(unknown)}")
        label = (data.get("label") or "").strip()[:120]
        if not label:
            continue
        option = existing.get(data.get("id") or 0) or PollOption(poll=poll)
        option.label = label
        option.description = (data.get("description") or "").strip()[:300]
        option.position = len(kept)
        if data.get("image"):
            option.image = _image(data["image"])
        is_new = option.pk is None
        option.save()
        if is_new:
            link_create(poll=poll, option=option)
            notes.append(f"+{label}")
        kept.add(option.pk)
    for pk, option in existing.items():
        if pk in kept:
            continue
        if PollOption.objects.filter(pk=pk, vote_count__gt=0).exists():
            raise ApplicationError(errors.OPTION_HAS_VOTES, status=409)
        notes.append(f"-{option.label}")
        option.delete()
    _check_limits(poll, len(kept))
    return notes


@transaction.atomic
def poll_create(*, actor: Any, org: Any, options: Sequence[dict[str, Any]], **fields: Any) -> Poll:
    """A draft poll of `org` with its options (at least two), each with its canvassing link.

    Rules: admins of `org` or above; title required; voting closes after it opens; single
    choice means exactly one option, multiple choice 1 <= min <= max <= options."""
    policy.require(actor, "manage", Poll, org=org)
    poll = Poll(org=org, created_by=actor)
    _apply(poll, fields)
    poll.full_clean(exclude=["cover"])
    poll.save()
    notes = _save_options(poll, options)
    audit.record(
        actor=actor,
        action="polls.poll.create",
        obj=poll,
        changes={"title": [None, poll.title], "options": [None, ", ".join(notes)]},
    )
    return poll


@transaction.atomic
def poll_update(
    *,
    actor: Any,
    poll: Poll,
    options: Sequence[dict[str, Any]] | None = None,
    **fields: Any,
) -> Poll:
    """Edits a poll's basic information (and its options: one with votes is never removed)."""
    policy.require(actor, "manage", poll)
    Poll.objects.select_for_update().filter(pk=poll.pk).first()
    changes = _apply(poll, fields)
    if options is not None:
        notes = _save_options(poll, options)
        if notes:
            changes["options"] = ["", ", ".join(notes)]
    else:
        _check_limits(poll, poll.options.count())
    if changes:
        poll.full_clean(exclude=["cover"])
        saved = sorted((set(fields) & POLL_FIELDS) | {"updated_at", "min_choices", "max_choices"})
        poll.save(update_fields=saved)
        audit.record(actor=actor, action="polls.poll.update", obj=poll, changes=changes)
        fragment_cache.invalidate(LIST_TOPIC)
    return poll


@transaction.atomic
def poll_transition(*, actor: Any, poll: Poll, action: str) -> Poll:
    """发布 / 暂停 / 恢复 / 结束: publish a draft, pause or resume voting, close the poll."""
    policy.require(actor, "manage", poll)
    if action not in TRANSITIONS:
        raise ApplicationError("invalid_input")
    sources, target = TRANSITIONS[action]
    now = timezone.now()
    values: dict[str, Any] = {"status": target, "updated_at": now}
    if action == "publish":
        values["published_at"] = now
    if action == "close":
        values["closed_at"] = now
    before = poll.status
    updated = Poll.objects.filter(pk=poll.pk, status__in=sources, deleted_at__isnull=True).update(
        **values
    )
    poll.refresh_from_db()
    if not updated:
        raise ApplicationError(
            errors.STATUS_CHANGE_INVALID,
            status=409,
            before=PollStatus(poll.status).label,
            after=PollStatus(target).label,
        )
    audit.record(
        actor=actor, action=f"polls.poll.{action}", obj=poll, changes={"status": [before, target]}
    )
    fragment_cache.invalidate(LIST_TOPIC)
    return poll


def poll_publish(*, actor: Any, poll: Poll) -> Poll:
    return poll_transition(actor=actor, poll=poll, action="publish")


def poll_pause(*, actor: Any, poll: Poll) -> Poll:
    return poll_transition(actor=actor, poll=poll, action="pause")


def poll_resume(*, actor: Any, poll: Poll) -> Poll:
    return poll_transition(actor=actor, poll=poll, action="resume")


def poll_close(*, actor: Any, poll: Poll) -> Poll:
    return poll_transition(actor=actor, poll=poll, action="close")


@transaction.atomic
def poll_set_visible(*, actor: Any, poll: Poll, is_visible: bool) -> Poll:
    """显示 / 隐藏: a hidden poll disappears from the hall (its managers still see it)."""
    policy.require(actor, "manage", poll)
    if poll.is_visible != is_visible:
        Poll.objects.filter(pk=poll.pk).update(is_visible=is_visible, updated_at=timezone.now())
        audit.record(
            actor=actor,
            action="polls.poll.show" if is_visible else "polls.poll.hide",
            obj=poll,
            changes={"is_visible": [poll.is_visible, is_visible]},
        )
        fragment_cache.invalidate(LIST_TOPIC)
        poll.is_visible = is_visible
    return poll


@transaction.atomic
def poll_delete(*, actor: Any, poll: Poll) -> Poll:
    """删除: the poll leaves the hall and the console's list; its votes stay as the record."""
    policy.require(actor, "manage", poll)
    if poll.deleted_at is None:
        now = timezone.now()
        Poll.objects.filter(pk=poll.pk).update(deleted_at=now, updated_at=now)
        poll.deleted_at = now
        audit.record(
            actor=actor, action="polls.poll.delete", obj=poll, changes={"deleted": [None, True]}
        )
        fragment_cache.invalidate(LIST_TOPIC)
    return poll
