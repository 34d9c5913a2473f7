"""Forms of the donations pages: a project (console) and a gift (hall). Amounts are typed in
yuan and kept in fen."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoyou.donations.models import ProjectVisibility
from xiaoyou.payments.money import format_yuan, yuan_to_fen


def _yuan(text: Any, *, required: bool) -> int | None:
    text = str(text or "").strip()
    if not text:
        if required:
            raise forms.ValidationError(gettext("Please enter an amount."))
        return None
    try:
        fen = yuan_to_fen(text)
    except ValueError:
        raise forms.ValidationError(
            gettext("Enter an amount in yuan with at most two decimals, e.g. 50 or 66.60.")
        ) from None
    if fen <= 0:
        raise forms.ValidationError(gettext("The amount must be above zero."))
    return fen


def _datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )


class ProjectForm(forms.Form):
    org = forms.ChoiceField(label=_("Organization"))
    title = forms.CharField(label=_("Name"), max_length=120)
    summary = forms.CharField(label=_("Summary"), max_length=200, required=False)
    story = forms.CharField(
        label=_("Story"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    cover = forms.ImageField(label=_("Cover"), required=False)
    beneficiary = forms.CharField(label=_("Beneficiary"), max_length=120, required=False)
    target = forms.CharField(label=_("Target (yuan)"), required=False)
    starts_at = _datetime_field(_("Starts at"))
    ends_at = _datetime_field(_("Ends at"))
    presets = forms.CharField(
        label=_("Preset amounts (yuan)"),
        required=False,
        initial="20, 50, 100, 500",
        help_text=_("Separated by commas."),
    )
    allow_custom_amount = forms.BooleanField(
        label=_("Donors may type an amount"), required=False, initial=True
    )
    minimum = forms.CharField(label=_("Smallest gift (yuan)"), initial="1")
    ask_class = forms.BooleanField(label=_("Ask for the class"), required=False, initial=True)
    allow_anonymous = forms.BooleanField(
        label=_("Anonymous gifts allowed"), required=False, initial=True
    )
    offer_receipt = forms.BooleanField(label=_("Receipts on request"), required=False, initial=True)
    visibility = forms.ChoiceField(
        label=_("Who may give"), choices=ProjectVisibility.choices, initial="public"
    )
    thank_you_text = forms.CharField(
        label=_("Thank-you message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("{name}, {amount} and {project} are filled in; empty: the default text."),
    )

    def __init__(self, *args: Any, orgs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.orgs = {str(org.pk): org for org in orgs}
        self.fields["org"].choices = [(str(org.pk), str(org)) for org in orgs]  # type: ignore[attr-defined]

    def clean_org(self) -> Any:
        return self.orgs[self.cleaned_data["org"]]

    def clean_target(self) -> int | None:
        return _yuan(self.cleaned_data.get("target"), required=False)

    def clean_minimum(self) -> int | None:
        return _yuan(self.cleaned_data.get("minimum"), required=True)

    def clean_presets(self) -> list[int]:
        text = (self.cleaned_data.get("presets") or "").replace("，", ",")
        values = [part.strip() for part in text.split(",") if part.strip()]
        if len(values) > 8:
            raise forms.ValidationError(gettext("At most eight preset amounts."))
        return [fen for fen in (_yuan(value, required=True) for value in values) if fen]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", gettext("The end must come after the start."))
        return cleaned

    def project_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {
            name: data.get(name)
            for name in (
                "title",
                "summary",
                "story",
                "beneficiary",
                "starts_at",
                "ends_at",
                "allow_custom_amount",
                "ask_class",
                "allow_anonymous",
                "offer_receipt",
                "visibility",
                "thank_you_text",
            )
        }
        for name in ("summary", "story", "beneficiary", "thank_you_text"):
            fields[name] = fields[name] or ""
        fields["target_amount"] = data.get("target")
        fields["preset_amounts"] = data.get("presets") or []
        fields["min_amount"] = data.get("minimum") or 100
        if data.get("cover"):
            fields["cover"] = data["cover"]
        return fields


def project_initial(project: Any) -> dict[str, Any]:
    initial = {
        name: getattr(project, name)
        for name in (
            "title",
            "summary",
            "story",
            "beneficiary",
            "starts_at",
            "ends_at",
            "allow_custom_amount",
            "ask_class",
            "allow_anonymous",
            "offer_receipt",
            "visibility",
            "thank_you_text",
        )
    }
    initial["org"] = project.org_id
    initial["target"] = (
        format_yuan(project.target_amount).replace(",", "") if (project.target_amount) else ""
    )
    initial["presets"] = ", ".join(
        format_yuan(value).replace(",", "") for value in project.preset_amounts or []
    )
    initial["minimum"] = format_yuan(project.min_amount).replace(",", "")
    return initial


class GiftForm(forms.Form):
    """A gift: a preset amount or one typed in yuan, the donor's name and contact."""

    preset = forms.IntegerField(required=False, widget=forms.HiddenInput)
    amount = forms.CharField(label=_("Amount (yuan)"), required=False)
    donor_name = forms.CharField(label=_("Your name"), max_length=60)
    class_label = forms.CharField(
        label=_("Class"), max_length=60, required=False, help_text=_("e.g. 2005, Computer Science")
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email (for the certificate)"), required=False)
    message = forms.CharField(
        label=_("Message"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_anonymous = forms.BooleanField(label=_("Show me as anonymous"), required=False)
    wants_receipt = forms.BooleanField(label=_("I would like a receipt"), required=False)

    def clean_phone(self) -> str:
        phone = (self.cleaned_data.get("phone") or "").strip().replace(" ", "")
        if phone and not (phone.lstrip("+").isdigit() and 6 <= len(phone) <= 20):
            raise forms.ValidationError(gettext("Enter a valid mobile phone number."))
        return phone

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
