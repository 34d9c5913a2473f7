"""Forms of the album pages (limits mirrored from the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoyou.content.models import PhotoStatus, UploadPermission, ViewPermission


class AlbumForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    view_permission = forms.ChoiceField(
        label=_("Who may view"), choices=ViewPermission.choices, initial=ViewPermission.PUBLIC
    )
    upload_permission = forms.ChoiceField(
        label=_("Who may upload"),
        choices=UploadPermission.choices,
        initial=UploadPermission.VERIFIED,
    )
    requires_moderation = forms.BooleanField(
        label=_("Review uploads before they show"),
        required=False,
        help_text=_("Photos of uploaders who do not manage the album wait in the to-do list."),
    )

    def __init__(self, *args: Any, orgs: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if orgs is None:
            del self.fields["org"]
        else:
            self.fields["org"].choices = [(org.pk, org.name) for org in orgs]  # type: ignore[attr-defined]


class PhotoSearchForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *[c for c in PhotoStatus.choices if c[0] != PhotoStatus.DELETED]],
    )
    uploader = forms.CharField(label=_("Uploader"), required=False, max_length=50)
    caption = forms.CharField(label=_("Caption"), required=False, max_length=100)
    date_from = forms.DateField(
        label=_("Uploaded from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Uploaded until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ZipImportForm(forms.Form):
    archive = forms.FileField(
        label=_("Zip of photos"),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
