"""The emulators' HTTP server lives in the product (the demo's payment sandbox uses it too)."""

from __future__ import annotations

from xiaoyou.core.emulation import Emulator, Request, Response

__all__ = ["Emulator", "Request", "Response"]
