"""Mounted by the hall under me/social/ (namespace "hall")."""

from __future__ import annotations

from django.urls import path

from xiaoyou.accounts.social import views

urlpatterns = [
    path("<slug:provider>/fill/", views.profile_fill, name="social_fill"),
]
