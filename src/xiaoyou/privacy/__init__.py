"""Personal-data rights (PIPL). Other modules ask `privacy.has_consent(user, "face_search")`."""

from __future__ import annotations

from typing import Any


def has_consent(user: Any, purpose: str) -> bool:
    """True when `user` has a standing consent to the optional `purpose`."""
    from xiaoyou.privacy.selectors import has_consent as _has_consent

    return _has_consent(user, purpose)
