"""Console pages of the custom fields (扩展信息): list, create, edit (platform admins)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from xiaoyou.alumni.forms_records import CustomFieldForm
from xiaoyou.alumni.models import CustomField
from xiaoyou.alumni.services.custom_fields import (
    EDITABLE,
    custom_field_create,
    custom_field_update,
)
from xiaoyou.core import policy


def _require(request: HttpRequest) -> None:
    if not policy.can(request.user, "change", CustomField):
        raise PermissionDenied("custom fields denied")


def field_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    return render(
        request,
        "alumni/console/fields/list.html",
        {"fields": CustomField.objects.order_by("order", "id")},
    )


def field_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require(request)
    field = get_object_or_404(CustomField, pk=pk) if pk else None
    form = CustomFieldForm(request.POST or None, instance=field)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in EDITABLE}
        data["choices"] = form.cleaned_data["choices"]
        data["pattern"] = data["pattern"] or ""
        data["help_text"] = data["help_text"] or ""
        try:
            if field is None:
                custom_field_create(actor=request.user, key=form.cleaned_data["key"], data=data)
            else:
                custom_field_update(actor=request.user, field=field, data=data)
        except ValidationError as error:
            for key, errors in error.message_dict.items():
                form.add_error(key if key in form.fields else None, errors)
        else:
            messages.success(request, gettext("Custom field saved."))
            return redirect("console:alumni_fields")
    return render(
        request,
        "alumni/console/fields/form.html",
        {"form": form, "field": field},
        status=422 if request.method == "POST" else 200,
    )
