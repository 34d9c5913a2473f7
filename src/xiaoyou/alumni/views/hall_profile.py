"""Hall page 我的档案: a verified alumnus updates the contact and work fields of their own
record. The new value replaces the old on the record; the old stays in the history (source
"self") and, for phones/emails/WeChat, as a retired contact point."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoyou.alumni.forms_records import SelfProfileForm
from xiaoyou.alumni.models import AlumniRecord, RecordSource
from xiaoyou.alumni.services.records import SELF_FIELDS, record_update


def _own_record(request: HttpRequest) -> AlumniRecord | None:
    if not request.user.is_authenticated:
        return None
    return (
        AlumniRecord.objects.filter(user_id=request.user.pk, deleted_at__isnull=True)
        .select_related("department", "major")
        .first()
    )


def profile_entry(request: HttpRequest) -> str:
    """The personal-center entry, shown to verified alumni only."""
    record = _own_record(request)
    if record is None:
        return ""
    return render_to_string(
        "components/menu_entry.html",
        {
            "url": reverse("hall:alumni_my_profile"),
            "label": _("My profile"),
            "text": gettext("Keep your contact and work details up to date"),
            "icon": "user",
        },
        request=request,
    )


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    record = _own_record(request)
    if record is None:
        return render(request, "alumni/hall/profile/none.html", status=404)
    form = SelfProfileForm(
        request.POST or None, initial={name: getattr(record, name) for name in SELF_FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        try:
            record_update(
                actor=request.user,
                record=record,
                changes={name: form.cleaned_data[name] for name in SELF_FIELDS},
                source=RecordSource.SELF,
            )
        except ValidationError as error:
            for key, errors in getattr(error, "message_dict", {"__all__": error.messages}).items():
                form.add_error(key if key in form.fields else None, errors)
        else:
            messages.success(request, gettext("Your profile is saved."))
            return redirect("hall:alumni_my_profile")
    return render(
        request,
        "alumni/hall/profile/profile.html",
        {"form": form, "record": record},
        status=422 if request.method == "POST" else 200,
    )
