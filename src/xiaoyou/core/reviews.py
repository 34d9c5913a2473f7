"""The review queue (待办事项): one mechanism for everything that needs an admin's approval.

A module registers a kind in its AppConfig.ready():

    reviews.register("organizations.join", model=JoinRequest, label=_("Join requests"),
                     on_approve=approve_join, on_reject=reject_join)

then its service calls `review_submit(obj=..., submitter=..., org=...)` when it creates the
object. An admin of `org` (or of an ancestor) decides with `review_decide`; the kind's callback
`on_approve(obj, *, item, actor, reason)` / `on_reject(...)` runs in the same transaction, so a
failing callback leaves the item pending. The submitter is notified ("review.decided").
The console's to-do list and badge read `pending_for` / `pending_count_for`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import audit, notifications, policy
from xiaoyou.core.errors import ApplicationError, register_messages
from xiaoyou.core.models import ReviewItem, ReviewStatus

Callback = Callable[..., None]

register_messages(
    {
        "review_pending": _("This is already waiting for review."),
        "review_decided": _("This item has already been decided."),
        "review_reason_required": _("Please give a reason for the rejection."),
        "review_kind_unknown": _("Unknown review type."),
    }
)


@dataclass(frozen=True)
class ReviewKind:
    kind: str
    model: type[Model]
    label: Any
    on_approve: Callback
    on_reject: Callback
    summary: Callable[[Any], str] | None = None
    order: int = 100
    # (label, value) pairs the to-do page shows for an object of this kind.
    details: Callable[[Any], list[tuple[Any, Any]]] | None = None
    # False when the kind's callbacks send their own, more specific notification.
    notify_submitter: bool = True


_kinds: dict[str, ReviewKind] = {}


def register(
    kind: str,
    *,
    model: type[Model],
    label: Any,
    on_approve: Callback,
    on_reject: Callback,
    summary: Callable[[Any], str] | None = None,
    order: int = 100,
    details: Callable[[Any], list[tuple[Any, Any]]] | None = None,
    notify_submitter: bool = True,
) -> ReviewKind:
    """Declares a review kind; callbacks are called as `callback(obj, *, item, actor, reason)`.

    With `notify_submitter=False` the queue does not send "review.decided": the callbacks
    notify the submitter themselves (with a kind of their own).
    """
    item = ReviewKind(
        kind, model, label, on_approve, on_reject, summary, order, details, notify_submitter
    )
    _kinds[kind] = item
    return item


def kinds() -> list[ReviewKind]:
    return sorted(_kinds.values(), key=lambda item: (item.order, item.kind))


def kind_for(kind: str) -> ReviewKind:
    try:
        return _kinds[kind]
    except KeyError:
        raise ApplicationError("review_kind_unknown") from None


def _kind_of_model(model: type[Model]) -> ReviewKind:
    matches = [item for item in _kinds.values() if item.model is model]
    if len(matches) != 1:
        raise ApplicationError("review_kind_unknown")
    return matches[0]


# --- Writes ---------------------------------------------------------------------------------


@transaction.atomic
def review_submit(
    *, obj: Model, submitter: Any, org: Any, summary: str = "", kind: str | None = None
) -> ReviewItem:
    """Puts `obj` in the queue of `org`; one pending item per object (a second is refused).

    Called by the owning module's service, which has already checked that the submitter may
    submit; the kind is found from the object's model unless given.
    """
    review_kind = kind_for(kind) if kind else _kind_of_model(type(obj))
    if not summary:
        summary = review_kind.summary(obj) if review_kind.summary else str(obj)
    try:
        with transaction.atomic():
            return ReviewItem.objects.create(
                kind=review_kind.kind,
                org=org,
                content_type=ContentType.objects.get_for_model(obj),
                object_id=str(obj.pk),
                summary=summary[:300],
                submitter=submitter if getattr(submitter, "is_authenticated", False) else None,
            )
    except IntegrityError:
        raise ApplicationError("review_pending", status=409) from None


@transaction.atomic
def review_decide(*, item: ReviewItem, actor: Any, approved: bool, reason: str = "") -> ReviewItem:
    """Approves or rejects a pending item: admins of its org or an ancestor only.

    Rejecting needs a reason. The kind's callback runs in this transaction; the decision is
    audited and the submitter notified after commit.
    """
    locked = (
        # of=("self",): PostgreSQL cannot lock the nullable side of the submitter join.
        ReviewItem.objects.select_for_update(of=("self",))
        .select_related("org", "submitter", "content_type")
        .get(pk=item.pk)
    )
    policy.require(actor, "decide", locked)
    if locked.status != ReviewStatus.PENDING:
        raise ApplicationError("review_decided", status=409)
    reason = reason.strip()
    if not approved and not reason:
        raise ApplicationError("review_reason_required")
    review_kind = kind_for(locked.kind)
    target = locked.content_type.get_object_for_this_type(pk=locked.object_id)
    callback = review_kind.on_approve if approved else review_kind.on_reject
    callback(target, item=locked, actor=actor, reason=reason)
    locked.status = ReviewStatus.APPROVED if approved else ReviewStatus.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.reason = reason
    locked.save(update_fields=["status", "decided_by", "decided_at", "reason", "updated_at"])
    audit.record(
        actor=actor,
        action="review.approve" if approved else "review.reject",
        obj=locked,
        org=locked.org,
        changes={"status": [ReviewStatus.PENDING.value, locked.status], "reason": [None, reason]}
        if reason
        else {"status": [ReviewStatus.PENDING.value, locked.status]},
    )
    if locked.submitter is not None and review_kind.notify_submitter:
        notifications.notify(
            user=locked.submitter,
            kind="review.decided",
            context={
                "kind_label": review_kind.label,
                "summary": locked.summary,
                "approved": approved,
                "reason": reason,
                "org_name": locked.org.name,
            },
        )
    item.status = locked.status
    item.decided_by = locked.decided_by
    item.decided_at = locked.decided_at
    item.reason = locked.reason
    return locked


@transaction.atomic
def review_withdraw(*, obj: Model, actor: Any, reason: str = "") -> int:
    """Takes `obj` out of the queue when it no longer needs a decision (its author or a
    manager deleted or hid it elsewhere): its pending item becomes "withdrawn", leaves every
    to-do list and badge, and the withdrawal is audited. No callback runs and nobody is
    notified: the caller has already changed the object. Returns 1 when an item was pending.

    The caller has checked its own permission on the object (the author may withdraw their
    own submission; they cannot decide it).
    """
    item = (
        ReviewItem.objects.select_for_update(of=("self",))
        .select_related("org")
        .filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            status=ReviewStatus.PENDING,
        )
        .first()
    )
    if item is None:
        return 0
    item.status = ReviewStatus.WITHDRAWN
    item.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    item.decided_at = timezone.now()
    item.reason = reason.strip()[:1000]
    item.save(update_fields=["status", "decided_by", "decided_at", "reason", "updated_at"])
    audit.record(
        actor=actor,
        action="review.withdraw",
        obj=item,
        org=item.org,
        changes={"status": [ReviewStatus.PENDING.value, item.status]},
    )
    return 1


@dataclass
class BulkResult:
    decided: list[ReviewItem] = field(default_factory=list)
    failed: list[tuple[ReviewItem, str]] = field(default_factory=list)


def review_decide_bulk(
    *, items: Iterable[ReviewItem], actor: Any, approved: bool, reason: str = ""
) -> BulkResult:
    """Decides several items, each in its own transaction: one failure does not undo the rest.

    Rejecting needs a reason (checked once, before anything is decided).
    """
    if not approved and not reason.strip():
        raise ApplicationError("review_reason_required")
    result = BulkResult()
    for item in items:
        try:
            result.decided.append(
                review_decide(item=item, actor=actor, approved=approved, reason=reason)
            )
        except PermissionDenied:
            result.failed.append((item, str(ApplicationError("permission_denied").text())))
        except ApplicationError as exc:
            result.failed.append((item, exc.text()))
    return result


# --- Reads ----------------------------------------------------------------------------------


def pending_for(user: Any, kind: str | None = None, org: Any = None) -> QuerySet[ReviewItem]:
    """Pending items the user may decide, newest first; optionally of one kind or org subtree."""
    queryset = policy.scoped(
        ReviewItem.objects.filter(status=ReviewStatus.PENDING), user, "decide"
    ).select_related("org", "submitter")
    if kind:
        queryset = queryset.filter(kind=kind)
    if org is not None:
        queryset = queryset.filter(org__path__startswith=org.path)
    return queryset.order_by("-created_at", "-id")


def pending_item(obj: Model) -> ReviewItem | None:
    """The item of `obj` waiting for a decision, if any (at most one per object)."""
    return ReviewItem.objects.filter(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        status=ReviewStatus.PENDING,
    ).first()


def pending_counts_by_kind(user: Any, org: Any = None) -> dict[str, int]:
    """{kind: number pending} for the to-do tabs, in one query."""
    queryset = pending_for(user, org=org).order_by()
    return dict(
        queryset.values_list("kind").annotate(total=Count("id")).values_list("kind", "total")
    )


def pending_count_for(user: Any) -> int:
    """The to-do badge: pending items the user may decide, counted once per request.

    Users who administer nothing get 0 without a query.
    """
    if not getattr(user, "is_authenticated", False):
        return 0
    cached = getattr(user, "_xiaoyou_pending_reviews", None)
    if cached is None:
        cached = pending_for(user).order_by().count()
        user._xiaoyou_pending_reviews = cached
    return cached


def decidable(user: Any) -> QuerySet[ReviewItem]:
    """Every item (any status) the user may see in the to-do pages."""
    return policy.scoped(ReviewItem.objects.all(), user, "decide").select_related(
        "org", "submitter", "decided_by"
    )


def label_for(kind: str) -> Any:
    return _kinds[kind].label if kind in _kinds else kind


def details_for(item: ReviewItem) -> list[tuple[Any, Any]]:
    """What the kind shows about the item's object; nothing when the object is gone."""
    review_kind = _kinds.get(item.kind)
    if review_kind is None or review_kind.details is None:
        return []
    target = item.target
    return review_kind.details(target) if target is not None else []
