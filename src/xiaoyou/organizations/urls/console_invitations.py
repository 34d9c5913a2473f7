"""Console pages of invitations, included under /console/invitations/ in the "console" namespace."""

from __future__ import annotations

from django.urls import path

from xiaoyou.organizations.views import console_invitations as views

urlpatterns = [
    path("", views.invitation_list, name="invitation_list"),
    path("new", views.invitation_create, name="invitation_create"),
    path("<int:pk>/", views.invitation_detail, name="invitation_detail"),
    path("<int:pk>/poster", views.invitation_poster, name="invitation_poster"),
    path("<int:pk>/revoke", views.invitation_revoke, name="invitation_revoke"),
]
