"""Hall pages of content, included under /content/ ("hall" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.content.views import hall, hall_articles

urlpatterns = [
    path("albums/", hall.album_list, name="content_albums"),
    path("albums/new", hall.album_create, name="content_album_create"),
    path("albums/mine/", hall.my_albums, name="content_my_albums"),
    path("albums/<int:pk>/", hall.album_detail, name="content_album"),
    path("albums/<int:pk>/upload", hall.album_upload, name="content_album_upload"),
    path("events/<int:pk>/album/", hall.event_album, name="content_event_album"),
    path(
        "photos/<int:pk>/<str:size>.<str:image_format>",
        hall.photo_file,
        name="content_photo_file",
    ),
    path("photos/<int:pk>/original", hall.photo_download, name="content_photo_download"),
    path("photos/<int:pk>/delete", hall.photo_delete, name="content_photo_delete"),
]

# 新闻 (views/hall_articles.py)
urlpatterns += [
    path("articles/", hall_articles.article_list, name="content_articles"),
    path("articles/<int:pk>/", hall_articles.article_detail, name="content_article"),
    path("articles/<int:pk>/comment", hall_articles.comment_post, name="content_article_comment"),
    path(
        "articles/attachments/<int:pk>",
        hall_articles.attachment_download,
        name="content_article_attachment",
    ),
]

from xiaoyou.content.urls_faces import hall_urlpatterns as _faces  # noqa: E402 - 人脸识别

urlpatterns += _faces
