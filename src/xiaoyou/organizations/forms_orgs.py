"""Forms of organization management: the organization's profile, its join-form builder (a
formset of fields that can be added, removed and reordered), archive and cross links.

The forms show errors inline; the services check the same rules again (the API has no form).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoyou.alumni.models import Department
from xiaoyou.organizations.models import (
    JoinFieldType,
    LinkKind,
    Organization,
    OrganizationKind,
)
from xiaoyou.organizations.services.join_forms import (
    CHOICE_TYPES,
    JOIN_FORM_MAX_FIELDS,
    JOIN_HELP_MAX,
    JOIN_LABEL_MAX,
    join_field_normalize,
    join_field_problems,
)
from xiaoyou.organizations.services.org_profiles import (
    COVER_MAX_BYTES,
    LOGO_MAX_BYTES,
    organization_profile_problems,
)

# Provincial-level divisions (GB/T 2260), offered as suggestions; overseas associations use 海外.
PROVINCES: tuple[str, ...] = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
    "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省",
    "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省",
    "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
    "香港特别行政区", "澳门特别行政区", "台湾省", "海外",
)  # fmt: skip

PROFILE_FIELDS = [
    "name",
    "short_name",
    "kind",
    "logo",
    "cover",
    "introduction",
    "joining_requirements",
    "approval_mode",
    "content_review_mode",
    "visibility",
    "phone",
    "province",
    "city",
    "address",
    "industry",
    "department",
]


class OrganizationForm(forms.ModelForm):
    """The profile of a new or existing organization (not the join form: JoinFieldFormSet).

    `parents`: the organizations it may be created under (those the user administers); when
    editing, `parents` is given only to platform admins, who may move the organization.
    """

    parent = forms.ModelChoiceField(
        label=_("Parent organization"), queryset=Organization.objects.none(), required=True
    )
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "data-rich-text": "",
                "data-link-label": _("Link"),
                "data-link-prompt": _("Link address"),
                "data-clear-label": _("Clear formatting"),
            }
        ),
        help_text=_("Formatting, links and images are kept; scripts and styles are removed."),
    )

    class Meta:
        model = Organization
        fields = PROFILE_FIELDS
        widgets = {
            "joining_requirements": forms.Textarea(attrs={"rows": 3}),
            "approval_mode": forms.RadioSelect,
            "content_review_mode": forms.RadioSelect,
            "visibility": forms.RadioSelect,
            "province": forms.TextInput(attrs={"list": "province-options", "autocomplete": "off"}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            "cover": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }
        help_texts = {
            "short_name": _("Shown where space is short, e.g. 上海校友会."),
            "joining_requirements": _("Who may join, shown above the join form."),
            "phone": _("A contact number shown on the organization's page."),
            "industry": _("For industry associations: alumni of this industry are invited."),
            "city": _("For regional associations: alumni of this city are invited."),
        }

    def __init__(
        self,
        *args: Any,
        parents: QuerySet[Organization] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        is_root = self.instance.pk is not None and self.instance.parent_id is None
        if parents is None or is_root:
            del self.fields["parent"]
        else:
            self.fields["parent"].queryset = parents.order_by("path")  # type: ignore[attr-defined]
            self.fields["parent"].label_from_instance = _indented_name  # type: ignore[attr-defined]
            if self.instance.pk is not None:
                self.fields["parent"].help_text = _(
                    "Moving an organization moves its whole branch (platform admins only)."
                )
        kind = self.fields["kind"]
        if is_root:
            kind.disabled = True
        else:
            kind.choices = [  # type: ignore[attr-defined]
                choice for choice in OrganizationKind.choices if choice[0] != OrganizationKind.MAIN
            ]
        department = self.fields["department"]
        department.queryset = Department.objects.order_by("code")  # type: ignore[attr-defined]
        department.help_text = _("For college associations: its alumni are invited to join.")
        self.fields["logo"].help_text = _("Square, JPEG, PNG or WebP, at most 2 MB.")
        self.fields["cover"].help_text = _("Wide (16:9), JPEG, PNG or WebP, at most 5 MB.")

    def clean_logo(self) -> Any:
        return _checked_image(self.cleaned_data.get("logo"), LOGO_MAX_BYTES)

    def clean_cover(self) -> Any:
        return _checked_image(self.cleaned_data.get("cover"), COVER_MAX_BYTES)

    def clean_introduction(self) -> str:
        from xiaoyou.core.richtext import sanitize

        return sanitize(self.cleaned_data.get("introduction", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind") or self.instance.kind
        problems = organization_profile_problems(
            kind=kind or "",
            province=cleaned.get("province") or "",
            city=cleaned.get("city") or "",
            industry=cleaned.get("industry") or "",
        )
        for name, message in problems.items():
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def profile_changes(self) -> dict[str, Any]:
        """The cleaned values for organization_create/update (files only when touched)."""
        changes = {
            name: self.cleaned_data[name]
            for name in PROFILE_FIELDS
            if name in self.cleaned_data and not self.fields[name].disabled
        }
        for name in ("logo", "cover"):
            value = changes.get(name)
            if value is None or (value is not False and not hasattr(value, "content_type")):
                # Untouched: the form gives back the stored file (or nothing).
                changes.pop(name, None)
        return changes

    def _post_clean(self) -> None:
        # The services write the organization; the form never touches its instance.
        pass


def _indented_name(org: Organization) -> str:
    return "\u3000" * org.depth + org.name


def _checked_image(value: Any, limit: int) -> Any:
    from xiaoyou.core.images import image_validate

    if value and hasattr(value, "content_type"):  # a new upload (not the stored file)
        image_validate(value, max_bytes=limit)
    return value


class JoinFieldForm(forms.Form):
    """One field of the join form."""

    label = forms.CharField(label=_("Label"), required=False, max_length=JOIN_LABEL_MAX)
    type = forms.ChoiceField(
        label=_("Type"), choices=JoinFieldType.choices, initial=JoinFieldType.TEXT
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("One choice per line")}),
    )
    help = forms.CharField(label=_("Hint"), required=False, max_length=JOIN_HELP_MAX)
    key = forms.CharField(
        label=_("Key"),
        required=False,
        max_length=40,
        help_text=_("Lowercase letters, digits and _; made for you when left empty."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        for name, message in join_field_problems(join_field_normalize(cleaned)).items():
            self.add_error(name, message)
        return cleaned

    @property
    def shows_choices(self) -> bool:
        value = self["type"].value()
        return value in CHOICE_TYPES


class BaseJoinFieldFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [form for form in self.forms if self._kept(form)]
        if len(kept) > JOIN_FORM_MAX_FIELDS:
            raise ValidationError(
                gettext("A join form has at most %(count)s fields.")
                % {"count": JOIN_FORM_MAX_FIELDS},
                code="too_many_fields",
            )
        seen: set[str] = set()
        for form in kept:
            key = (form.cleaned_data.get("key") or "").strip()
            if key and key in seen:
                form.add_error("key", gettext("Another field already uses this key."))
            seen.add(key)

    def _kept(self, form: forms.Form) -> bool:
        if not hasattr(form, "cleaned_data") or not form.has_changed():
            return False
        return not (self.can_delete and self._should_delete_form(form))  # type: ignore[attr-defined]

    def fields_in_order(self) -> list[dict[str, Any]]:
        """The join form's fields as the service takes them, in the order on the page."""
        forms_in_order = [form for form in self.ordered_forms if self._kept(form)]
        return [
            join_field_normalize(
                {
                    name: form.cleaned_data.get(name)
                    for name in ("key", "label", "type", "required", "choices", "help")
                }
            )
            for form in forms_in_order
        ]


JoinFieldFormSet = forms.formset_factory(
    JoinFieldForm,
    formset=BaseJoinFieldFormSet,
    extra=0,
    can_order=True,
    can_delete=True,
    max_num=JOIN_FORM_MAX_FIELDS,
    absolute_max=100,
)


def join_formset_initial(org: Organization | None) -> list[dict[str, Any]]:
    fields = (org.join_form if org is not None else None) or []
    return [
        {
            "key": field.get("key", ""),
            "label": field.get("label", ""),
            "type": field.get("type", JoinFieldType.TEXT),
            "required": bool(field.get("required")),
            "choices": "\n".join(field.get("choices") or []),
            "help": field.get("help", ""),
            "ORDER": index + 1,
        }
        for index, field in enumerate(fields)
        if isinstance(field, dict)
    ]


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the organization's history."),
    )


class LinkForm(forms.Form):
    to_org = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("Relation"), choices=LinkKind.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, candidates: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = candidates  # type: ignore[attr-defined]
