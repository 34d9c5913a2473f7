"""Who may do what in the directory.

The school-wide defaults are platform admins' (superusers pass every rule; an admin role in no
organization leaves everybody else out). A card request is answered by its recipient only; a
card (vCard) is downloaded by either party of an accepted exchange. Field visibility is not a
policy rule but the selector `visible_fields` (one function for pages, API and exports).
"""

from __future__ import annotations

from typing import Any

from xiaoyou.core import policy
from xiaoyou.directory.models import CardExchange, CardStatus, DirectorySettings
from xiaoyou.organizations.models import Role


def _is_recipient(user: Any, exchange: CardExchange) -> bool:
    return exchange.recipient_id == user.pk


def _is_party(user: Any, exchange: CardExchange) -> bool:
    return user.pk in (exchange.requester_id, exchange.recipient_id)


def _is_exchanged_party(user: Any, exchange: CardExchange) -> bool:
    return _is_party(user, exchange) and exchange.status == CardStatus.ACCEPTED


def register() -> None:
    policy.register(
        DirectorySettings, "change", role=Role.ADMIN, org_field="", org_of=lambda _obj: None
    )
    policy.register(CardExchange, "view", role=None, org_field="", check=_is_party)
    policy.register(CardExchange, "answer", role=None, org_field="", check=_is_recipient)
    policy.register(CardExchange, "download", role=None, org_field="", check=_is_exchanged_party)
