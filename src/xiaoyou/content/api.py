"""API of content: each part's router (face search in api_faces.py) under one "content" router
that the API app mounts."""

from __future__ import annotations

from ninja import Router

from xiaoyou.content.api_faces import router as faces_router

router = Router()
router.add_router("", faces_router)
