"""Console forms of SMS campaigns, the quota and birthday greetings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoyou.messaging.models import BirthdayChannel

SOURCE_KINDS = [
    ("org_members", _("Organization members")),
    ("saved_search", _("Saved alumni search")),
    ("event_registrants", _("Event registrants")),
    ("donors", _("Donors")),
    ("upload", _("Uploaded phone list")),
]
# The parameter each kind needs besides the organization.
SOURCE_PARAMS = {"saved_search": "saved_search", "event_registrants": "event", "donors": "project"}


class SmsCampaignForm(forms.Form):
    name = forms.CharField(label=_("Campaign name"), max_length=120)
    org = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    audience_kind = forms.ChoiceField(label=_("Recipients"), choices=SOURCE_KINDS)
    source_id = forms.IntegerField(
        label=_("Number of the saved search, event or project"),
        required=False,
        min_value=1,
        help_text=_("For a saved search, an event's registrants or a project's donors."),
    )
    upload = forms.FileField(
        label=_("Phone list (Excel or CSV)"),
        required=False,
        help_text=_("A column 手机 (or phone) and optionally 姓名 (name)."),
    )
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 5, "data-sms-body": ""}),
        help_text=_("Variables: {name}, {class_year}, {college}, {org}."),
    )
    has_opt_out_hint = forms.BooleanField(
        label=_("Add “Reply TD to unsubscribe”"), required=False, initial=True
    )

    def __init__(self, *args: Any, orgs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.orgs = {org.pk: org for org in orgs}
        self.fields["org"].choices = [(org.pk, org.name) for org in orgs]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("audience_kind")
        if kind in SOURCE_PARAMS and kind != "donors" and not data.get("source_id"):
            self.add_error("source_id", _("Enter the number."))
        if kind == "upload" and not data.get("upload"):
            self.add_error("upload", _("Choose the file."))
        return data


class SmsCampaignEditForm(forms.Form):
    """A draft's name and text; its recipients are chosen once, when it is created."""

    name = forms.CharField(label=_("Campaign name"), max_length=120)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 5, "data-sms-body": ""}),
        help_text=_("Variables: {name}, {class_year}, {college}, {org}."),
    )
    has_opt_out_hint = forms.BooleanField(label=_("Add “Reply TD to unsubscribe”"), required=False)


class QuotaForm(forms.Form):
    total = forms.IntegerField(label=_("Annual quota (segments)"), min_value=0)


class AllocationForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    allocated = forms.IntegerField(label=_("Allocation (segments)"), min_value=0)

    def __init__(self, *args: Any, orgs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.orgs = {org.pk: org for org in orgs}
        self.fields["org"].choices = [(org.pk, org.name) for org in orgs]  # type: ignore[attr-defined]


class BirthdaySettingForm(forms.Form):
    is_enabled = forms.BooleanField(label=_("Send birthday greetings"), required=False)
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=BirthdayChannel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("WeChat reaches followers of the official account, others in their inbox."),
    )
    send_time = forms.TimeField(
        label=_("Time of day (Beijing time)"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    sms_template = forms.CharField(
        label=_("SMS text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-sms-body": ""}),
        help_text=_("Variables: {name}, {org}."),
    )
    email_subject = forms.CharField(label=_("Email subject"), required=False, max_length=150)
    email_template = forms.CharField(
        label=_("Email text"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
