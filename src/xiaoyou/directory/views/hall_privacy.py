"""Hall page 隐私设置: who may see each of my contact and work fields."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import ApplicationError
from xiaoyou.directory.forms import PrivacyForm
from xiaoyou.directory.models import PRIVATE_FIELDS, PrivacySettings
from xiaoyou.directory.selectors import school_defaults
from xiaoyou.directory.services.privacy import privacy_settings_update


@login_required
def privacy(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    current = PrivacySettings.objects.filter(user_id=user.pk).first()
    initial = {name: getattr(current, name) if current else "" for name in PRIVATE_FIELDS}
    form = PrivacyForm(request.POST or None, initial=initial, defaults=school_defaults())
    if request.method == "POST" and form.is_valid():
        try:
            privacy_settings_update(actor=request.user, values=form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, gettext("Your privacy settings are saved."))
            return redirect("hall:directory_privacy")
    return render(request, "directory/hall/privacy.html", {"form": form})


def entry(request: HttpRequest) -> str:
    """The personal-center entry "Privacy"."""
    if not request.user.is_authenticated:
        return ""
    return render_to_string(
        "components/menu_entry.html",
        {
            "url": reverse("hall:directory_privacy"),
            "label": _("Privacy"),
            "text": gettext("Who may see my phone, email, work and city"),
            "icon": "lock",
        },
        request=request,
    )
