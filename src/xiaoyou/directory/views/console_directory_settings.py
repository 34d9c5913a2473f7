"""Console page 校友录设置: the school's default visibility of each field (platform admins)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.directory.forms import DirectorySettingsForm
from xiaoyou.directory.models import DirectorySettings
from xiaoyou.directory.selectors import school_defaults
from xiaoyou.directory.services.privacy import directory_settings_update


def settings_page(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "change", DirectorySettings(pk=1))
    form = DirectorySettingsForm(request.POST or None, initial=school_defaults())
    if request.method == "POST" and form.is_valid():
        try:
            directory_settings_update(actor=request.user, values=form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Saved."))
            return redirect("console:directory_settings")
    return render(request, "directory/console/settings.html", {"form": form})
