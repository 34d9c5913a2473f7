"""Content models: albums (相册) and photos (照片). Articles and face search come later."""

from xiaoyou.content.models.albums import (
    Album,
    AlbumStatus,
    Photo,
    PhotoStatus,
    UploadPermission,
    ViewPermission,
)
from xiaoyou.content.models.articles import (
    Article,
    ArticleAttachment,
    ArticleCategory,
    ArticleComment,
    ArticleRevision,
    ArticleStatus,
    CommentStatus,
)
from xiaoyou.content.models.faces import (
    DetectedFace,
    FaceConsent,
    FaceProfile,
    FaceScanStatus,
    PhotoFaceScan,
)

__all__ = [
    "Album",
    "AlbumStatus",
    "Article",
    "ArticleAttachment",
    "ArticleCategory",
    "ArticleComment",
    "ArticleRevision",
    "ArticleStatus",
    "CommentStatus",
    "DetectedFace",
    "FaceConsent",
    "FaceProfile",
    "FaceScanStatus",
    "Photo",
    "PhotoFaceScan",
    "PhotoStatus",
    "UploadPermission",
    "ViewPermission",
]
