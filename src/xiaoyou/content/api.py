"""API of content: each part's router (albums in api_albums.py, articles in api_articles.py and
api_articles_console.py, face search in api_faces.py) under one "content" router that the API
app mounts."""

from __future__ import annotations

from ninja import Router

from xiaoyou.content.api_albums import router as albums_router
from xiaoyou.content.api_articles import router as articles_router
from xiaoyou.content.api_articles_console import router as articles_console_router
from xiaoyou.content.api_faces import router as faces_router

router = Router()
router.add_router("", albums_router)
router.add_router("", articles_router)
router.add_router("", articles_console_router)
router.add_router("", faces_router)
