"""Console pages of content, included under /console/content/ ("console" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.content.views import console, console_articles

urlpatterns = [
    path("albums/", console.album_list, name="content_albums"),
    path("albums/new", console.album_create, name="content_album_create"),
    path("albums/<int:pk>/", console.album_detail, name="content_album"),
    path("albums/<int:pk>/edit", console.album_edit, name="content_album_edit"),
    path("albums/<int:pk>/delete", console.album_delete, name="content_album_delete"),
    path("albums/<int:pk>/bulk", console.album_bulk, name="content_album_bulk"),
    path("albums/<int:pk>/import", console.album_import, name="content_album_import"),
    path("albums/<int:pk>/export", console.album_export, name="content_album_export"),
    # 活动掠影: the Photos tab of an event (events/console_tabs.py)
    path("events/<int:pk>/photos/", console.event_photos, name="event_photos"),
]

# 文章管理 (views/console_articles.py)
urlpatterns += [
    path("articles/", console_articles.article_list, name="content_articles"),
    path("articles/new", console_articles.article_create, name="content_article_create"),
    path("articles/bulk", console_articles.article_bulk, name="content_article_bulk"),
    path("articles/<int:pk>/", console_articles.article_edit, name="content_article_edit"),
    path(
        "articles/<int:pk>/action", console_articles.article_action, name="content_article_action"
    ),
    path(
        "articles/<int:pk>/attachments",
        console_articles.attachment_upload,
        name="content_article_attachment_upload",
    ),
    path(
        "articles/attachments/<int:pk>/delete",
        console_articles.attachment_delete,
        name="content_article_attachment_delete",
    ),
    path(
        "articles/<int:pk>/revisions/",
        console_articles.revision_list,
        name="content_article_revisions",
    ),
    path(
        "articles/revisions/<int:pk>/restore",
        console_articles.revision_restore,
        name="content_article_revision_restore",
    ),
    path(
        "articles/<int:pk>/comments/",
        console_articles.comment_list,
        name="content_article_comments",
    ),
    path(
        "articles/comments/<int:pk>/moderate",
        console_articles.comment_moderate,
        name="content_article_comment_moderate",
    ),
    path(
        "articles/categories/",
        console_articles.category_list,
        name="content_article_categories",
    ),
    path(
        "articles/categories/<int:pk>/delete",
        console_articles.category_delete,
        name="content_article_category_delete",
    ),
]

from xiaoyou.content.urls_faces import console_urlpatterns as _faces  # noqa: E402 - 人脸识别

urlpatterns += _faces
