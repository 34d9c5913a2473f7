"""Error codes of articles (文章), raised as ApplicationError."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

register_messages(
    {
        "article_title_required": _("Please enter a title."),
        "article_body_required": _("Please write the article's text."),
        "article_wrong_status": _("This cannot be done to the article in its current status."),
        "article_publish_at_past": _("Choose a publishing time in the future."),
        "article_category_invalid": _("Choose a category of the article's organization."),
        "article_file_type": _(
            "Attach PDF, Word, Excel or PowerPoint documents or images (JPEG, PNG, WebP, GIF)."
        ),
        "article_file_too_large": _("The file is too large; the limit is %(limit)s."),
        "article_too_many_files": _("An article has at most %(limit)s attachments."),
        "article_comments_closed": _("Comments are closed for this article."),
        "article_comment_required": _("Please write a comment."),
        "article_comment_too_long": _("A comment has at most %(limit)s characters."),
        "article_category_name_required": _("Please enter a category name."),
        "article_category_exists": _("This organization already has a category of that name."),
    }
)
