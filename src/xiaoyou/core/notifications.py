"""Notifications: one `notify(user=..., kind=..., context=...)` for the inbox, email, SMS, WeChat.

Kinds. A module registers each kind it sends in its AppConfig.ready():

    notifications.register_kind("review.decided", _("Review decisions"),
                                default_channels=[Channel.IN_APP, Channel.EMAIL])

and ships one template per channel it supports, `templates/notifications/<kind>/<channel>.txt`,
made of blocks that are rendered one by one in the recipient's language:

    inapp.txt   {% block title %} {% block body %} (and optionally {% block url %})
    email.txt   {% block subject %} {% block text %} {% block html %}
    sms.txt     {% block text %}
    wechat.txt  {% block title %} {% block text %} (plus whatever the sender needs)

Only `html` is HTML-escaped; the other blocks are plain text. A channel is offered for a kind
only when that kind has a template for it.

Preferences. The channels a user gets for a kind are the kind's `default_channels`, changed by
their `NotificationPreference` rows, limited to the channels that can reach them
(`is_available(user)`: an email address, a verified phone, a WeChat binding). Kinds registered
with `is_configurable=False` (security notices) ignore preferences.

Channels. In-app is built in: `notify` writes the `Notification` row in the caller's transaction.
Every other channel is a sender in a registry:

    notifications.register_channel(
        Channel.SMS,                       # name, one of core.models.Channel
        send_sms_notification,             # sender(delivery: Delivery) -> str | None
        label=_("SMS"),
        is_available=lambda user: bool(user.phone and user.phone_verified),
    )

For each such channel `notify` creates a `Delivery` row (status queued) whose `payload` holds
`{"parts": {block name: rendered text}, "context": JSON-safe copy of the context,
"language": ..., "url": ...}` and, once the caller's transaction commits, enqueues the Celery
task `xiaoyou.core.tasks.deliver_notification(delivery_id)`. The task claims the row with a
conditional UPDATE (queued -> sending), so two workers never send it twice, then calls the
sender with the Delivery (`delivery.user`, `delivery.kind`, `delivery.payload`):
- return normally (optionally a provider message id, stored as payload["provider_message_id"])
  when the provider accepted the message: the row becomes sent;
- raise `PermanentDeliveryError` when retrying cannot help (invalid address, template refused):
  the row becomes failed at once;
- raise anything else for a temporary failure: the task retries with exponential backoff up to
  MAX_ATTEMPTS, then the row becomes failed. `error` keeps the last message.
Senders for providers that only send pre-approved templates (Aliyun/Tencent SMS, WeChat
template messages) map `delivery.kind` to their template id and take the parameters from
`payload["context"]`; the rendered parts are the human-readable fallback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import QuerySet
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.template.loader_tags import BlockNode
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import Channel, Delivery, Notification, NotificationPreference

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class PermanentDeliveryError(Exception):
    """A delivery that retrying cannot fix (no address, address refused, template refused)."""


@dataclass(frozen=True)
class NotificationKind:
    kind: str
    label: Any
    default_channels: tuple[str, ...]
    description: Any = ""
    is_configurable: bool = True
    order: int = 100


@dataclass(frozen=True)
class ChannelSender:
    name: str
    label: Any
    send: Callable[[Delivery], str | None]
    is_available: Callable[[Any], bool]


_kinds: dict[str, NotificationKind] = {}
_channels: dict[str, ChannelSender] = {}
_template_exists: dict[tuple[str, str], bool] = {}


def register_kind(
    kind: str,
    label: Any,
    default_channels: Iterable[str],
    *,
    description: Any = "",
    is_configurable: bool = True,
    order: int = 100,
) -> NotificationKind:
    """Declares a kind of notification and the channels it uses unless the user says otherwise."""
    item = NotificationKind(
        kind=kind,
        label=label,
        default_channels=tuple(str(channel) for channel in default_channels),
        description=description,
        is_configurable=is_configurable,
        order=order,
    )
    _kinds[kind] = item
    return item


def register_channel(
    name: str,
    sender: Callable[[Delivery], str | None],
    *,
    label: Any = None,
    is_available: Callable[[Any], bool] | None = None,
) -> ChannelSender:
    """Plugs in a sender for an outside channel (see the module docstring for its contract)."""
    name = str(name)
    if name == Channel.IN_APP:
        raise ValueError("the in-app channel is built in")
    item = ChannelSender(
        name=name,
        label=label if label is not None else Channel(name).label,
        send=sender,
        is_available=is_available or (lambda user: True),
    )
    _channels[name] = item
    return item


def unregister_channel(name: str) -> None:
    _channels.pop(str(name), None)


def kinds() -> list[NotificationKind]:
    return sorted(_kinds.values(), key=lambda item: (item.order, item.kind))


def kind_for(kind: str) -> NotificationKind:
    try:
        return _kinds[kind]
    except KeyError:
        raise LookupError(f"notification kind {kind!r} is not registered") from None


def channel_names() -> list[str]:
    """In-app first, then the registered outside channels in Channel order."""
    order = [choice.value for choice in Channel]
    names = [Channel.IN_APP.value, *_channels]
    return sorted(set(names), key=lambda name: order.index(name) if name in order else len(order))


def channel_label(name: str) -> Any:
    if name in _channels:
        return _channels[name].label
    return Channel(name).label if name in Channel.values else name


def template_name(kind: str, channel: str) -> str:
    return f"notifications/{kind}/{channel}.txt"


def has_template(kind: str, channel: str) -> bool:
    key = (kind, channel)
    if key not in _template_exists or settings.DEBUG:
        try:
            get_template(template_name(kind, channel))
            _template_exists[key] = True
        except TemplateDoesNotExist:
            _template_exists[key] = False
    return _template_exists[key]


def render(kind: str, channel: str, context: Mapping[str, Any]) -> dict[str, str]:
    """Every block of the kind's template for `channel`, rendered in the active language."""
    template = get_template(template_name(kind, channel))
    engine_template = template.template  # type: ignore[attr-defined]
    parts: dict[str, str] = {}
    for node in engine_template.nodelist.get_nodes_by_type(BlockNode):
        # Plain-text parts must not be HTML-escaped ("&" in a title stays "&").
        block_context = Context(dict(context), autoescape=node.name == "html")
        with block_context.bind_template(engine_template):
            parts[node.name] = node.render(block_context).strip()
    return parts


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, models.Model):
        return {"id": value.pk, "text": str(value)}
    return str(value)


