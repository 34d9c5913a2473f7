"""The notice form (群发通知): channels, audience and message."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import notifications
from xiaoyou.events.models import Event, RegistrationStatus
from xiaoyou.events.services.registrant_notices import (
    BODY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Audience,
    available_channels,
)

CHECKED_IN_CHOICES = [("", _("Either")), ("yes", _("Checked in")), ("no", _("Not checked in"))]


class NoticeForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=_("Channels"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    statuses = forms.MultipleChoiceField(
        label=_("Registration status"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=RegistrationStatus.choices,
        help_text=_("None ticked: every live registration."),
    )
    ticket_type = forms.ChoiceField(label=_("Ticket"), required=False, choices=())
    checked_in = forms.ChoiceField(label=_("Check-in"), required=False, choices=CHECKED_IN_CHOICES)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body = forms.CharField(
        label=_("Message"), max_length=BODY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = [  # type: ignore[attr-defined]
            (name, notifications.channel_label(name)) for name in available_channels()
        ]
        self.fields["ticket_type"].choices = [  # type: ignore[attr-defined]
            ("", _("All tickets")),
            *[(str(ticket.pk), ticket.name) for ticket in event.ticket_types.all()],
        ]

    def audience(self) -> Audience:
        data = self.cleaned_data
        ticket = data.get("ticket_type") or ""
        checked = data.get("checked_in") or ""
        return Audience(
            statuses=tuple(data.get("statuses") or ()),
            ticket_type_id=int(ticket) if ticket else None,
            checked_in=None if not checked else checked == "yes",
        )
