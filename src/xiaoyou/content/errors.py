"""Error codes of content (albums, photos), raised as ApplicationError."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

register_messages(
    {
        "content_title_required": _("Please enter a title."),
        "content_no_files": _("Choose at least one photo."),
        "content_too_many_files": _("Upload at most %(limit)s photos at a time."),
        "content_duplicate_photo": _("This photo is already in the album."),
        "content_unknown_action": _("Unknown action."),
        "content_zip_invalid": _("The file is not a valid zip archive."),
        "content_zip_too_large": _("The zip archive is too large (the limit is %(limit)s)."),
        "content_zip_too_many": _("The zip archive holds too many files (the limit is %(limit)s)."),
        "content_zip_empty": _("The zip archive holds no images."),
        "content_album_has_event": _("An event's album is deleted with its event."),
    }
)
