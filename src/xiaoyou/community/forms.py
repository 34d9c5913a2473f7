"""Forms of the community pages (plain text, length limits mirrored from the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoyou.community.models import (
    BoardVisibility,
    ContactPreference,
    HelpCategory,
    HelpKind,
)
from xiaoyou.community.models.common import BODY_MAX_LENGTH, REPLY_MAX_LENGTH, TITLE_MAX_LENGTH
from xiaoyou.organizations.models import ContentReviewMode


class MessageForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Post to"), coerce=int)
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=BoardVisibility.choices,
        initial=BoardVisibility.PUBLIC,
        widget=forms.RadioSelect,
        help_text=_("A private question is seen only by you and the organization's staff."),
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body = forms.CharField(
        label=_("Your message"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, orgs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(org.pk, org.name) for org in orgs]  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"), max_length=REPLY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class HelpPostForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("I am posting"), choices=HelpKind.choices, widget=forms.RadioSelect
    )
    category = forms.ChoiceField(label=_("Category"), choices=HelpCategory.choices)
    city = forms.CharField(label=_("City"), max_length=60, required=False)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body = forms.CharField(
        label=_("Details"), max_length=BODY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
    )
    contact_preference = forms.ChoiceField(
        label=_("How to reach me"),
        choices=ContactPreference.choices,
        initial=ContactPreference.REPLY_ONLY,
        widget=forms.RadioSelect,
    )
    contact = forms.CharField(
        label=_("Contact details"),
        max_length=100,
        required=False,
        help_text=_("Shown to verified alumni only, e.g. your WeChat ID."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("contact_preference") == ContactPreference.SHOW_CONTACT
            and not (data.get("contact") or "").strip()
        ):
            self.add_error("contact", _("Please enter the contact details to show."))
        return data


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this post abusive?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


MODE_CHOICES = [("", _("Organization default")), *ContentReviewMode.choices]


class SettingsForm(forms.Form):
    board_review_mode = forms.ChoiceField(
        label=_("Message board moderation"), choices=MODE_CHOICES, required=False
    )
    help_review_mode = forms.ChoiceField(
        label=_("Mutual help moderation"), choices=MODE_CHOICES, required=False
    )
    report_hide_threshold = forms.IntegerField(
        label=_("Reports before hiding"), min_value=1, max_value=100
    )
