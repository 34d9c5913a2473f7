"""The tabs of one event's console pages, in order: (key, URL name taking the event's pk,
label). A feature adds its page here; `{% event_tabs event "key" %}` renders them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

TABS = [
    ("details", "console:event_edit", _("Details")),
    ("registrations", "console:event_registrations", _("Registrations")),
    ("checkin", "console:events_checkin", _("Check-in")),
    ("seats", "console:events_seats", _("Seats")),
    ("photos", "console:event_photos", _("Photos")),
    ("lottery", "console:event_lottery", _("Lottery")),
    ("statistics", "console:event_statistics", _("Statistics")),
    ("discussion", "console:event_discussion", _("Discussion")),
    ("notices", "console:event_notices", _("Notices")),
    ("online", "console:event_online", _("Online activities")),
]
