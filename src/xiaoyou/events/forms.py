"""Forms of events: the event itself with its ticket types (a formset), the registration-form
builder (a formset of fields, like organizations' join-form builder) and the registration form
an alumnus fills in, built from the event's fields."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoyou.events.models import DiscussionMode, Event, EventKind, TicketType, Visibility
from xiaoyou.payments.money import format_yuan, yuan_to_fen

FIELD_TYPES = [
    ("text", _("Text")),
    ("number", _("Number")),
    ("choice", _("One choice")),
    ("multiple", _("Several choices")),
    ("phone", _("Phone number")),
    ("email", _("Email")),
    ("date", _("Date")),
]
CHOICE_TYPES = ("choice", "multiple")
FORM_MAX_FIELDS = 30
FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
RESERVED_KEYS = ("name", "phone", "email", "guests", "ticket_type", "invitation_code")
PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")


def _datetime_field(label: Any, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def tags_parse(text: str) -> list[str]:
    """Tags typed as text separated by commas (ASCII or Chinese) or spaces, blanks dropped."""
    seen: list[str] = []
    for item in re.split(r"[,，、\s]+", text or ""):
        item = item.strip()[:20]
        if item and item not in seen:
            seen.append(item)
    return seen[:10]


class EventForm(forms.Form):
    """An event's own fields (ticket types and the registration form are formsets beside it)."""

    org = forms.ChoiceField(label=_("Organizer"))
    title = forms.CharField(label=_("Title"), max_length=120)
    summary = forms.CharField(label=_("Summary"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    cover = forms.ImageField(label=_("Cover"), required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=EventKind.choices, initial=EventKind.OFFLINE)
    starts_at = _datetime_field(_("Starts at"))
    ends_at = _datetime_field(_("Ends at"))
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    map_url = forms.URLField(label=_("Map link"), required=False, assume_scheme="https")
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        required=False,
        help_text=_("Seats of the whole event; leave empty for no limit."),
    )
    registration_opens_at = _datetime_field(_("Registration opens"), required=False)
    registration_closes_at = _datetime_field(_("Registration closes"), required=False)
    requires_approval = forms.BooleanField(label=_("Registrations need approval"), required=False)
    visibility = forms.ChoiceField(
        label=_("Who may register"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas."), max_length=300
    )
    max_guests = forms.IntegerField(
        label=_("Extra guests per registration"), min_value=0, max_value=20, initial=0
    )
    waitlist_enabled = forms.BooleanField(
        label=_("Waitlist when full"), required=False, initial=True
    )
    offer_minutes = forms.IntegerField(
        label=_("Minutes to accept a freed seat"), min_value=5, max_value=10080, initial=120
    )
    blacklist_enabled = forms.BooleanField(
        label=_("Apply the blacklist"), required=False, initial=True
    )
    discussion = forms.ChoiceField(
        label=_("Discussion"),
        choices=DiscussionMode.choices,
        initial=DiscussionMode.OPEN,
        required=False,
    )

    # Model fields the services take as they are (org, cover and tags are handled apart).
    PLAIN = (
        "title",
        "summary",
        "description",
        "kind",
        "starts_at",
        "ends_at",
        "place",
        "address",
        "map_url",
        "online_url",
        "capacity",
        "registration_opens_at",
        "registration_closes_at",
        "requires_approval",
        "visibility",
        "max_guests",
        "waitlist_enabled",
        "offer_minutes",
        "blacklist_enabled",
        "discussion",
    )

    def __init__(self, *args: Any, orgs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.orgs = {str(org.pk): org for org in orgs}
        self.fields["org"].choices = [(str(org.pk), str(org)) for org in orgs]  # type: ignore[attr-defined]

    def clean_org(self) -> Any:
        return self.orgs[self.cleaned_data["org"]]

    def clean_tags(self) -> list[str]:
        return tags_parse(self.cleaned_data.get("tags") or "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", gettext("The end must come after the start."))
        opens, closes = cleaned.get("registration_opens_at"), cleaned.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes_at", gettext("Registration must open first."))
        return cleaned

    def event_fields(self) -> dict[str, Any]:
        """What the services take: model field names and values."""
        data = {name: self.cleaned_data.get(name) for name in self.PLAIN}
        for name in ("summary", "description", "place", "address", "map_url", "online_url"):
            data[name] = data[name] or ""
        data["tags"] = self.cleaned_data.get("tags") or []
        data["discussion"] = data["discussion"] or DiscussionMode.OPEN
        if self.cleaned_data.get("cover"):
            data["cover"] = self.cleaned_data["cover"]
        return data


def event_initial(event: Event) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(event, name) for name in EventForm.PLAIN}
    initial["org"] = event.org_id
    initial["tags"] = ", ".join(event.tags or [])
    return initial


class TicketTypeForm(forms.Form):
    """One ticket type; price typed in yuan (0: free)."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Ticket name"), max_length=60)
    price = forms.CharField(label=_("Price (yuan)"), max_length=12, initial="0")
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, required=False)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("On sale"), required=False, initial=True)

    def clean_price(self) -> int:
        try:
            return yuan_to_fen(self.cleaned_data.get("price") or "0")
        except ValueError:
            raise ValidationError(
                gettext("Enter an amount in yuan with at most two decimals.")
            ) from None


class BaseTicketTypeFormSet(forms.BaseFormSet):
    def kept(self) -> list[forms.Form]:
        return [
            form
            for form in self.forms
            if hasattr(form, "cleaned_data")
            and form.cleaned_data.get("name")
            and not (self.can_delete and self._should_delete_form(form))  # type: ignore[attr-defined]
        ]

    def removed_ids(self) -> list[int]:
        return [
            form.cleaned_data["id"]
            for form in self.forms
            if hasattr(form, "cleaned_data")
            and form.cleaned_data.get("id")
            and self.can_delete
            and self._should_delete_form(form)  # type: ignore[attr-defined]
        ]

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        if not self.kept():
            raise ValidationError(gettext("An event needs at least one ticket type."))


TicketTypeFormSet = forms.formset_factory(
    TicketTypeForm, formset=BaseTicketTypeFormSet, extra=0, can_delete=True, max_num=20
)


def ticket_initial(ticket_types: list[TicketType]) -> list[dict[str, Any]]:
    return [
        {
            "id": ticket.pk,
            "name": ticket.name,
            "price": format_yuan(ticket.price).replace(",", ""),
            "capacity": ticket.capacity,
            "description": ticket.description,
            "is_active": ticket.is_active,
        }
        for ticket in ticket_types
    ]


class FormFieldForm(forms.Form):
    """One question of the registration form, asked on top of name and phone."""

    label = forms.CharField(label=_("Label"), max_length=60, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=FIELD_TYPES, initial="text")
    required = forms.BooleanField(label=_("Required"), required=False)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("One choice per line")}),
    )
    key = forms.CharField(label=_("Key"), max_length=40, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.has_changed():
            return cleaned
        key = (cleaned.get("key") or "").strip()
        if key and (not FIELD_KEY.match(key) or key in RESERVED_KEYS):
            self.add_error("key", gettext("Use lowercase letters, digits and underscores."))
        if not (cleaned.get("label") or "").strip():
            self.add_error("label", gettext("Give the field a label."))
        choices = [line.strip() for line in (cleaned.get("choices") or "").splitlines()]
        cleaned["choices"] = [choice for choice in choices if choice]
        if cleaned.get("type") in CHOICE_TYPES and not cleaned["choices"]:
            self.add_error("choices", gettext("A choice field needs its choices, one per line."))
        return cleaned


class BaseFormFieldFormSet(forms.BaseFormSet):
    def _kept(self, form: forms.Form) -> bool:
        if not hasattr(form, "cleaned_data") or not form.has_changed():
            return False
        return not (self.can_delete and self._should_delete_form(form))  # type: ignore[attr-defined]

    def fields_in_order(self) -> list[dict[str, Any]]:
        """The stored shape: [{key, label, type, required, choices}], keys made when blank."""
        result: list[dict[str, Any]] = []
        used = {
            (form.cleaned_data.get("key") or "").strip() for form in self.forms if self._kept(form)
        }
        number = 1
        for form in self.ordered_forms if self.can_order else self.forms:  # type: ignore[attr-defined]
            if not self._kept(form):
                continue
            data = form.cleaned_data
            key = (data.get("key") or "").strip()
            while not key:
                candidate = f"field_{number}"
                number += 1
                if candidate not in used:
                    key = candidate
                    used.add(key)
            result.append(
                {
                    "key": key,
                    "label": data["label"].strip(),
                    "type": data["type"],
                    "required": bool(data.get("required")),
                    "choices": data["choices"] if data["type"] in CHOICE_TYPES else [],
                }
            )
        return result

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [form for form in self.forms if self._kept(form)]
        if len(kept) > FORM_MAX_FIELDS:
            raise ValidationError(
                gettext("A registration form has at most %(count)s fields.")
                % {"count": FORM_MAX_FIELDS}
            )
        seen: set[str] = set()
        for form in kept:
            key = (form.cleaned_data.get("key") or "").strip()
            if key and key in seen:
                form.add_error("key", gettext("Another field already uses this key."))
            seen.add(key)


FormFieldFormSet = forms.formset_factory(
    FormFieldForm,
    formset=BaseFormFieldFormSet,
    extra=0,
    can_order=True,
    can_delete=True,
    max_num=FORM_MAX_FIELDS,
    absolute_max=100,
)


def form_fields_initial(event: Event | None) -> list[dict[str, Any]]:
    items = (event.form_fields if event is not None else None) or []
    return [
        {
            "key": item.get("key", ""),
            "label": item.get("label", ""),
            "type": item.get("type", "text"),
            "required": bool(item.get("required")),
            "choices": "\n".join(item.get("choices") or []),
            "ORDER": index + 1,
        }
        for index, item in enumerate(items)
        if isinstance(item, dict)
    ]


def ticket_label(ticket: TicketType) -> str:
    price = gettext("Free") if ticket.is_free else f"¥{format_yuan(ticket.price)}"
    return f"{ticket.name} · {price}"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )
