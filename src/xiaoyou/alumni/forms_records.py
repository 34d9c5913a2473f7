"""Forms of the record pages: the record with its degree formset, the alumnus's own profile,
custom field definitions and the department tree. Validation rules live in the services and in
alumni.custom_fields / alumni.sensitive; the forms only shape the input."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xiaoyou.alumni import sensitive
from xiaoyou.alumni.custom_fields import validate_custom_data
from xiaoyou.alumni.models import (
    AlumniRecord,
    CustomField,
    CustomFieldType,
    DegreeLevel,
    Department,
    DepartmentKind,
    Gender,
    Major,
    RecordStatus,
)
from xiaoyou.organizations.models import Organization

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CUSTOM_PREFIX = "cf_"


def _custom_form_field(field: CustomField) -> forms.Field:
    common: dict[str, Any] = {
        "label": field.label,
        "required": False,  # checked by validate_custom_data, which gives the one message
        "help_text": field.help_text,
    }
    choices = [(choice, choice) for choice in field.choices or []]
    if field.type == CustomFieldType.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if field.type == CustomFieldType.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if field.type == CustomFieldType.DATE:
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if field.type == CustomFieldType.NUMBER:
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if field.type == CustomFieldType.URL:
        return forms.CharField(widget=forms.URLInput(), **common)
    return forms.CharField(**common)


class RecordForm(forms.Form):
    """Identity, contact, work, status and custom fields of one record (staff)."""

    name = forms.CharField(label=_("Name"), max_length=50)
    former_name = forms.CharField(label=_("Former name"), max_length=50, required=False)
    english_name = forms.CharField(label=_("English name"), max_length=100, required=False)
    gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", "—"), *Gender.choices], required=False
    )
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE_INPUT)
    lunar_birth_date = forms.CharField(
        label=_("Lunar date of birth"), max_length=20, required=False
    )
    national_id = forms.CharField(
        label=_("National ID number"),
        max_length=24,
        required=False,
        help_text=_("Leave empty to keep the stored number."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    clear_national_id = forms.BooleanField(label=_("Remove the ID number"), required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    wechat = forms.CharField(label=_("WeChat ID"), max_length=60, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    country = forms.CharField(label=_("Country or region"), max_length=60, required=False)
    province = forms.CharField(label=_("Province"), max_length=60, required=False)
    city = forms.CharField(label=_("City"), max_length=60, required=False)
    employer = forms.CharField(label=_("Employer"), max_length=150, required=False)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    industry = forms.CharField(label=_("Industry"), max_length=60, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=RecordStatus.choices)
    is_key_alumnus = forms.BooleanField(label=_("Key alumnus"), required=False)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate tags with commas."),
    )

    PLAIN_FIELDS = (
        "name",
        "former_name",
        "english_name",
        "gender",
        "birth_date",
        "lunar_birth_date",
        "phone",
        "email",
        "wechat",
        "address",
        "country",
        "province",
        "city",
        "employer",
        "position",
        "industry",
        "status",
        "is_key_alumnus",
    )

    def __init__(self, *args: Any, custom_fields: list[CustomField], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.custom_fields = custom_fields
        for field in custom_fields:
            self.fields[CUSTOM_PREFIX + field.key] = _custom_form_field(field)

    @classmethod
    def initial_for(cls, record: AlumniRecord) -> dict[str, Any]:
        initial = {name: getattr(record, name) for name in cls.PLAIN_FIELDS}
        initial["tags"] = ", ".join(record.tags.values_list("name", flat=True))
        for key, value in (record.custom_data or {}).items():
            initial[CUSTOM_PREFIX + key] = value
        return initial

    def custom_bound_fields(self) -> list[forms.BoundField]:
        return [self[CUSTOM_PREFIX + field.key] for field in self.custom_fields]

    def clean_national_id(self) -> str:
        value = self.cleaned_data.get("national_id") or ""
        return sensitive.validate_national_id(value) if value.strip() else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        data = {field.key: cleaned.get(CUSTOM_PREFIX + field.key) for field in self.custom_fields}
        clean, errors = validate_custom_data(self.custom_fields, data)
        for key, message in errors.items():
            self.add_error(CUSTOM_PREFIX + key, message)
        cleaned["custom_data"] = clean
        return cleaned

    def changes(self) -> dict[str, Any]:
        """What the services take: plain fields, custom data, and the ID number if typed."""
        data = self.cleaned_data
        changes = {name: data.get(name) for name in self.PLAIN_FIELDS}
        for name in ("gender",):
            changes[name] = changes[name] or ""
        if data.get("clear_national_id"):
            changes["national_id"] = ""
        elif data.get("national_id"):
            changes["national_id"] = data["national_id"]
        if self.custom_fields:
            changes["custom_data"] = {
                field.key: data.get(CUSTOM_PREFIX + field.key) for field in self.custom_fields
            }
        return changes

    def tag_names(self) -> list[str]:
        text = self.cleaned_data.get("tags") or ""
        return [part.strip() for part in re.split(r"[,，、;；]", text) if part.strip()]

    def apply_errors(self, error: ValidationError) -> None:
        """Puts a service's ValidationError on the matching fields (custom_x -> cf_x)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            name = CUSTOM_PREFIX + key[len("custom_") :] if key.startswith("custom_") else key
            self.add_error(name if name in self.fields else None, messages)


class DegreeForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    level = forms.ChoiceField(label=_("Degree level"), choices=DegreeLevel.choices)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    major = forms.ModelChoiceField(label=_("Major"), queryset=Major.objects.none(), required=False)
    class_name = forms.CharField(label=_("Class"), max_length=50, required=False)
    student_id = forms.CharField(label=_("Student number"), max_length=32, required=False)
    enrollment_year = forms.IntegerField(
        label=_("Year of enrollment"), min_value=1900, max_value=2100, required=False
    )
    graduation_year = forms.IntegerField(
        label=_("Year of graduation"), min_value=1900, max_value=2100, required=False
    )
    is_primary = forms.BooleanField(label=pgettext_lazy("degree", "Primary"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department_field = self.fields["department"]
        assert isinstance(department_field, forms.ModelChoiceField)
        department_field.queryset = Department.objects.filter(is_active=True).order_by("code")
        major_field = self.fields["major"]
        assert isinstance(major_field, forms.ModelChoiceField)
        major_field.queryset = Major.objects.select_related("department").order_by(
            "department__code", "name"
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("enrollment_year"), cleaned.get("graduation_year")
        if start and end and end < start:
            self.add_error(
                "graduation_year", _("The graduation year comes before the enrollment year.")
            )
        major, department = cleaned.get("major"), cleaned.get("department")
        if major is not None and department is not None and major.department_id != department.pk:
            self.add_error("major", _("This major belongs to another department."))
        return cleaned


DegreeFormSet = formset_factory(DegreeForm, extra=1, can_delete=True, max_num=10)


def degree_rows(formset: Any) -> list[dict[str, Any]]:
    """The formset's entries as the services take them (deleted and empty rows left out)."""
    rows: list[dict[str, Any]] = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        if not any(
            data.get(name)
            for name in ("department", "major", "class_name", "student_id", "enrollment_year")
        ) and not data.get("id"):
            continue
        rows.append({key: value for key, value in data.items() if key != "DELETE"})
    return rows


class SelfProfileForm(forms.Form):
    """What an alumnus updates on their own record: contact and work."""

    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    wechat = forms.CharField(label=_("WeChat ID"), max_length=60, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=60, required=False)
    province = forms.CharField(label=_("Province"), max_length=60, required=False)
    country = forms.CharField(label=_("Country or region"), max_length=60, required=False)
    employer = forms.CharField(label=_("Employer"), max_length=150, required=False)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    industry = forms.CharField(label=_("Industry"), max_length=60, required=False)

    def clean_phone(self) -> str:
        phone = re.sub(r"[\s-]", "", self.cleaned_data.get("phone") or "")
        if phone and not re.fullmatch(r"(\+86)?1\d{10}|\+\d{6,15}", phone):
            raise ValidationError(_("Enter a valid mobile number."))
        return phone


class CustomFieldForm(forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One choice per line (for the choice types)."),
    )

    class Meta:
        model = CustomField
        fields = [
            "key",
            "label",
            "type",
            "is_required",
            "pattern",
            "min_value",
            "max_value",
            "help_text",
            "order",
            "is_active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["choices_text"].initial = "\n".join(self.instance.choices or [])
            # Stored values are keyed by it: the key never changes once made.
            self.fields["key"].disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("type")
        choices = [
            line.strip()
            for line in (cleaned.get("choices_text") or "").splitlines()
            if line.strip()
        ]
        if kind in (CustomFieldType.CHOICE, CustomFieldType.MULTIPLE_CHOICE):
            if len(choices) < 2:
                self.add_error("choices_text", _("Give at least two choices."))
            elif len(set(choices)) != len(choices):
                self.add_error("choices_text", _("The choices must differ."))
        else:
            choices = []
        cleaned["choices"] = choices
        pattern = cleaned.get("pattern") or ""
        if pattern:
            try:
                re.compile(pattern)
            except re.error:
                self.add_error("pattern", _("This is not a valid regular expression."))
        low, high = cleaned.get("min_value"), cleaned.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("max_value", _("The maximum is below the minimum."))
        return cleaned


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.CharField(label=_("Code"), max_length=20)
    kind = forms.ChoiceField(label=_("Type"), choices=DepartmentKind.choices)
    parent = forms.ModelChoiceField(
        label=_("Parent unit"), queryset=Department.objects.none(), required=False
    )
    org = forms.ModelChoiceField(
        label=_("College association"),
        queryset=Organization.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        parent.queryset = Department.objects.filter(is_active=True).order_by("code")
        org = self.fields["org"]
        assert isinstance(org, forms.ModelChoiceField)
        org.queryset = Organization.objects.filter(is_active=True).order_by("path")

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if Department.objects.filter(code=code).exists():
            raise ValidationError(_("This code is already used."))
        return code


class DepartmentEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    until_year = forms.IntegerField(
        label=_("Old name used until (year)"), min_value=1900, max_value=2100, required=False
    )
    org = forms.ModelChoiceField(
        label=_("College association"), queryset=Organization.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = self.fields["org"]
        assert isinstance(org, forms.ModelChoiceField)
        org.queryset = Organization.objects.filter(is_active=True).order_by("path")


class DepartmentMergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=Department.objects.none())

    def __init__(self, *args: Any, department: Department, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        into = self.fields["into"]
        assert isinstance(into, forms.ModelChoiceField)
        into.queryset = Department.objects.filter(is_active=True).exclude(pk=department.pk)
