"""API endpoints: invitations (mounted into the organizations router)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["invitations"])
