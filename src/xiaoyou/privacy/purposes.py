"""Purposes a person consents to (core.registry style). "account" is required and tied to the
current privacy policy; modules register their optional uses in AppConfig.ready():

    register_purpose(Purpose(key="face_search", label=_("Face search"), description=...))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.registry import Registry

ACCOUNT = "account"


@dataclass(frozen=True)
class Purpose:
    key: str
    label: Any
    description: Any = ""
    # Optional purposes start without consent (PIPL: no pre-ticked boxes).
    is_required: bool = False
    order: int = 100


purposes = Registry()


def register_purpose(purpose: Purpose) -> None:
    purposes.add(purpose)


def optional_purposes() -> list[Purpose]:
    return [purpose for purpose in purposes.all() if not purpose.is_required]


def purpose_label(key: str) -> Any:
    purpose = purposes.items.get(key)
    return purpose.label if purpose is not None else key


def register_defaults() -> None:
    register_purpose(
        Purpose(
            key=ACCOUNT,
            label=_("Account and services (privacy policy)"),
            description=_("Needed to have an account; withdrawn by deleting the account."),
            is_required=True,
            order=0,
        )
    )
    register_purpose(
        Purpose(
            key="face_search",
            label=_("Face search in photo albums"),
            description=_("Find the photos you appear in by comparing faces with your photo."),
            order=10,
        )
    )
    register_purpose(
        Purpose(
            key="directory_listing",
            label=_("Listing in the alumni directory"),
            description=_(
                "Classmates can find you in the directory (your visibility settings apply)."
            ),
            order=20,
        )
    )
    register_purpose(
        Purpose(
            key="marketing_email",
            label=_("News and event emails"),
            description=_("The association may send you newsletters and event invitations."),
            order=30,
        )
    )
