"""Forms of polls: the poll with its options (a formset, each option with an optional image),
the vote form built from a poll's options, a comment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoyou.polls.models import (
    Audience,
    ChoiceKind,
    CommentMode,
    Poll,
    PollOption,
    ResultsVisibility,
)


def _datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class PollForm(forms.Form):
    org = forms.ChoiceField(label=_("Organizer"))
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    cover = forms.ImageField(label=_("Cover"), required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=ChoiceKind.choices, initial=ChoiceKind.SINGLE)
    min_choices = forms.IntegerField(label=_("Fewest choices"), min_value=1, initial=1)
    max_choices = forms.IntegerField(label=_("Most choices"), min_value=1, initial=1)
    starts_at = _datetime_field(_("Voting opens"))
    ends_at = _datetime_field(_("Voting closes"))
    audience = forms.ChoiceField(
        label=_("Who may vote"), choices=Audience.choices, initial=Audience.SIGNED_IN
    )
    results_visibility = forms.ChoiceField(
        label=_("Results shown"),
        choices=ResultsVisibility.choices,
        initial=ResultsVisibility.ALWAYS,
    )
    comments = forms.ChoiceField(
        label=_("Comments"), choices=CommentMode.choices, initial=CommentMode.OPEN
    )

    PLAIN = (
        "title", "description", "kind", "min_choices", "max_choices", "starts_at", "ends_at",
        "audience", "results_visibility", "comments",
    )  # fmt: skip

    def __init__(self, *args: Any, orgs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.orgs = {str(org.pk): org for org in orgs}
        self.fields["org"].choices = [(str(org.pk), str(org)) for org in orgs]  # type: ignore[attr-defined]

    def clean_org(self) -> Any:
        return self.orgs[self.cleaned_data["org"]]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", gettext("Voting must close after it opens."))
        low, high = cleaned.get("min_choices"), cleaned.get("max_choices")
        if low and high and low > high:
            self.add_error("max_choices", gettext("At least the fewest choices."))
        return cleaned

    def poll_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in self.PLAIN}
        data["description"] = data["description"] or ""
        if self.cleaned_data.get("cover"):
            data["cover"] = self.cleaned_data["cover"]
        return data


def poll_initial(poll: Poll) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(poll, name) for name in PollForm.PLAIN}
    initial["org"] = poll.org_id
    return initial


class OptionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(label=_("Option"), max_length=120, required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    image = forms.ImageField(label=_("Image"), required=False)


class BaseOptionFormSet(forms.BaseFormSet):
    def options(self) -> list[dict[str, Any]]:
        """The options the services take, in order; blank and deleted rows left out."""
        kept: list[dict[str, Any]] = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data.get("label") or (self.can_delete and data.get("DELETE")):
                continue
            item = {"label": data["label"], "description": data.get("description") or ""}
            if data.get("id"):
                item["id"] = data["id"]
            if data.get("image"):
                item["image"] = data["image"]
            kept.append(item)
        return kept


OptionFormSet: type[BaseOptionFormSet] = forms.formset_factory(  # type: ignore[assignment]
    OptionForm, formset=BaseOptionFormSet, extra=0, can_delete=True, max_num=50
)


def options_initial(options: list[PollOption]) -> list[dict[str, Any]]:
    return [
        {"id": option.pk, "label": option.label, "description": option.description}
        for option in options
    ]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
