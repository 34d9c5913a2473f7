"""Forms of information campaigns (信息采集): the console's campaign form, the public answer
form (built from the campaign's fields) and linking a response to a record."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xiaoyou.accounts.phone import normalize_phone_or_none
from xiaoyou.alumni.custom_fields import active_custom_fields, validate_custom_data
from xiaoyou.alumni.forms_records import _custom_form_field
from xiaoyou.alumni.models import AlumniRecord, CollectionCampaign, CustomField, Department
from xiaoyou.alumni.services.campaigns import ASKABLE_FIELDS

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def field_label(field: str) -> Any:
    """The label of an asked field: the record field's name or the custom field's label."""
    if field.startswith("custom:"):
        custom = CustomField.objects.filter(key=field.removeprefix("custom:")).first()
        return custom.label if custom else field
    return getattr(AlumniRecord._meta.get_field(field), "verbose_name", field)


def field_choices() -> list[tuple[str, Any]]:
    fixed = [(name, field_label(name)) for name in ASKABLE_FIELDS]
    return fixed + [(f"custom:{f.key}", f.label) for f in active_custom_fields()]


def _users_named(text: str) -> tuple[list[Any], list[str]]:
    """Accounts given by phone or email (one per line or separated by commas)."""
    users: list[Any] = []
    unknown: list[str] = []
    model = get_user_model()
    for item in re.split(r"[\s,，;；]+", text or ""):
        if not item:
            continue
        if "@" in item:
            user = model.objects.filter(email__iexact=item, is_active=True).first()
        else:
            phone = normalize_phone_or_none(item)
            user = model.objects.filter(phone=phone, is_active=True).first() if phone else None
        if user is None:
            unknown.append(item)
        elif user not in users:
            users.append(user)
    return users, unknown


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    graduation_year = forms.IntegerField(
        label=_("Year of graduation"), required=False, min_value=1900, max_value=2100
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True).order_by("name"),
        required=False,
    )
    class_name = forms.CharField(label=_("Class"), max_length=50, required=False)
    asked_fields = forms.MultipleChoiceField(
        label=_("Fields to ask"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        widget=DATETIME_INPUT,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    liaisons = forms.CharField(
        label=_("Liaisons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Mobile numbers or emails of the accounts of class liaisons, one per line. "
            "They follow how many classmates have answered."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asked_fields"].choices = field_choices()  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, campaign: CollectionCampaign) -> dict[str, Any]:
        audience = campaign.audience or {}
        return {
            "title": campaign.title,
            "description": campaign.description,
            "graduation_year": audience.get("graduation_year"),
            "department": audience.get("department"),
            "class_name": audience.get("class_name", ""),
            "asked_fields": campaign.fields,
            "closes_at": campaign.closes_at,
            "liaisons": "\n".join(user.phone or user.email for user in campaign.liaisons.all()),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (
            cleaned.get("graduation_year") or cleaned.get("department") or cleaned.get("class_name")
        ):
            raise ValidationError(
                _("Say whom the campaign is for: a year, a department or a class.")
            )
        users, unknown = _users_named(cleaned.get("liaisons", ""))
        if unknown:
            self.add_error(
                "liaisons",
                _("No account with: %(items)s") % {"items": ", ".join(unknown)},
            )
        cleaned["liaison_users"] = users
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        department = data.get("department")
        return {
            "title": data["title"],
            "description": data.get("description", ""),
            "audience": {
                "graduation_year": data.get("graduation_year"),
                "department": department.pk if department else None,
                "class_name": data.get("class_name", ""),
            },
            "fields": data["asked_fields"],
            "closes_at": data.get("closes_at"),
            "liaisons": data.get("liaison_users", []),
        }


CUSTOM_PREFIX = "custom_"


class ResponseForm(forms.Form):
    """The public form: who you are (unless your account is linked to a record) and the
    campaign's fields. Every asked field is optional: people answer what they know."""

    def __init__(
        self,
        *args: Any,
        campaign: CollectionCampaign,
        ask_identity: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.ask_identity = ask_identity
        if ask_identity:
            self.fields["identity_name"] = forms.CharField(label=_("Name"), max_length=50)
            self.fields["identity_student_id"] = forms.CharField(
                label=_("Student number"), max_length=32, required=False
            )
            self.fields["identity_enrollment_year"] = forms.IntegerField(
                label=_("Year of enrollment"),
                required=False,
                min_value=1900,
                max_value=2100,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            self.fields["identity_department"] = forms.CharField(
                label=_("Department"), max_length=100, required=False
            )
        keys = [f.removeprefix("custom:") for f in campaign.fields if f.startswith("custom:")]
        self.custom_fields = list(active_custom_fields().filter(key__in=keys))
        custom_by_key = {field.key: field for field in self.custom_fields}
        for name in campaign.fields:
            if name.startswith("custom:"):
                custom = custom_by_key.get(name.removeprefix("custom:"))
                if custom is not None:
                    self.fields[CUSTOM_PREFIX + custom.key] = _custom_form_field(custom)
            elif name in ASKABLE_FIELDS and not (ask_identity and name in ("name", "student_id")):
                self.fields[name] = self._record_field(name)

    @staticmethod
    def _record_field(name: str) -> forms.Field:
        model_field = AlumniRecord._meta.get_field(name)
        label = getattr(model_field, "verbose_name", name)
        length = getattr(model_field, "max_length", None)
        if name == "email":
            return forms.EmailField(label=label, required=False)
        if name == "phone":
            return forms.CharField(
                label=label,
                max_length=20,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            )
        return forms.CharField(label=label, max_length=length, required=False)

    def identity_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("identity_")]

    def answer_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("identity_")]

    def clean_phone(self) -> str:
        phone = re.sub(r"[\s-]", "", self.cleaned_data.get("phone") or "")
        if phone and not re.fullmatch(r"(\+86)?1[3-9]\d{9}|\+\d{6,15}", phone):
            raise ValidationError(_("Enter a valid mobile number."))
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.ask_identity and cleaned.get("identity_name"):
            has_number = bool(cleaned.get("identity_student_id"))
            has_class = bool(
                cleaned.get("identity_enrollment_year") and cleaned.get("identity_department")
            )
            if not (has_number or has_class):
                raise ValidationError(
                    _(
                        "Give your student number, or your year of enrollment and department, "
                        "so we can find your record."
                    )
                )
        raw = {
            field.key: cleaned.get(CUSTOM_PREFIX + field.key)
            for field in self.custom_fields
            if cleaned.get(CUSTOM_PREFIX + field.key) not in (None, "", [])
        }
        # Answers are optional: only the values given go through the one validator.
        clean, errors = validate_custom_data(
            [field for field in self.custom_fields if field.key in raw], raw
        )
        for key, message in errors.items():
            self.add_error(CUSTOM_PREFIX + key, message)
        cleaned["custom_clean"] = clean
        return cleaned

    def identity(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data.get("identity_name", ""),
            "student_id": data.get("identity_student_id", ""),
            "enrollment_year": data.get("identity_enrollment_year"),
            "department": data.get("identity_department", ""),
        }

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        result: dict[str, Any] = {}
        for name in self.campaign.fields:
            if name.startswith("custom:"):
                value = data.get("custom_clean", {}).get(name.removeprefix("custom:"))
            elif self.ask_identity and name == "name":
                value = data.get("identity_name", "")
            elif self.ask_identity and name == "student_id":
                value = data.get("identity_student_id", "")
            else:
                value = data.get(name, "")
            if isinstance(value, str):
                value = value.strip()
            if value not in (None, "", []):
                result[name] = value
        return result


class LinkForm(forms.Form):
    record_id = forms.IntegerField(label=_("Record number"), min_value=1)
