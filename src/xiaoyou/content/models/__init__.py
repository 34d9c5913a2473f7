"""Content models: albums (相册) and photos (照片). Articles and face search come later."""

from xiaoyou.content.models.albums import (
    Album,
    AlbumStatus,
    Photo,
    PhotoStatus,
    UploadPermission,
    ViewPermission,
)

__all__ = ["Album", "AlbumStatus", "Photo", "PhotoStatus", "UploadPermission", "ViewPermission"]
