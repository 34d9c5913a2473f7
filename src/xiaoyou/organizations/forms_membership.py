"""Forms of membership: the join form built from Organization.join_form, and the console's forms.

`JoinAnswersForm` is the one validation of join answers: the hall page renders it (inline,
translated errors), and the join service runs it on the answers of every channel (hall, API,
invitation), so a rule cannot differ between them.

A join-form field is a dict: {"key", "label", "type" (JoinFieldType), "required", "choices",
"help"} and, optionally, "max_length" (text), "min"/"max" (number), "max_size_mb" and
"extensions" (file).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from xiaoyou.accounts.phone import PhoneField
from xiaoyou.organizations.models import JoinFieldType, MemberGroup

DEFAULT_MAX_FILE_MB = 5
DEFAULT_FILE_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "webp", "heic", "doc", "docx")
TEXT_MAX_LENGTH = 200
TEXTAREA_MAX_LENGTH = 2000


def field_choices(spec: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The (value, label) pairs of a choice field; accepts strings, pairs or {value, label}."""
    result: list[tuple[str, str]] = []
    for choice in spec.get("choices") or []:
        if isinstance(choice, Mapping):
            value = str(choice.get("value", choice.get("label", "")))
            label = str(choice.get("label", value))
        elif isinstance(choice, list | tuple) and len(choice) == 2:
            value, label = str(choice[0]), str(choice[1])
        else:
            value = label = str(choice)
        if value:
            result.append((value, label))
    return result


def join_fields(join_form: Any) -> list[dict[str, Any]]:
    """The well-formed fields of a join form (a field without a key or a known type is skipped)."""
    result = []
    for spec in join_form or []:
        if not isinstance(spec, Mapping):
            continue
        key = str(spec.get("key") or "").strip()
        if not key or spec.get("type") not in JoinFieldType.values:
            continue
        result.append({**spec, "key": key})
    return result


def has_required_fields(join_form: Any) -> bool:
    return any(bool(spec.get("required")) for spec in join_fields(join_form))


