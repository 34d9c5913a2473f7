from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

EXPIRY_CHOICES = [
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("1 year")),
    ("never", _("Never")),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “membership sync script”."),
    )
    expires_in = forms.ChoiceField(label=_("Expires in"), choices=EXPIRY_CHOICES, initial="90")

    def expiry_days(self) -> int | None:
        value = self.cleaned_data["expires_in"]
        return None if value == "never" else int(value)
