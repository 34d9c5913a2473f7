"""Forms of giving days (console) and beneficiaries' posts (hall). Amounts in yuan, kept in fen."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoyou.donations.forms import _yuan
from xiaoyou.donations.models import ChallengeKind

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


def _datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=DATETIME_FORMATS,
    )


class GivingDayForm(forms.Form):
    org = forms.ChoiceField(label=_("Organization"))
    title = forms.CharField(label=_("Title"), max_length=120)
    summary = forms.CharField(
        label=_("Summary"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_at = _datetime_field(_("Starts at"))
    ends_at = _datetime_field(_("Ends at"))
    goal = forms.CharField(label=_("Goal (yuan)"), required=False)
    projects = forms.MultipleChoiceField(
        label=_("Projects"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, orgs: list[Any], projects: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.orgs = {str(org.pk): org for org in orgs}
        self.project_choices = {str(project.pk): project for project in projects}
        self.fields["org"].choices = [(str(org.pk), str(org)) for org in orgs]  # type: ignore[attr-defined]
        self.fields["projects"].choices = [  # type: ignore[attr-defined]
            (str(project.pk), f"{project.title} · {project.org}") for project in projects
        ]

    def clean_org(self) -> Any:
        return self.orgs[self.cleaned_data["org"]]

    def clean_goal(self) -> int | None:
        return _yuan(self.cleaned_data.get("goal"), required=False)

    def clean_projects(self) -> list[Any]:
        return [self.project_choices[pk] for pk in self.cleaned_data.get("projects") or []]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", gettext("The end must come after the start."))
        return cleaned

    def day_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data.get("summary") or "",
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "goal_amount": data.get("goal"),
        }


class ChallengeForm(forms.Form):
    title = forms.CharField(label=_("Challenge"), max_length=120)
    kind = forms.ChoiceField(label=_("Type"), choices=ChallengeKind.choices)
    threshold = forms.CharField(
        label=_("Threshold"), help_text=_("A number of donors, or an amount in yuan.")
    )
    reward = forms.CharField(label=_("Reward"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text = str(cleaned.get("threshold") or "").strip()
        if cleaned.get("kind") == ChallengeKind.AMOUNT:
            try:
                cleaned["threshold"] = _yuan(text, required=True)
            except forms.ValidationError as error:
                self.add_error("threshold", error)
        elif cleaned.get("kind") == ChallengeKind.DONORS:
            if not text.isdigit() or int(text) <= 0:
                self.add_error("threshold", gettext("Enter a whole number of donors above zero."))
            else:
                cleaned["threshold"] = int(text)
        return cleaned


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Your words to the donors"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
    )
    # A plain file: the service checks it is a real image after the rate limit.
    photo = forms.FileField(label=_("Photo"), required=False)
