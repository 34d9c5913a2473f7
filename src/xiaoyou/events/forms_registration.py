"""Forms an alumnus fills in: the registration form built from an event's questions (on top
of ticket, name, phone and extra guests), and proposing an event (发起活动)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoyou.events.forms import PHONE, _datetime_field, ticket_label
from xiaoyou.events.models import Event, EventKind, TicketType, Visibility


def _answer_field(spec: dict[str, Any]) -> forms.Field:
    common: dict[str, Any] = {
        "label": spec.get("label") or spec["key"],
        "required": bool(spec.get("required")),
    }
    kind = spec.get("type")
    choices = [(choice, choice) for choice in spec.get("choices") or []]
    if kind == "number":
        return forms.DecimalField(max_digits=12, decimal_places=2, **common)
    if kind == "choice":
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if kind == "multiple":
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == "email":
        return forms.EmailField(max_length=254, **common)
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "phone":
        return forms.RegexField(regex=PHONE, max_length=20, **common)
    return forms.CharField(max_length=500, **common)


class RegistrationForm(forms.Form):
    """What an alumnus fills in to register: ticket, name, phone, guests and the event's fields."""

    ticket_type = forms.ChoiceField(label=_("Ticket"), widget=forms.RadioSelect)
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.RegexField(label=_("Mobile phone"), regex=PHONE, max_length=20)
    email = forms.EmailField(label=_("Email"), required=False)
    guests = forms.IntegerField(label=_("Extra guests"), min_value=0, initial=0)
    invitation_code = forms.CharField(label=_("Invitation code"), max_length=24, required=False)

    def __init__(
        self, *args: Any, event: Event, ticket_types: list[TicketType], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.tickets = {str(ticket.pk): ticket for ticket in ticket_types}
        self.fields["ticket_type"].choices = [  # type: ignore[attr-defined]
            (str(ticket.pk), ticket_label(ticket)) for ticket in ticket_types
        ]
        if len(ticket_types) == 1:
            self.fields["ticket_type"].initial = str(ticket_types[0].pk)
        if event.max_guests:
            self.fields["guests"].validators.append(MaxValueValidator(event.max_guests))
            self.fields["guests"].widget.attrs["max"] = event.max_guests
        else:
            del self.fields["guests"]
        if event.visibility != Visibility.INVITE:
            self.fields["invitation_code"].help_text = gettext("Only if you were given one.")
        self.specs = [
            spec for spec in event.form_fields or [] if isinstance(spec, dict) and spec.get("key")
        ]
        for spec in self.specs:
            self.fields[f"answer_{spec['key']}"] = _answer_field(spec)

    def clean_ticket_type(self) -> TicketType:
        return self.tickets[self.cleaned_data["ticket_type"]]

    def answers(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for spec in self.specs:
            value = self.cleaned_data.get(f"answer_{spec['key']}")
            if value in (None, "", []):
                continue
            result[spec["key"]] = value if isinstance(value, str | list) else str(value)
        return result

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[f"answer_{spec['key']}"] for spec in self.specs]


class AlumniEventForm(forms.Form):
    """An event an alumnus proposes (发起活动): a free event the association reviews first."""

    org = forms.ChoiceField(label=_("Organization"))
    title = forms.CharField(label=_("Title"), max_length=120)
    summary = forms.CharField(label=_("Summary"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    kind = forms.ChoiceField(label=_("Type"), choices=EventKind.choices, initial=EventKind.OFFLINE)
    starts_at = _datetime_field(_("Starts at"))
    ends_at = _datetime_field(_("Ends at"))
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False)

    def __init__(self, *args: Any, orgs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.orgs = {str(org.pk): org for org in orgs}
        self.fields["org"].choices = [(str(org.pk), org.name) for org in orgs]  # type: ignore[attr-defined]

    def clean_org(self) -> Any:
        return self.orgs[self.cleaned_data["org"]]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", gettext("The end must come after the start."))
        return cleaned
