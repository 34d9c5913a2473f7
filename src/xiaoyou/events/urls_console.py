"""Console pages of events, included under /console/events/ ("console" namespace)."""

from __future__ import annotations

from django.urls import include, path

from xiaoyou.events.views import (
    console_event_edit,
    console_events,
    console_registrations,
    console_series,
)

urlpatterns = [
    path("", console_events.event_list, name="events"),
    path("bulk", console_events.event_bulk, name="event_bulk"),
    path("new", console_event_edit.event_create, name="event_create"),
    path("<int:pk>/", console_event_edit.event_edit, name="event_edit"),
    path("<int:pk>/publish", console_event_edit.event_publish, name="event_publish"),
    path("<int:pk>/cancel", console_event_edit.event_cancel, name="event_cancel"),
    path("<int:pk>/copy", console_event_edit.event_copy, name="event_copy"),
    path("<int:pk>/series", console_series.event_series_extend, name="event_series_extend"),
    path("<int:pk>/sessions", console_series.event_session_add, name="event_session_add"),
    path(
        "<int:pk>/registrations/",
        console_registrations.registration_list,
        name="event_registrations",
    ),
    path(
        "<int:pk>/registrations/bulk",
        console_registrations.registration_bulk,
        name="event_registrations_bulk",
    ),
    path(
        "<int:pk>/registrations/<int:registration_pk>/",
        console_registrations.registration_detail,
        name="event_registration",
    ),
    path(
        "<int:pk>/registrations/<int:registration_pk>/decide",
        console_registrations.registration_decide,
        name="event_registration_decide",
    ),
    path("", include("xiaoyou.events.urls_console_lottery")),
    path("", include("xiaoyou.events.urls_console_engagement")),
    path("", include("xiaoyou.events.urls_console_online")),
]
