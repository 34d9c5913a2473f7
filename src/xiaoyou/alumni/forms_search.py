"""The search page's parameters (GET) as a form: text, filters and sort -> SearchFilters."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from xiaoyou.alumni.models import (
    CustomField,
    CustomFieldType,
    DegreeLevel,
    Department,
    Major,
    RecordStatus,
    Tag,
    VerificationState,
)
from xiaoyou.alumni.models.departments import DepartmentKind
from xiaoyou.alumni.models.records import Gender
from xiaoyou.alumni.selectors_search import CUSTOM_KEY, SearchFilters, Sort
from xiaoyou.alumni.selectors_search_custom import MAX_VALUES, RANGE_TYPES, CustomFilter

# Query parameters a saved search keeps (not the page, page size or export).
SAVED_KEYS = (
    "q", "college", "department", "major", "class_name", "degree_level", "enroll_from",
    "enroll_to", "grad_from", "grad_to", "province", "city", "industry", "tag", "status",
    "verification", "key", "gender", "sort",
)  # fmt: skip
CUSTOM_PREFIX = "cf_"


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("Any")), *list(choices)]


class _ChosenValues(forms.MultipleChoiceField):
    def clean(self, value: Any) -> Any:
        return super().clean(value)[:MAX_VALUES]


def custom_filter_fields(field: CustomField) -> dict[str, forms.Field]:
    """The filter inputs of one custom field, by type (names start with cf_<key>): text and
    URL a "contains" box; number and date a from/to pair (__min, __max); single choice any of
    the chosen values; multiple choice the chosen values and whether any or all must be had
    (__match)."""
    name = CUSTOM_PREFIX + field.key
    if field.type in RANGE_TYPES:
        if field.type == CustomFieldType.NUMBER:
            bounds: list[forms.Field] = [
                forms.FloatField(required=False, widget=forms.NumberInput(attrs={"step": "any"}))
                for _side in (0, 1)
            ]
        else:
            bounds = [
                forms.DateField(
                    required=False,
                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                )
                for _side in (0, 1)
            ]
        bounds[0].label = _("%(field)s from") % {"field": field.label}
        bounds[1].label = _("%(field)s until") % {"field": field.label}
        for bound in bounds:
            bound.widget.attrs["aria-label"] = str(bound.label)
        return {f"{name}__min": bounds[0], f"{name}__max": bounds[1]}
    if field.type in (CustomFieldType.CHOICE, CustomFieldType.MULTIPLE_CHOICE):
        choices = [(str(choice), str(choice)) for choice in field.choices or []]
        chosen = _ChosenValues(
            label=field.label,
            required=False,
            choices=choices,
            widget=forms.SelectMultiple(attrs={"size": min(max(len(choices), 2), 5)}),
        )
        if field.type == CustomFieldType.CHOICE:
            return {name: chosen}
        match = forms.ChoiceField(
            label=_("%(field)s: match") % {"field": field.label},
            required=False,
            choices=[("any", _("Has any of these")), ("all", _("Has all of these"))],
        )
        return {name: chosen, f"{name}__match": match}
    return {
        name: forms.CharField(
            label=field.label,
            required=False,
            max_length=100,
            widget=forms.TextInput(attrs={"placeholder": _("contains")}),
        )
    }


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    college = forms.ModelChoiceField(
        label=_("College"), required=False, queryset=Department.objects.none()
    )
    department = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=Department.objects.none()
    )
    major = forms.ModelChoiceField(label=_("Major"), required=False, queryset=Major.objects.none())
    class_name = forms.CharField(label=_("Class"), required=False, max_length=50)
    degree_level = forms.ChoiceField(
        label=_("Degree level"), required=False, choices=_blank(DegreeLevel.choices)
    )
    enroll_from = forms.IntegerField(label=_("Enrolled from"), required=False, min_value=1900)
    enroll_to = forms.IntegerField(label=_("Enrolled until"), required=False, min_value=1900)
    grad_from = forms.IntegerField(label=_("Graduated from"), required=False, min_value=1900)
    grad_to = forms.IntegerField(label=_("Graduated until"), required=False, min_value=1900)
    province = forms.CharField(label=_("Province"), required=False, max_length=60)
    city = forms.CharField(label=_("City"), required=False, max_length=60)
    industry = forms.CharField(label=_("Industry"), required=False, max_length=60)
    tag = forms.ModelMultipleChoiceField(
        label=_("Tags"), required=False, queryset=Tag.objects.all()
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(RecordStatus.choices)
    )
    verification = forms.ChoiceField(
        label=_("Verification"), required=False, choices=_blank(VerificationState.choices)
    )
    key = forms.ChoiceField(
        label=_("Key alumni"),
        required=False,
        choices=[("", _("Any")), ("1", _("Key alumni only")), ("0", _("Others"))],
    )
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=_blank(Gender.choices))
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("", _("Relevance")),
            ("name", _("Name")),
            ("-graduation_year", _("Graduation year, newest first")),
            ("graduation_year", _("Graduation year, oldest first")),
            ("-updated_at", _("Recently updated")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        colleges = Department.objects.filter(
            is_active=True, kind__in=[DepartmentKind.COLLEGE, DepartmentKind.SCHOOL]
        )
        self.fields["college"].queryset = colleges  # type: ignore[attr-defined]
        data = self.data
        college_id = data.get("college") if data else None
        department_id = data.get("department") if data else None
        self.fields["department"].queryset = (  # type: ignore[attr-defined]
            Department.objects.filter(parent_id=college_id, is_active=True)
            if str(college_id or "").isdigit()
            else Department.objects.none()
        )
        unit = department_id if str(department_id or "").isdigit() else college_id
        self.fields["major"].queryset = (  # type: ignore[attr-defined]
            Major.objects.filter(department_id=int(str(unit)))
            if str(unit or "").isdigit()
            else Major.objects.none()
        )
        self.custom_fields = list(
            CustomField.objects.filter(is_active=True).order_by("order", "id")
        )
        for field in self.custom_fields:
            self.fields.update(custom_filter_fields(field))
        self.is_valid()

    @property
    def custom_groups(self) -> list[dict[str, Any]]:
        """The custom-field filters for the template: one group (label, inputs) per field."""
        groups = []
        for field in self.custom_fields:
            names = [name for name in custom_filter_fields(field) if name in self.fields]
            groups.append(
                {
                    "key": field.key,
                    "label": field.label,
                    "type": field.type,
                    "range": field.type in RANGE_TYPES,
                    "inputs": [self[name] for name in names],
                }
            )
        return groups

    @classmethod
    def from_query(cls, query: dict[str, Any] | QueryDict) -> SearchForm:
        if isinstance(query, QueryDict):
            return cls(query)
        data = QueryDict(mutable=True)
        for key, value in query.items():
            if isinstance(value, list):
                data.setlist(key, [str(item) for item in value])
            elif value not in (None, ""):
                data[key] = str(value)
        return cls(data)

    @property
    def clean_values(self) -> dict[str, Any]:
        cleaned = getattr(self, "cleaned_data", {})
        return {name: value for name, value in cleaned.items() if name not in self.errors}

    @property
    def text(self) -> str:
        return str(self.clean_values.get("q") or "")

    @property
    def sort_key(self) -> str:
        value = str(self.clean_values.get("sort") or "")
        return value if value in Sort.CHOICES else ""

    @property
    def filters(self) -> SearchFilters:
        values = self.clean_values
        unit = values.get("department") or values.get("college")
        key = values.get("key")
        return SearchFilters(
            department=unit.pk if unit else None,
            major=values["major"].pk if values.get("major") else None,
            class_name=values.get("class_name") or "",
            degree_level=values.get("degree_level") or "",
            enrollment_year_min=values.get("enroll_from"),
            enrollment_year_max=values.get("enroll_to"),
            graduation_year_min=values.get("grad_from"),
            graduation_year_max=values.get("grad_to"),
            province=values.get("province") or "",
            city=values.get("city") or "",
            industry=values.get("industry") or "",
            tags=[tag.pk for tag in values.get("tag") or []],
            status=values.get("status") or "",
            verification=values.get("verification") or "",
            is_key_alumnus=None if key in (None, "") else key == "1",
            gender=values.get("gender") or "",
            custom_filters=self.custom_filters(values),
        )

    def custom_filters(self, values: dict[str, Any]) -> list[CustomFilter]:
        found = []
        for field in self.custom_fields:
            if not CUSTOM_KEY.match(field.key):
                continue
            name = CUSTOM_PREFIX + field.key
            item = CustomFilter(key=field.key)
            if field.type in RANGE_TYPES:
                for side in ("min", "max"):
                    bound = values.get(f"{name}__{side}")
                    if isinstance(bound, datetime.date):
                        bound = bound.isoformat()
                    setattr(item, side, bound)
            elif field.type == CustomFieldType.MULTIPLE_CHOICE:
                chosen = list(values.get(name) or [])
                if values.get(f"{name}__match") == "all":
                    item.all_of = chosen
                else:
                    item.any_of = chosen
            elif field.type == CustomFieldType.CHOICE:
                item.any_of = list(values.get(name) or [])
            else:
                item.contains = str(values.get(name) or "").strip()
            if not item.is_empty():
                found.append(item)
        return found

    def saved_query(self) -> dict[str, Any]:
        """The parameters worth keeping in a SavedSearch."""
        data: Any = self.data
        query: dict[str, Any] = {}
        for key in data:
            if key in SAVED_KEYS or key.startswith(CUSTOM_PREFIX):
                values = [value for value in data.getlist(key) if value]
                if values:
                    query[key] = values if len(values) > 1 or key == "tag" else values[0]
        return query
