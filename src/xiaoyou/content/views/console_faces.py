"""Console: a photo's detected faces (boxes drawn over the photo) with a form per face to tag
the person it shows (by phone number, email or user name) or remove the tag.

console/urls.py wraps every view in console_required; the photo is looked up in the albums the
user manages, so another organization's photo is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoyou.content import selectors_faces
from xiaoyou.content.models import DetectedFace
from xiaoyou.content.services import faces as face_services
from xiaoyou.core.errors import ApplicationError


def photo_faces(request: HttpRequest, pk: int) -> HttpResponse:
    """人脸标注: the faces found in one photo, each with its tag form."""
    photo = selectors_faces.photo_console(request.user, pk)
    if photo is None:
        raise Http404
    faces = list(selectors_faces.photo_faces_console(photo))
    scan = getattr(photo, "face_scan", None)
    boxes = [
        {
            "face": face,
            "left": round(100 * face.left / photo.width, 2) if photo.width else 0,
            "top": round(100 * face.top / photo.height, 2) if photo.height else 0,
            "width": round(100 * face.width / photo.width, 2) if photo.width else 0,
            "height": round(100 * face.height / photo.height, 2) if photo.height else 0,
        }
        for face in faces
    ]
    return render(
        request,
        "content/console/photo_faces.html",
        {"photo": photo, "album": photo.album, "boxes": boxes, "scan": scan},
    )


@require_POST
def face_tag(request: HttpRequest, pk: int) -> HttpResponse:
    """Tags a face (field "person": phone, email or user name; empty removes the tag)."""
    face = DetectedFace.objects.select_related("photo__album__org").filter(pk=pk).first()
    if face is None or selectors_faces.photo_console(request.user, face.photo_id) is None:
        raise Http404
    text = request.POST.get("person", "").strip()[:150]
    person = None
    if text:
        person = face_services.person_find(text)
        if person is None:
            messages.error(request, ApplicationError("face_person_not_found").text())
            return redirect("console:content_photo_faces", pk=face.photo_id)
    try:
        face_services.face_tag(actor=request.user, face=face, person=person)
    except PermissionDenied:
        raise Http404 from None
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        if person is None:
            messages.success(request, _("Tag removed."))
        else:
            messages.success(request, _("Face tagged as %(name)s.") % {"name": person})
    return redirect("console:content_photo_faces", pk=face.photo_id)
