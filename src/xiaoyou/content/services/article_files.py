"""Attachments of articles (附件): documents and images checked by their real type (magic bytes,
Pillow for images through core.images) and size, stored under a random name with the real
extension; the original name is kept for the download."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from xiaoyou.content.models import Article, ArticleAttachment
from xiaoyou.core import audit, policy
from xiaoyou.core import images as core_images
from xiaoyou.core.errors import ApplicationError

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS = 20
# Office Open XML documents are zip archives whose main part sits in a known folder.
OFFICE_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls/.ppt
OLE_EXTENSIONS = ("doc", "xls", "ppt")


def _lock(article: Article) -> Article:
    return Article.objects.select_for_update(of=("self",)).select_related("org").get(pk=article.pk)


def attachment_kind(upload: Any) -> str:
    """The real type of an upload by its content (magic bytes), or ApplicationError."""
    size = getattr(upload, "size", 0) or 0
    if size > ATTACHMENT_MAX_BYTES:
        raise ApplicationError("article_file_too_large", limit=filesizeformat(ATTACHMENT_MAX_BYTES))
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    name = str(getattr(upload, "name", "") or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and extension in OFFICE_FOLDERS:
        try:
            with zipfile.ZipFile(io.BytesIO(upload.read())) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            names = []
        upload.seek(0)
        folder = OFFICE_FOLDERS[extension]
        if "[Content_Types].xml" in names and any(item.startswith(folder) for item in names):
            return extension
        raise ApplicationError("article_file_type")
    if head.startswith(OLE_MAGIC) and extension in OLE_EXTENSIONS:
        return extension
    try:
        kind = core_images.image_validate(upload, max_bytes=ATTACHMENT_MAX_BYTES)
    except ValidationError:
        raise ApplicationError("article_file_type") from None
    upload.seek(0)
    return kind


@transaction.atomic
def attachment_add(*, actor: Any, article: Article, upload: Any) -> ArticleAttachment:
    """Attaches a document or image, checked by its real type and size and stored under a
    random name with the real extension; editors of the article only, audited."""
    article = _lock(article)
    policy.require(actor, "edit", article)
    if article.attachments.count() >= MAX_ATTACHMENTS:
        raise ApplicationError("article_too_many_files", limit=MAX_ATTACHMENTS)
    kind = attachment_kind(upload)
    original_name = str(getattr(upload, "name", "") or f"file.{kind}").rsplit("/", 1)[-1]
    attachment = ArticleAttachment(
        article=article,
        original_name=original_name[:200],
        kind=kind,
        size=upload.size or 0,
        uploaded_by=actor,
    )
    attachment.file.save(f"upload.{kind}", ContentFile(upload.read()), save=False)
    attachment.save()
    audit.record(
        actor=actor,
        action="content.article.attachment_add",
        obj=article,
        org=article.org,
        changes={"attachment": [None, attachment.original_name]},
    )
    return attachment


@transaction.atomic
def attachment_delete(*, actor: Any, attachment: ArticleAttachment) -> None:
    """Removes an attachment and its file (after commit); editors only, audited."""
    article = _lock(attachment.article)
    policy.require(actor, "edit", article)
    name = str(attachment.file.name)
    storage = attachment.file.storage
    audit.record(
        actor=actor,
        action="content.article.attachment_delete",
        obj=article,
        org=article.org,
        changes={"attachment": [attachment.original_name, None]},
    )
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
