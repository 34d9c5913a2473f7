"""Forms of the hall: a monthly pledge (月捐; amount in yuan kept in fen) and a donor's reply
to a beneficiary's post."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoyou.donations.forms import _yuan

DAYS = [(day, str(day)) for day in range(1, 29)]


class PledgeForm(forms.Form):
    """A preset amount or one typed in yuan, the day of the month, the name shown."""

    preset = forms.IntegerField(required=False, widget=forms.HiddenInput)
    amount = forms.CharField(label=_("Amount per month (yuan)"), required=False)
    day_of_month = forms.TypedChoiceField(
        label=_("Day of the month"),
        choices=DAYS,
        coerce=int,
        initial=1,
        help_text=_("Each month on this day you get a reminder with a link to pay."),
    )
    donor_name = forms.CharField(label=_("Your name"), max_length=60)
    is_anonymous = forms.BooleanField(label=_("Show me as anonymous"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("amount"):
            try:
                cleaned["fen"] = _yuan(cleaned["amount"], required=True)
            except forms.ValidationError as error:
                self.add_error("amount", error)
        elif cleaned.get("preset"):
            cleaned["fen"] = cleaned["preset"]
        else:
            self.add_error("amount", gettext("Please choose or enter an amount."))
        return cleaned


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )
