"""The console's invitation form (邀请): a role by SMS or link, or a share link to join."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoyou.accounts.phone import PhoneField
from xiaoyou.organizations.models import InvitationChannel, InvitationKind, Organization, Role
from xiaoyou.organizations.services.invitations import JOIN_MAX_USES

VALIDITY_CHOICES = [
    ("1", _("1 day")),
    ("3", _("3 days")),
    ("7", _("7 days")),
    ("14", _("14 days")),
    ("30", _("30 days")),
    ("90", _("90 days")),
]


class InvitationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Invite to"),
        choices=InvitationKind.choices,
        initial=InvitationKind.ROLE,
        widget=forms.RadioSelect,
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(Role.ADMIN, Role.ADMIN.label), (Role.PRESIDENT, Role.PRESIDENT.label)],
        initial=Role.ADMIN,
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("Send by"),
        choices=InvitationChannel.choices,
        initial=InvitationChannel.LINK,
        widget=forms.RadioSelect,
    )
    phone = PhoneField(
        label=_("Mobile phone"),
        required=False,
        help_text=_(
            "Required for SMS. For a role, only the person signed in with this verified number "
            "can accept."
        ),
    )
    name = forms.CharField(label=_("Invitee name"), max_length=100, required=False)
    validity = forms.ChoiceField(label=_("Valid for"), choices=VALIDITY_CHOICES, initial="7")
    max_uses = forms.IntegerField(
        label=_("Maximum uses"),
        required=False,
        min_value=1,
        max_value=JOIN_MAX_USES,
        help_text=_("For join links; leave empty for no practical limit."),
    )

    def __init__(self, *args: Any, org: Organization, may_offer_presidency: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.org = org
        if not may_offer_presidency:
            # Only a president or a platform admin may offer the presidency.
            role_field = self.fields["role"]
            assert isinstance(role_field, forms.ChoiceField)
            role_field.choices = [(Role.ADMIN, Role.ADMIN.label)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == InvitationKind.ROLE and not data.get("role"):
            self.add_error("role", _("Choose the role to offer."))
        sms = data.get("channel") == InvitationChannel.SMS
        if sms and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Enter the mobile phone number to text the invitation to."))
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        is_role = data["kind"] == InvitationKind.ROLE
        return {
            "kind": data["kind"],
            "role": data["role"] if is_role else Role.MEMBER,
            "channel": data["channel"],
            "phone": data.get("phone") or "",
            "name": data.get("name") or "",
            "expires_in": timedelta(days=int(data["validity"])),
            "max_uses": None if is_role else data.get("max_uses"),
        }
