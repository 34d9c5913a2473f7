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
        label=_("Profile"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )


class LinkForm(forms.Form):
    record = forms.IntegerField(label=_("Alumni record number"), min_value=1)
