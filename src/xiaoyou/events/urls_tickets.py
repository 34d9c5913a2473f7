"""Hall e-tickets and self check-in, included under /tickets/ (hall namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.events.views import hall_tickets

urlpatterns = [
    path("", hall_tickets.ticket_list, name="tickets"),
    path("<int:pk>/", hall_tickets.ticket_detail, name="ticket_detail"),
    path(
        "self/<int:event_pk>/<str:token>/",
        hall_tickets.self_checkin,
        name="ticket_self_checkin",
    ),
]
