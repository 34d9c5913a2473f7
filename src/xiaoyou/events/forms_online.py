"""Forms of the online activities: gift offers and challenges (console); a wall post, a gift
claim and a challenge report (hall). The services enforce the rules; the forms give inline
errors for the plain shape of the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xiaoyou.accounts.phone import PhoneField
from xiaoyou.events.forms import _datetime_field
from xiaoyou.events.models import WallKind


class GiftOfferForm(forms.Form):
    name = forms.CharField(label=_("Gift"), max_length=60)
    description = forms.CharField(
        label=_("Description"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    stock = forms.IntegerField(label=_("Stock"), min_value=0)
    needs_address = forms.BooleanField(label=_("Ship to an address"), required=False, initial=True)
    closes_at = _datetime_field(_("Claims close"), required=False)
    is_active = forms.BooleanField(label=_("Open for claims"), required=False, initial=True)


class ChallengeForm(forms.Form):
    name = forms.CharField(label=_("Challenge"), max_length=60)
    description = forms.CharField(
        label=_("Description"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    unit = forms.CharField(
        label=_("Unit"), max_length=16, help_text=_("What people report, e.g. km, steps.")
    )
    goal = forms.DecimalField(
        label=_("Goal per person"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    max_per_report = forms.DecimalField(
        label=_("Most per report"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text=_("Keeps typos off the leaderboard."),
    )
    starts_at = _datetime_field(_("Starts at"))
    ends_at = _datetime_field(_("Ends at"))


class TrackingForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=40, required=False)


class WallPostForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Post"), choices=WallKind.choices, widget=forms.RadioSelect, initial="blessing"
    )
    signature = forms.CharField(
        label=_("Signed as"),
        max_length=60,
        help_text=_("Your name and class, e.g. Zhang Wei, Computing 2008."),
    )
    text = forms.CharField(
        label=_("Blessing or caption"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
    )
    # A plain file field: the service checks the real content (core.images) after the rate
    # limit, so a flood of uploads is never decoded.
    image = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )


class GiftClaimForm(forms.Form):
    name = forms.CharField(label=_("Recipient"), max_length=50)
    phone = PhoneField(label=_("Mobile phone"))
    address = forms.CharField(
        label=_("Address"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, needs_address: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needs_address:
            self.fields["address"].required = True
        else:
            del self.fields["address"]


class ChallengeReportForm(forms.Form):
    amount = forms.DecimalField(
        label=pgettext_lazy("challenge check-in", "Amount"), max_digits=12, decimal_places=2
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