def _user_language(user: Any) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def enabled_channels(user: Any, kind: str) -> list[str]:
    """The channels on which `user` gets `kind`: defaults, then preferences, then reachability."""
    item = kind_for(kind)
    if item.is_configurable:
        preferences = dict(
            NotificationPreference.objects.filter(user=user, kind=kind).values_list(
                "channel", "is_enabled"
            )
        )
    else:
        preferences = {}
    result = []
    for name in channel_names():
        if not preferences.get(name, name in item.default_channels):
            continue
        if not has_template(kind, name):
            continue
        if name != Channel.IN_APP and not _channels[name].is_available(user):
            continue
        result.append(name)
    return result


def notify(*, user: Any, kind: str, context: Mapping[str, Any]) -> list[str]:
    """Sends `kind` to `user` on every channel they get it on; returns those channels.

    The in-app row is written now, in the caller's transaction; outside channels get a queued
    Delivery sent by a task after the caller's transaction commits (never if it rolls back).
    An inactive user gets nothing. `context["url"]`, when given, is the link of the message.
    """
    if user is None or not getattr(user, "is_active", False):
        return []
    channels = enabled_channels(user, kind)
    if not channels:
        return []
    language = _user_language(user)
    with translation.override(language):
        safe_context = _json_safe(dict(context))
        url = str(context.get("url", ""))
        for name in channels:
            parts = render(kind, name, {**context, "user": user})
            if name == Channel.IN_APP:
                Notification.objects.create(
                    user=user,
                    kind=kind,
                    title=parts.get("title", "")[:200] or str(kind_for(kind).label),
                    body=parts.get("body", ""),
                    url=(parts.get("url") or url)[:500],
                )
                continue
            delivery = Delivery.objects.create(
                user=user,
                kind=kind,
                channel=name,
                payload={
                    "parts": parts,
                    "context": safe_context,
                    "language": language,
                    "url": url,
                },
            )
            transaction.on_commit(partial(_enqueue, delivery.pk), robust=True)
    return channels


def _enqueue(delivery_id: int) -> None:
    from xiaoyou.core.tasks import deliver_notification

    deliver_notification.delay(delivery_id)


def retry_delay(attempt: int) -> int:
    """Seconds before retry number `attempt` (1-based): 30 s, 1 min, 2 min, 4 min, ..."""
    return int(30 * 2 ** max(0, attempt - 1))


def delivery_send(*, delivery_id: int) -> str:
    """Sends one queued delivery; returns "sent", "failed", "retry" or "skipped".

    Claiming is a conditional UPDATE queued -> sending: a delivery already taken by another
    worker, or already finished, is skipped, so a duplicated task sends nothing twice.
    """
    claimed = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.SENDING, attempts=models.F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("user").get(pk=delivery_id)
    sender = _channels.get(delivery.channel)
    try:
        if sender is None:
            raise PermanentDeliveryError(f"no sender registered for channel {delivery.channel!r}")
        with translation.override(delivery.payload.get("language") or settings.LANGUAGE_CODE):
            provider_id = sender.send(delivery)
    except PermanentDeliveryError as exc:
        _finish(delivery, Delivery.Status.FAILED, error=str(exc) or exc.__class__.__name__)
        return "failed"
    except Exception as exc:
        logger.warning(
            "notification delivery failed",
            extra={"delivery_id": delivery_id, "channel": delivery.channel, "error": str(exc)},
        )
        error = f"{exc.__class__.__name__}: {exc}"
        if delivery.attempts >= MAX_ATTEMPTS:
            _finish(delivery, Delivery.Status.FAILED, error=error)
            return "failed"
        _finish(delivery, Delivery.Status.QUEUED, error=error)
        return "retry"
    if provider_id:
        delivery.payload = {**delivery.payload, "provider_message_id": str(provider_id)}
    delivery.sent_at = timezone.now()
    _finish(delivery, Delivery.Status.SENT, error="")
    return "sent"


def _finish(delivery: Delivery, status: str, *, error: str) -> None:
    delivery.status = status
    delivery.error = error[:2000]
    delivery.save(update_fields=["status", "error", "sent_at", "payload"])


def send_email(delivery: Delivery) -> str | None:
    """The email channel: Django's mail backend (SMTP in production)."""
    address = delivery.user.email
    if not address:
        raise PermanentDeliveryError("the user has no email address")
    parts = delivery.payload.get("parts", {})
    subject = " ".join(str(parts.get("subject", "")).split())  # no newline in a header
    message = EmailMultiAlternatives(
        subject=subject,
        body=parts.get("text", ""),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers={"X-Xiaoyou-Delivery": str(delivery.pk)},
    )
    if parts.get("html"):
        message.attach_alternative(parts["html"], "text/html")
    message.send(fail_silently=False)
    return None


def register_builtin() -> None:
    """Channels and kinds of the kernel itself (called from core's AppConfig.ready)."""
    register_channel(
        Channel.EMAIL,
        send_email,
        label=Channel.EMAIL.label,
        is_available=lambda user: bool(getattr(user, "email", "")),
    )
    register_kind(
        "review.decided",
        _("Review results"),
        default_channels=[Channel.IN_APP, Channel.EMAIL],
        description=_("When something you submitted is approved or rejected"),
        order=10,
    )


# --- Reads ----------------------------------------------------------------------------------


def inbox_for(user: Any) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    """Unread notifications, counted once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    cached = getattr(user, "_xiaoyou_unread_notifications", None)
    if cached is None:
        cached = Notification.objects.filter(user=user, read_at__isnull=True).count()
        user._xiaoyou_unread_notifications = cached
    return cached


@dataclass(frozen=True)
class PreferenceCell:
    channel: str
    label: Any
    is_enabled: bool
    is_available: bool

    @property
    def field_name(self) -> str:
        return self.channel


@dataclass(frozen=True)
class PreferenceRow:
    kind: NotificationKind
    cells: list[PreferenceCell]


def preference_rows(user: Any) -> list[PreferenceRow]:
    """The user's settings: one row per configurable kind, one cell per channel it has."""
    saved = {
        (kind, channel): is_enabled
        for kind, channel, is_enabled in NotificationPreference.objects.filter(
            user=user
        ).values_list("kind", "channel", "is_enabled")
    }
    rows = []
    for item in kinds():
        if not item.is_configurable:
            continue
        cells = []
        for name in channel_names():
            if not has_template(item.kind, name):
                continue
            available = name == Channel.IN_APP or _channels[name].is_available(user)
            enabled = saved.get((item.kind, name), name in item.default_channels)
            cells.append(PreferenceCell(name, channel_label(name), enabled, available))
        if cells:
            rows.append(PreferenceRow(item, cells))
    return rows


# --- Writes ---------------------------------------------------------------------------------


def _require_self(actor: Any, user: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or actor.pk != user.pk:
        raise ApplicationError("permission_denied", status=403)


@transaction.atomic
def notification_preferences_update(
    *, actor: Any, user: Any, choices: Mapping[tuple[str, str], bool]
) -> int:
    """Saves the user's own channel choices `{(kind, channel): enabled}`; returns rows changed.

    Only the user changes their preferences; unknown kinds or channels are refused.
    """
    _require_self(actor, user)
    known_channels = set(channel_names())
    changed = 0
    for (kind, channel), is_enabled in choices.items():
        item = kind_for(kind)
        if channel not in known_channels or not item.is_configurable:
            raise ApplicationError("invalid_input")
        preference, created = NotificationPreference.objects.get_or_create(
            user=user, kind=kind, channel=channel, defaults={"is_enabled": bool(is_enabled)}
        )
        if created:
            changed += 1
        elif preference.is_enabled != bool(is_enabled):
            preference.is_enabled = bool(is_enabled)
            preference.save(update_fields=["is_enabled"])
            changed += 1
    return changed


@transaction.atomic
def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    """Marks one of the actor's own notifications read (idempotent)."""
    _require_self(actor, notification.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: Any) -> int:
    """Marks all the actor's unread notifications read; returns how many."""
    if not getattr(actor, "is_authenticated", False):
        raise ApplicationError("permission_denied", status=403)
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
