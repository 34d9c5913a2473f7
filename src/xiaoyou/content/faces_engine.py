"""Face detection and encoding (dlib): the adapter face search calls, nothing else imports dlib.

dlib's HOG frontal face detector (upsample 0: upsampling finds false faces in crowds and
costs 4x the time), the five-point shape predictor and the ResNet encoder that maps a face to
128 numbers where two photos of one person are closer than ~0.6 (Euclidean). The models come
from the face-recognition-models package (offline, ~126 MB) and are loaded once per process,
on first use, so web workers that never scan or search do not pay for them.
"""

from __future__ import annotations

import io
import threading
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageOps

# Longest side an image is scanned at: faces in a 4000 px group photo stay >= 40 px (HOG's
# minimum is about 40 x 40 without upsampling) while a scan stays near one second.
SCAN_MAX_SIDE = 2000
# A selfie needs far fewer pixels.
SELFIE_MAX_SIDE = 1024
# Decompression-bomb guard for selfies (album photos were checked at upload).
MAX_PIXELS = 50_000_000

_lock = threading.Lock()
_models: dict[str, Any] = {}


@dataclass(frozen=True)
class Face:
    """A face in the pixel coordinates of the image given to `faces_find`."""

    top: int
    right: int
    bottom: int
    left: int
    encoding: np.ndarray  # float32, shape (128,)


def _loaded() -> dict[str, Any]:
    if not _models:
        with _lock:
            if not _models:
                import dlib

                with warnings.catch_warnings():
                    # It imports pkg_resources (setuptools<81), deprecated: not ours to fix.
                    warnings.simplefilter("ignore", UserWarning)
                    import face_recognition_models

                _models["predictor"] = dlib.shape_predictor(
                    face_recognition_models.pose_predictor_five_point_model_location()
                )
                _models["encoder"] = dlib.face_recognition_model_v1(
                    face_recognition_models.face_recognition_model_location()
                )
                _models["dlib"] = dlib
                _models["detector"] = dlib.get_frontal_face_detector()
    return _models


class UnreadableImage(ValueError):
    """The bytes are not an image Pillow can read."""


def rgb_from_bytes(content: bytes, *, max_side: int = SCAN_MAX_SIDE) -> tuple[np.ndarray, float]:
    """The image upright (EXIF orientation) as an RGB uint8 array no larger than `max_side`,
    and the factor that maps its coordinates back to the original's."""
    try:
        with Image.open(io.BytesIO(content)) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise UnreadableImage("too many pixels")
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except (OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise UnreadableImage(str(error)) from error
    return rgb_from_image(image, max_side=max_side)


def rgb_from_image(
    image: Image.Image, *, max_side: int = SCAN_MAX_SIDE
) -> tuple[np.ndarray, float]:
    scale = 1.0
    longest = max(image.size)
    if longest > max_side:
        scale = longest / max_side
        image = image.resize(
            (round(image.width / scale), round(image.height / scale)), Image.Resampling.LANCZOS
        )
    return np.ascontiguousarray(np.asarray(image.convert("RGB"), dtype=np.uint8)), scale


def faces_find(rgb: np.ndarray, *, scale: float = 1.0) -> list[Face]:
    """Detects the faces of an RGB image and encodes each; boxes are multiplied by `scale`
    (to the original's pixels), clipped to the image."""
    models = _loaded()
    height, width = rgb.shape[:2]
    found = []
    for rectangle in models["detector"](rgb, 0):
        shape = models["predictor"](rgb, rectangle)
        descriptor = models["encoder"].compute_face_descriptor(rgb, shape, 1)
        encoding = np.asarray(descriptor, dtype=np.float32)
        top, left = max(rectangle.top(), 0), max(rectangle.left(), 0)
        bottom, right = min(rectangle.bottom(), height), min(rectangle.right(), width)
        found.append(
            Face(
                top=round(top * scale),
                right=round(right * scale),
                bottom=round(bottom * scale),
                left=round(left * scale),
                encoding=encoding,
            )
        )
    return found


def encoding_to_bytes(encoding: np.ndarray) -> bytes:
    return np.asarray(encoding, dtype="<f4").tobytes()


def encoding_from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")
