"""Console pages of content, included under /console/content/ ("console" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.content.views import console

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
