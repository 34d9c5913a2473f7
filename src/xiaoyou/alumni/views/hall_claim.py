"""Hall page 认证校友身份: a signed-in user claims their alumni record."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoyou.alumni.forms_identity import ClaimForm
from xiaoyou.alumni.models import AlumniRecord, ClaimStatus, RecordClaim
from xiaoyou.alumni.services.claims import claim_submit
from xiaoyou.core.errors import ApplicationError


def claim_entry(request: HttpRequest) -> str:
    """The personal-center entry: the state of the user's verification at a glance."""
    if not request.user.is_authenticated:
        return ""
    if AlumniRecord.objects.filter(user=request.user, deleted_at__isnull=True).exists():
        text = gettext("Verified alumnus")
    elif RecordClaim.objects.filter(user=request.user, status=ClaimStatus.PENDING).exists():
        text = gettext("Your claim is under review")
    else:
        text = gettext("Find your record to become a verified alumnus")
    return render_to_string(
        "components/menu_entry.html",
        {
            "url": reverse("hall:alumni_claim"),
            "label": _("Claim my record"),
            "text": text,
            "icon": "graduation",
        },
        request=request,
    )


@login_required
def claim(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    record = AlumniRecord.objects.filter(user=user, deleted_at__isnull=True).first()
    pending = RecordClaim.objects.filter(user=user, status=ClaimStatus.PENDING).first()
    result = None
    problem = ""
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and record is None and pending is None and form.is_valid():
        try:
            result = claim_submit(actor=user, evidence=form.cleaned_data)
        except ApplicationError as error:
            problem = error.text()
        else:
            if result.status == "matched":
                record = result.record
            elif result.status == "pending":
                pending = result.claim
    return render(
        request,
        "alumni/hall/claim/claim.html",
        {
            "form": form,
            "record": record,
            "pending": pending,
            "result": result,
            "problem": problem,
        },
        status=200,
    )
