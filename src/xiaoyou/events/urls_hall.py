"""Hall pages of events, included under /events/ ("hall" namespace; the list is hall:events)."""

from __future__ import annotations

from django.urls import include, path

from xiaoyou.events.views import hall_events, hall_registrations

urlpatterns = [
    path("", hall_events.event_list, name="events"),
    path("mine/", hall_registrations.my_events, name="my_events"),
    path("new", hall_registrations.event_start, name="event_start"),
    path("<int:pk>/", hall_events.event_detail, name="event"),
    path("<int:pk>/register", hall_registrations.register, name="event_register"),
    path("<int:pk>/calendar.ics", hall_events.event_calendar, name="event_calendar"),
    path(
        "registrations/<int:pk>/",
        hall_registrations.registration_result,
        name="event_registration",
    ),
    path(
        "registrations/<int:pk>/cancel",
        hall_registrations.registration_cancel,
        name="event_registration_cancel",
    ),
    path("", include("xiaoyou.events.urls_hall_engagement")),
    path("", include("xiaoyou.events.urls_hall_online")),
]
