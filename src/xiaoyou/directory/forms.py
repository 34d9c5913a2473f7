"""Forms of the directory: the search panel, privacy settings and the school's defaults."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoyou.alumni.models import AlumniRecord
from xiaoyou.directory.models import PRIVATE_FIELDS, Visibility
from xiaoyou.directory.selectors_directory import DirectoryFilters


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=50, required=False)
    class_name = forms.CharField(label=_("Class"), max_length=50, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100, required=False)
    major = forms.CharField(label=_("Major"), max_length=60, required=False)
    city = forms.CharField(label=_("City"), max_length=60, required=False)
    employer = forms.CharField(label=_("Employer"), max_length=100, required=False)
    industry = forms.CharField(label=_("Industry"), max_length=60, required=False)

    def filters(self) -> DirectoryFilters:
        if not self.is_bound or not self.is_valid():
            return DirectoryFilters()
        data = self.cleaned_data
        return DirectoryFilters(
            text=data.get("q") or "",
            class_name=data.get("class_name") or "",
            year=data.get("year"),
            major=data.get("major") or "",
            city=data.get("city") or "",
            employer=data.get("employer") or "",
            industry=data.get("industry") or "",
        )


def _label(name: str) -> Any:
    return getattr(AlumniRecord._meta.get_field(name), "verbose_name", name)


class PrivacyForm(forms.Form):
    """One choice per field; the first option follows the school's default (shown by name)."""

    def __init__(self, *args: Any, defaults: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Visibility.choices)
        for name in PRIVATE_FIELDS:
            default_label = _("School default (%(level)s)") % {"level": labels[defaults[name]]}
            self.fields[name] = forms.ChoiceField(
                label=_label(name),
                choices=[("", default_label), *Visibility.choices],
                required=False,
            )


class DirectorySettingsForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in PRIVATE_FIELDS:
            self.fields[name] = forms.ChoiceField(label=_label(name), choices=Visibility.choices)
