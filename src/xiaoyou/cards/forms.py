"""Forms of the cloud card's console pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from xiaoyou.cards.models import CardProgram, Partner, VoucherType
from xiaoyou.organizations.models import Organization, OrganizationKind, OrgRole, Role

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ProgramForm(forms.ModelForm):
    class Meta:
        model = CardProgram
        fields = [
            "name",
            "logo",
            "brand_color",
            "terms",
            "eligibility",
            "number_prefix",
            "is_active",
            "alert_recipients",
        ]
        widgets = {
            "brand_color": forms.TextInput(attrs={"type": "color"}),
            "terms": forms.Textarea(attrs={"rows": 5}),
            "alert_recipients": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "alert_recipients": _(
                "Told at once when a key alumnus scans; nobody chosen means the association's admins."
            ),
        }

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff_ids = OrgRole.objects.filter(org=org, role__in=[Role.ADMIN, Role.PRESIDENT]).values(
            "user_id"
        )
        self.fields["alert_recipients"].queryset = get_user_model().objects.filter(  # type: ignore[attr-defined]
            pk__in=staff_ids, is_active=True
        )


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = [
            "name",
            "logo",
            "benefit",
            "benefit_details",
            "introduction",
            "address",
            "phone",
            "community",
            "order",
            "is_active",
        ]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "benefit_details": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "benefit": _("Shown on the scan page, e.g. rooms at a 30 percent discount."),
            "community": _(
                "The partner's own community (a partner-type organization): its admins see "
                "this partner's scans and redeem its vouchers."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            kind=OrganizationKind.PARTNER, is_active=True
        ).order_by("name")


class VoucherTypeForm(forms.ModelForm):
    class Meta:
        model = VoucherType
        fields = [
            "name",
            "kind",
            "value",
            "partner",
            "valid_from",
            "valid_until",
            "valid_days",
            "is_active",
            "is_open_to_applications",
        ]
        widgets = {"valid_from": DATETIME_INPUT, "valid_until": DATETIME_INPUT}
        help_texts = {
            "value": _("As shown on the voucher, e.g. one lunch, 30 yuan, 20 percent off.")
        }

    def __init__(self, *args: Any, program: CardProgram, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = program.partners.filter(is_active=True)  # type: ignore[attr-defined]
        for name in ("valid_from", "valid_until"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M"]  # type: ignore[attr-defined]


class IssueForm(forms.Form):
    recipients = forms.CharField(
        label=_("Card numbers or mobile phones"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line; only holders of this programme's card receive a voucher."),
    )

    def identifiers(self) -> list[str]:
        text = self.cleaned_data["recipients"]
        return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()][:500]


class RuleForm(forms.Form):
    def __init__(self, *args: Any, events: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"] = forms.ModelChoiceField(label=_("Event"), queryset=events)