class FileLimits:
    """Size and type limits of one file field, as a validator with translated messages."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        try:
            self.max_mb = float(spec.get("max_size_mb") or DEFAULT_MAX_FILE_MB)
        except (TypeError, ValueError):
            self.max_mb = float(DEFAULT_MAX_FILE_MB)
        extensions = spec.get("extensions") or DEFAULT_FILE_EXTENSIONS
        self.extensions = tuple(str(ext).lower().lstrip(".") for ext in extensions)

    def __call__(self, upload: UploadedFile) -> None:
        extension = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
        if extension not in self.extensions:
            raise ValidationError(
                _("This type of file is not accepted. Allowed: %(types)s."),
                code="file_type",
                params={"types": ", ".join(self.extensions)},
            )
        if (upload.size or 0) > self.max_mb * 1024 * 1024:
            raise ValidationError(
                _("The file is too large (at most %(size)s MB)."),
                code="file_size",
                params={"size": f"{self.max_mb:g}"},
            )

    @property
    def accept(self) -> str:
        return ",".join(f".{ext}" for ext in self.extensions)


def _form_field(spec: Mapping[str, Any], *, keep_file: bool) -> forms.Field:
    kind = spec["type"]
    common: dict[str, Any] = {
        "label": str(spec.get("label") or spec["key"]),
        "required": bool(spec.get("required")),
        "help_text": str(spec.get("help") or ""),
    }
    if kind == JoinFieldType.TEXT:
        max_length = int(spec.get("max_length") or TEXT_MAX_LENGTH)
        return forms.CharField(max_length=min(max_length, TEXTAREA_MAX_LENGTH), **common)
    if kind == JoinFieldType.TEXTAREA:
        return forms.CharField(
            max_length=TEXTAREA_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}), **common
        )
    if kind == JoinFieldType.NUMBER:
        return forms.DecimalField(
            max_digits=18,
            decimal_places=6,
            min_value=spec.get("min"),
            max_value=spec.get("max"),
            widget=forms.NumberInput(attrs={"inputmode": "decimal"}),
            **common,
        )
    if kind == JoinFieldType.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == JoinFieldType.CHOICE:
        choices = field_choices(spec)
        widget: forms.Widget = (
            forms.RadioSelect() if len(choices) <= 5 else forms.Select()  # type: ignore[assignment]
        )
        return forms.ChoiceField(
            choices=[("", "—"), *choices] if len(choices) > 5 else choices,
            widget=widget,
            **common,
        )
    if kind == JoinFieldType.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=field_choices(spec), widget=forms.CheckboxSelectMultiple, **common
        )
    limits = FileLimits(spec)
    if keep_file:
        # Re-editing: the file already given stays unless a new one is uploaded.
        common["required"] = False
        common["help_text"] = " ".join(
            part
            for part in (common["help_text"], str(_("Leave empty to keep the current file.")))
            if part
        )
    return forms.FileField(
        validators=[limits],
        widget=forms.ClearableFileInput(attrs={"accept": limits.accept}),
        **common,
    )


class JoinAnswersForm(forms.Form):
    """One field per join-form field; `answers()` gives the JSON-safe answers after validation.

    `existing` are the answers already on file (re-editing one's join information): file fields
    that have one become optional and keep it.
    """

    def __init__(
        self,
        join_form: Any,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        *,
        existing: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.specs = join_fields(join_form)
        self.existing = dict(existing or {})
        if data is not None and not hasattr(data, "getlist"):
            data = _as_form_data(data, self.specs)
        if existing and "initial" not in kwargs:
            kwargs["initial"] = _initial(self.specs, self.existing)
        super().__init__(data, files, **kwargs)  # type: ignore[arg-type]
        for spec in self.specs:
            keep_file = spec["type"] == JoinFieldType.FILE and bool(self.existing.get(spec["key"]))
            self.fields[spec["key"]] = _form_field(spec, keep_file=keep_file)

    def answers(self) -> dict[str, Any]:
        """Cleaned answers, JSON-safe; file fields hold the upload until the service stores it."""
        result: dict[str, Any] = {}
        for spec in self.specs:
            key = spec["key"]
            value = self.cleaned_data.get(key)
            if spec["type"] == JoinFieldType.FILE:
                if value:
                    result[key] = value
                elif self.existing.get(key):
                    result[key] = self.existing[key]
                continue
            if value in (None, "", []):
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = int(value) if value == value.to_integral_value() else float(value)
            elif isinstance(value, list):
                value = [str(item) for item in value]
            result[key] = value
        return result

    def field_errors(self) -> dict[str, list[str]]:
        return {key: [str(message) for message in errors] for key, errors in self.errors.items()}


def _as_form_data(data: Mapping[str, Any], specs: list[dict[str, Any]]) -> dict[str, Any]:
    """JSON answers (API) as form data: numbers and lists become what the widgets read."""
    result: dict[str, Any] = {}
    for spec in specs:
        key = spec["key"]
        if key not in data or data[key] is None:
            continue
        value = data[key]
        if spec["type"] == JoinFieldType.MULTIPLE_CHOICE:
            result[key] = [str(item) for item in value] if isinstance(value, list) else [str(value)]
        elif isinstance(value, list | dict):
            # A list or an object is no answer to a text, number, date or choice question; an
            # empty string makes the field's own "required" rule speak, anything else is refused.
            result[key] = "[]" if value else ""
        else:
            result[key] = str(value)
    return result


def _initial(specs: Iterable[Mapping[str, Any]], existing: Mapping[str, Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for spec in specs:
        key = spec["key"]
        if key in existing and spec["type"] != JoinFieldType.FILE:
            initial[key] = existing[key]
    return initial


def answer_rows(join_form: Any, answers: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """(label, shown value, type) of each answer, in the form's order, then unknown keys."""
    rows: list[tuple[str, Any, str]] = []
    seen: set[str] = set()
    choices_by_key = {spec["key"]: dict(field_choices(spec)) for spec in join_fields(join_form)}
    for spec in join_fields(join_form):
        key = spec["key"]
        seen.add(key)
        if key not in answers:
            continue
        rows.append(
            (str(spec.get("label") or key), _shown(answers[key], choices_by_key[key]), spec["type"])
        )
    for key, value in answers.items():
        if key not in seen:
            rows.append((key, _shown(value, {}), ""))
    return rows


def _shown(value: Any, choices: Mapping[str, str]) -> Any:
    if isinstance(value, list):
        return "、".join(choices.get(str(item), str(item)) for item in value)
    if isinstance(value, Mapping):
        return value  # a file: {"file_id", "name"}
    return choices.get(str(value), value)


# --- Hall -----------------------------------------------------------------------------------


class JoinMessageForm(forms.Form):
    """The optional note to the reviewers, next to the join form's own fields."""

    join_message = forms.CharField(
        label=_("Message to the organization"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Console --------------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class MemberImportForm(forms.Form):
    """One person added by hand (导入): name and mobile, optionally their student number."""

    name = forms.CharField(label=_("Name"), max_length=100)
    phone = PhoneField(label=_("Mobile phone"))
    student_id = forms.CharField(
        label=_("Student number"),
        max_length=32,
        required=False,
        help_text=_("Links the person to their alumni record."),
    )


class MemberImportFileForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise ValidationError(_("Upload an .xlsx file."), code="file_type")
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("The file is too large (at most %(size)s MB).") % {"size": 5})
        return upload


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=60)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class GroupChoiceForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=MemberGroup.objects.none())

    def __init__(self, *args: Any, org: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = MemberGroup.objects.filter(org=org)  # type: ignore[attr-defined]


class SmsInviteForm(forms.Form):
    """Bulk SMS invitation: mobile numbers (one a line) and/or student numbers of records."""

    recipients = forms.CharField(
        label=_("Mobile numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "13800138000\n13900139000"}),
        help_text=_("One number a line, or separated by commas."),
    )
    template = forms.ChoiceField(label=_("SMS template"), choices=())

    def __init__(self, *args: Any, templates: Iterable[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = list(templates)  # type: ignore[attr-defined]

    def recipient_list(self) -> list[str]:
        text = self.cleaned_data.get("recipients") or ""
        parts = [
            part.strip()
            for line in text.splitlines()
            for part in line.replace("，", ",").split(",")
        ]
        return [part for part in parts if part]
