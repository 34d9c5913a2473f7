from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoyou.discovery.crawling.base import all_sources
from xiaoyou.discovery.models import Visibility


class CrawlForm(forms.Form):
    sources = forms.MultipleChoiceField(
        label=_("Sources"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        choices = [(source.key, source.label) for source in all_sources()]
        field = self.fields["sources"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = choices
        if not self.is_bound:
            self.initial["sources"] = [key for key, _label in choices]


class ConfirmForm(forms.Form):
    visibility = forms.ChoiceField(
        label=_("Profile visibility"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )


class LinkForm(forms.Form):
    record = forms.IntegerField(label=_("Alumni record number"), min_value=1)


class JobPostingForm(forms.Form):
    company = forms.CharField(label=_("Company"), max_length=120)
    title = forms.CharField(label=_("Job title"), max_length=120)
    kind = forms.ChoiceField(label=_("Type"), choices=())
    city = forms.CharField(label=_("City"), max_length=60)
    industry = forms.CharField(label=_("Industry"), max_length=60)
    salary = forms.CharField(label=_("Salary"), max_length=60, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        from xiaoyou.discovery.models import PostingKind

        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = PostingKind.choices


class ApplicationForm(forms.Form):
    resume = forms.FileField(
        label=_("Resume (PDF or Word, at most 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx"}),
    )
    message = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Company"), max_length=150)
    industry = forms.CharField(label=_("Industry"), max_length=60)
    city = forms.CharField(label=_("City"), max_length=60)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    role = forms.CharField(label=_("Your position there"), max_length=100, required=False)
