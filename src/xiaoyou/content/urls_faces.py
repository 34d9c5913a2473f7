"""URLs of face search, appended to content's hall and console URL lists."""

from __future__ import annotations

from django.urls import path

from xiaoyou.content.views import console_faces, hall_faces

hall_urlpatterns = [
    path("faces/", hall_faces.face_search, name="content_face_search"),
    path("faces/consent", hall_faces.face_consent, name="content_face_consent"),
    path("faces/search", hall_faces.face_search_selfie, name="content_face_search_selfie"),
    path("faces/data/", hall_faces.face_data, name="content_face_data"),
    path("faces/data/delete", hall_faces.face_data_delete, name="content_face_data_delete"),
    path("faces/withdraw", hall_faces.face_consent_withdraw, name="content_face_withdraw"),
]

console_urlpatterns = [
    path("photos/<int:pk>/faces/", console_faces.photo_faces, name="content_photo_faces"),
    path("faces/<int:pk>/tag", console_faces.face_tag, name="content_face_tag"),
]
