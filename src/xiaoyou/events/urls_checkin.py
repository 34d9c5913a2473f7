"""Console check-in, badges and seats, included under /console/events/checkin/."""

from __future__ import annotations

from django.urls import path

from xiaoyou.events.views import console_badges, console_checkin

urlpatterns = [
    path("<int:pk>/", console_checkin.checkin_page, name="events_checkin"),
    path("<int:pk>/scan", console_checkin.checkin_scan, name="events_checkin_scan"),
    path("<int:pk>/counts", console_checkin.checkin_counts, name="events_checkin_counts"),
    path("<int:pk>/search", console_checkin.checkin_search, name="events_checkin_search"),
    path(
        "<int:pk>/registrations/<int:registration_pk>/check-in",
        console_checkin.checkin_manual,
        name="events_checkin_manual",
    ),
    path("<int:pk>/offline", console_checkin.checkin_bundle, name="events_checkin_bundle"),
    path("<int:pk>/sync", console_checkin.checkin_sync, name="events_checkin_sync"),
    path("<int:pk>/venue-qr", console_checkin.checkin_venue_qr, name="events_checkin_venue_qr"),
    path("<int:pk>/badges.pdf", console_badges.badges_pdf, name="events_badges_pdf"),
    path("<int:pk>/seats/", console_badges.seats_page, name="events_seats"),
    path("<int:pk>/seats/export", console_badges.seats_export, name="events_seats_export"),
    path(
        "<int:pk>/seats/<int:registration_pk>",
        console_badges.seat_set,
        name="events_seat_set",
    ),
]
