"""Hall pages of face search (找我的照片): the consent screen first (PIPL text), then the selfie
upload (the phone's front camera) and the photos found; "my face data" to delete it or withdraw.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from xiaoyou.content import selectors_faces
from xiaoyou.content.models import DetectedFace
from xiaoyou.content.services import faces as face_services
from xiaoyou.core.errors import ApplicationError


def _consent_page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    return render(
        request,
        "content/hall/face_consent.html",
        {
            "title": face_services.CONSENT_TITLE,
            "paragraphs": face_services.CONSENT_PARAGRAPHS,
            "version": face_services.CONSENT_TEXT_VERSION,
            "error": error,
        },
        status=status,
    )


def _search_page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    profile = selectors_faces.face_profile_of(request.user)
    matches = []
    if profile is not None:
        try:
            matches = face_services.face_search_profile(actor=request.user)
        except ApplicationError as failure:  # pragma: no cover - consent checked by the caller
            error = error or failure.text()
    return render(
        request,
        "content/hall/face_search.html",
        {"profile": profile, "matches": matches, "error": error},
        status=status,
    )


@login_required
def face_search(request: HttpRequest) -> HttpResponse:
    """找我的照片: the consent screen until the person consents, then the selfie form and the
    photos their stored encoding matches."""
    if selectors_faces.face_consent_active(request.user) is None:
        return _consent_page(request)
    return _search_page(request)


@login_required
@require_POST
def face_consent(request: HttpRequest) -> HttpResponse:
    if request.POST.get("agree") != "yes":
        return _consent_page(
            request, error=_("Tick the box to agree, or leave this page."), status=400
        )
    face_services.face_consent_give(actor=request.user)
    messages.success(request, _("Thank you. You can now search with a selfie."))
    return redirect("hall:content_face_search")


@login_required
@require_POST
def face_search_selfie(request: HttpRequest) -> HttpResponse:
    """The selfie (field "selfie"), encoded in memory and discarded; then the results page."""
    if selectors_faces.face_consent_active(request.user) is None:
        return _consent_page(request, status=403)
    try:
        matches = face_services.face_search(actor=request.user, selfie=request.FILES.get("selfie"))
    except ApplicationError as error:
        return _search_page(request, error=error.text(), status=error.status)
    messages.success(
        request,
        ngettext("%(count)s photo found.", "%(count)s photos found.", len(matches))
        % {"count": len(matches)},
    )
    return redirect("hall:content_face_search")


@login_required
def face_data(request: HttpRequest) -> HttpResponse:
    """我的人脸数据: consent history, whether an encoding is kept, tags; delete or withdraw."""
    return render(
        request,
        "content/hall/face_data.html",
        {
            "consent": selectors_faces.face_consent_active(request.user),
            "consents": selectors_faces.face_consents_of(request.user)[:20],
            "profile": selectors_faces.face_profile_of(request.user),
            "tag_count": DetectedFace.objects.filter(tagged_user_id=request.user.pk).count(),
        },
    )


@login_required
@require_POST
def face_data_delete(request: HttpRequest) -> HttpResponse:
    face_services.face_data_delete(actor=request.user)
    messages.success(request, _("Your face data has been deleted."))
    return redirect("hall:content_face_data")


@login_required
@require_POST
def face_consent_withdraw(request: HttpRequest) -> HttpResponse:
    face_services.face_consent_withdraw(actor=request.user)
    messages.success(request, _("Consent withdrawn. Your face data has been deleted."))
    return redirect("hall:content_face_data")


def face_data_entry(request: HttpRequest) -> str:
    """The personal-center entry (我的 → 我的人脸数据)."""
    if not request.user.is_authenticated:
        return ""
    return render_to_string(
        "components/menu_entry.html",
        {
            "url": reverse("hall:content_face_data"),
            "label": _("My face data"),
            "text": _("Face search consent and data: delete them at any time"),
            "icon": "shield",
        },
        request=request,
    )
