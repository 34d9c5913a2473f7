"""The search page's parameters (GET) as a form: text, filters and sort -> SearchFilters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from xiaoyou.alumni.models import (
    CustomField,
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

# Query parameters a saved search keeps (not the page, page size or export).
SAVED_KEYS = (
    "q", "college", "department", "major", "class_name", "degree_level", "enroll_from",
    "enroll_to", "grad_from", "grad_to", "province", "city", "industry", "tag", "status",
    "verification", "key", "gender", "sort",
)  # fmt: skip
CUSTOM_PREFIX = "cf_"


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("Any")), *list(choices)]


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
        self.custom_fields = list(CustomField.objects.filter(is_active=True).order_by("order"))
        for field in self.custom_fields:
            self.fields[CUSTOM_PREFIX + field.key] = forms.CharField(
                label=field.label, required=False, max_length=100
            )
        self.is_valid()

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
        custom = {}
        for name, value in values.items():
            if name.startswith(CUSTOM_PREFIX) and value:
                field_key = name[len(CUSTOM_PREFIX) :]
                if CUSTOM_KEY.match(field_key):
                    custom[field_key] = value
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
            custom=custom,
        )

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
