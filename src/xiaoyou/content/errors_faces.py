"""Error codes of face search (人脸识别), raised as ApplicationError."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

register_messages(
    {
        "face_consent_required": _(
            "Please agree to the use of your face information before searching."
        ),
        "face_selfie_required": _("Choose a photo of your face."),
        "face_selfie_unreadable": _(
            "The file is not an image we can read. Use a JPEG or PNG photo."
        ),
        "face_selfie_too_large": _("The photo is too large (the limit is %(limit)s MB)."),
        "face_none_found": _(
            "No face was found in the photo. Use a clear, well-lit photo of your face, looking at "
            "the camera."
        ),
        "face_several_found": _(
            "%(count)s faces were found in the photo. Use a photo with only your face."
        ),
        "face_no_profile": _("Upload a selfie first."),
        "face_person_not_found": _("No person with this phone number, email or user name."),
        "face_person_not_consented": _(
            "This person has not agreed to face search, so their face cannot be tagged."
        ),
    }
)
