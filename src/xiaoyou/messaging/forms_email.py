"""Console forms of email campaigns and templates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

AUDIENCE_CHOICES = [
    ("saved_search", _("Saved alumni search")),
    ("org_members", _("Organization members")),
    ("event_registrants", _("Event registrants")),
    ("donors", _("Donors")),
    ("upload", _("Uploaded address list")),
]


def _choices(rows: list[tuple[int, str]], empty: Any) -> list[tuple[Any, Any]]:
    return [("", empty), *rows]


class EmailCampaignCreateForm(forms.Form):
    name = forms.CharField(label=_("Campaign name"), max_length=100)
    org = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    template = forms.TypedChoiceField(label=_("Template"), coerce=int, required=False)
    audience_kind = forms.ChoiceField(label=_("Recipients"), choices=AUDIENCE_CHOICES)
    saved_search = forms.TypedChoiceField(label=_("Saved search"), coerce=int, required=False)
    event = forms.TypedChoiceField(label=_("Event"), coerce=int, required=False)
    project = forms.TypedChoiceField(
        label=_("Donation project"),
        coerce=int,
        required=False,
        help_text=_("Empty: donors of every project of the organization."),
    )
    upload = forms.FileField(
        label=_("Address list (Excel or CSV)"),
        required=False,
        help_text=_("A column 邮箱 (or email) and optionally 姓名 (name)."),
    )
    exclude_saved_search = forms.TypedChoiceField(
        label=_("Leave out the people of a saved search"), coerce=int, required=False
    )

    def __init__(
        self,
        *args: Any,
        orgs: list[Any],
        templates: list[tuple[int, str]],
        saved_searches: list[tuple[int, str]],
        events: list[tuple[int, str]],
        projects: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.orgs = {org.pk: org for org in orgs}
        none = _("— choose —")
        self.fields["org"].choices = [(org.pk, org.name) for org in orgs]  # type: ignore[attr-defined]
        self.fields["template"].choices = _choices(templates, _("— blank —"))  # type: ignore[attr-defined]
        self.fields["saved_search"].choices = _choices(saved_searches, none)  # type: ignore[attr-defined]
        self.fields["event"].choices = _choices(events, none)  # type: ignore[attr-defined]
        self.fields["project"].choices = _choices(projects, _("All projects"))  # type: ignore[attr-defined]
        self.fields["exclude_saved_search"].choices = _choices(saved_searches, _("Nobody"))  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("audience_kind")
        required = {"saved_search": "saved_search", "event_registrants": "event"}
        if kind in required and not data.get(required[kind]):
            self.add_error(required[kind], _("Choose one."))
        if kind == "upload" and not data.get("upload"):
            self.add_error("upload", _("Choose the file."))
        return data


class EmailCampaignEditForm(forms.Form):
    name = forms.CharField(label=_("Campaign name"), max_length=100)
    subject = forms.CharField(label=_("Email subject"), max_length=200)
    from_name = forms.CharField(label=_("Sender name"), max_length=100, required=False)
    reply_to = forms.EmailField(label=_("Reply-to address"), required=False)
    body_html = forms.CharField(
        label=_("HTML body"),
        widget=forms.Textarea(attrs={"rows": 16, "class": "mono", "data-email-body": ""}),
    )
    body_text = forms.CharField(
        label=_("Plain-text body"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Empty: made from the HTML body."),
    )
    track_opens = forms.BooleanField(label=_("Track opens"), required=False)
    track_clicks = forms.BooleanField(label=_("Track clicks"), required=False)


class EmailTestSendForm(forms.Form):
    addresses = forms.CharField(
        label=_("Send a test to"),
        max_length=1000,
        help_text=_("Up to 10 addresses, separated by commas or spaces."),
    )

    def addresses_list(self) -> list[str]:
        text = self.cleaned_data["addresses"].replace(",", " ").replace("，", " ").replace(";", " ")
        return [part for part in text.split() if part]


class EmailScheduleForm(forms.Form):
    when = forms.DateTimeField(
        label=_("Send at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class EmailTemplateForm(forms.Form):
    name = forms.CharField(label=_("Template name"), max_length=100)
    subject = forms.CharField(label=_("Email subject"), max_length=200)
    body_html = forms.CharField(
        label=_("HTML body"), widget=forms.Textarea(attrs={"rows": 16, "class": "mono"})
    )
    body_text = forms.CharField(
        label=_("Plain-text body"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Empty: made from the HTML body."),
    )
    is_archived = forms.BooleanField(label=_("Archived"), required=False)
