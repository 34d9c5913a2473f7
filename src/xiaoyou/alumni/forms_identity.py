"""Forms of identity claims (认证校友身份) and record merges."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ClaimForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=50)
    student_id = forms.CharField(label=_("student number"), max_length=32, required=False)
    enrollment_year = forms.IntegerField(
        label=_("year of enrollment"), required=False, min_value=1900, max_value=2100
    )
    department = forms.CharField(label=_("department"), max_length=100, required=False)
    birth_date = forms.DateField(
        label=_("date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_birth_date(self) -> datetime.date | None:
        value = self.cleaned_data.get("birth_date")
        if value and value > datetime.date.today():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("student_id") and not data.get("enrollment_year"):
            raise forms.ValidationError(
                _("Give your student number, or your year of enrollment and department.")
            )
        return data


class MergeForm(forms.Form):
    """One radio per field that differs: keep this record's value or take the other's."""

    def __init__(self, *args: Any, rows: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            if not row["differs"]:
                continue
            self.fields[f"choice_{row['field']}"] = forms.ChoiceField(
                label=row["label"],
                choices=[("keep", _("Kept record")), ("other", _("Other record"))],
                initial=row["default"],
                widget=forms.RadioSelect,
                # A field left unanswered keeps the kept record's value.
                required=False,
            )

    def choices(self) -> dict[str, str]:
        return {
            name.removeprefix("choice_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("choice_") and value
        }
