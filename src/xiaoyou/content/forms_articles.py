"""Forms of the article pages (limits mirrored from services/articles.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

SAVE_DRAFT = "draft"
PUBLISH_NOW = "publish"
PUBLISH_LATER = "schedule"
SUBMIT = "submit"


class ArticleForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, required=False, empty_value=None
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    source = forms.CharField(label=_("Source"), max_length=100, required=False)
    author_name = forms.CharField(label=_("Author"), max_length=60, required=False)
    cover = forms.FileField(
        label=_("Cover image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_cover = forms.BooleanField(label=_("Remove the cover"), required=False)
    # The editor (static/content/article_editor.js) writes its HTML here; sanitized on save.
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "data-article-body": ""}),
    )
    allows_comments = forms.BooleanField(label=_("Allow comments"), required=False, initial=True)
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("For “Publish later”, or the time to publish a submission once approved."),
    )

    def __init__(
        self,
        *args: Any,
        orgs: list[Any] | None = None,
        categories: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if orgs is None:
            del self.fields["org"]
        else:
            self.fields["org"].choices = [(org.pk, org.name) for org in orgs]  # type: ignore[attr-defined]
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("No category")),
            *[(category.pk, category.name) for category in categories or []],
        ]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Attachment"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,image/*"}
        ),
    )


class CategoryForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=40)
    position = forms.IntegerField(label=_("Position"), min_value=0, initial=0, required=False)

    def __init__(self, *args: Any, orgs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(org.pk, org.name) for org in orgs]  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
