"""Console pages of the alumni search, included under /console/alumni/ ("console" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.alumni.views import console_search as views

urlpatterns = [
    path("search/", views.alumni_search, name="alumni_search"),
    path("search/units", views.alumni_search_units, name="alumni_search_units"),
    path("search/saved", views.alumni_saved_search_create, name="alumni_saved_search_create"),
    path("search/saved/<int:pk>/", views.alumni_saved_search_open, name="alumni_saved_search"),
    path(
        "search/saved/<int:pk>/share",
        views.alumni_saved_search_share,
        name="alumni_saved_search_share",
    ),
    path(
        "search/saved/<int:pk>/delete",
        views.alumni_saved_search_delete,
        name="alumni_saved_search_delete",
    ),
]
