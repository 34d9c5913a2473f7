"""What the cards app registers at start-up."""

from __future__ import annotations


def register_all() -> None:
    pass
