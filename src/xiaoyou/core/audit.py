"""Audit log (管理日志): append-only, hash-chained record of every staff write.

Placeholder interface; the full implementation lands with the audit work.
"""

from __future__ import annotations

from typing import Any


def record(*, actor: Any | None, action: str, obj: Any, org: Any = None, changes: dict[str, Any] | None = None) -> None:
    return None
