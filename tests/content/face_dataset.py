"""A labeled face set built at test time from pictures shipped in packages (never committed):
scikit-image's astronaut (1 face), and from the insightface wheel (fetched with
`pip download --no-deps insightface` into a cache directory) the group photo t1.jpg (6 people)
and Tom_Hanks_54745.png (1 face, 112 x 112).

Identities are the faces dlib finds in the originals (8 people). The gallery is the originals
and transformed copies (rotation +-10 degrees, scale 0.6-1.4, brightness and contrast, crops),
each labeled with the identities whose face centre is still inside it; the queries are each
identity's face crop under other transforms (the "selfies"). Used by
tests/content/test_faces_quality.py and bench/bench_faces.py.
"""

from __future__ import annotations

import io
import math
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageEnhance

WHEEL_GLOB = "insightface-*.whl"
T1 = "insightface/data/images/t1.jpg"
HANKS = "insightface/data/images/Tom_Hanks_54745.png"
DEFAULT_CACHE = Path(__file__).resolve().parents[2] / "var" / "cache" / "face-test-set"

Point = tuple[float, float]


@dataclass
class Source:
    name: str
    image: Image.Image
    # identity -> face centre (x, y) in the image
    centres: dict[str, Point]
    # identity -> face box (left, top, right, bottom)
    boxes: dict[str, tuple[int, int, int, int]]


@dataclass
class GalleryPhoto:
    name: str
    image: Image.Image
    identities: set[str] = field(default_factory=set)


@dataclass
class Query:
    name: str
    identity: str
    image: Image.Image


def insightface_wheel(cache_dir: Path = DEFAULT_CACHE) -> tuple[Path | None, str]:
    """The insightface wheel in `cache_dir`, downloaded once; (None, why) when it cannot be."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    found = sorted(cache_dir.glob(WHEEL_GLOB))
    if found:
        return found[-1], ""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "insightface", "-d"]
    try:
        completed = subprocess.run(
            [*command, str(cache_dir), "-q"], capture_output=True, text=True, timeout=180
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"pip download insightface failed: {error}"
    found = sorted(cache_dir.glob(WHEEL_GLOB))
    if completed.returncode != 0 or not found:
        return None, "pip download insightface failed (no network?): " + (
            completed.stderr.strip().splitlines() or ["no output"]
        )[-1]
    return found[-1], ""


def _open(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as opened:
        return opened.convert("RGB")


def _detect(image: Image.Image) -> list[tuple[int, int, int, int]]:
    from xiaoyou.content import faces_engine

    rgb, scale = faces_engine.rgb_from_image(image)
    return [
        (face.left, face.top, face.right, face.bottom)
        for face in faces_engine.faces_find(rgb, scale=scale)
    ]


def sources(cache_dir: Path = DEFAULT_CACHE) -> tuple[list[Source], str]:
    """The labeled originals; (sources, why the insightface ones are missing, or "")."""
    from skimage import data

    pictures: list[tuple[str, Image.Image]] = [("astronaut", Image.fromarray(data.astronaut()))]
    wheel, why = insightface_wheel(cache_dir)
    if wheel is not None:
        with zipfile.ZipFile(wheel) as archive:
            pictures.append(("t1", _open(archive.read(T1))))
            # The 112 px crop is not a photo: put it on a plain background, at twice its size.
            hanks = _open(archive.read(HANKS)).resize((224, 224), Image.Resampling.LANCZOS)
            canvas = Image.new("RGB", (480, 360), (205, 200, 190))
            canvas.paste(hanks, (150, 60))
            pictures.append(("hanks", canvas))
    result = []
    for name, image in pictures:
        boxes = sorted(_detect(image))
        labeled = {f"{name}-{index}": box for index, box in enumerate(boxes)}
        result.append(
            Source(
                name=name,
                image=image,
                boxes=labeled,
                centres={
                    key: ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
                    for key, box in labeled.items()
                },
            )
        )
    return result, why


Transform = Callable[[Image.Image], tuple[Image.Image, Callable[[Point], Point]]]


def _rotate(degrees: float) -> Transform:
    def apply(image: Image.Image) -> tuple[Image.Image, Callable[[Point], Point]]:
        rotated = image.rotate(
            degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(128, 128, 128)
        )
        cx, cy = image.width / 2, image.height / 2
        nx, ny = rotated.width / 2, rotated.height / 2
        angle = math.radians(degrees)

        def move(point: Point) -> Point:
            # PIL rotates counter-clockwise; y grows downwards.
            dx, dy = point[0] - cx, point[1] - cy
            return (
                nx + dx * math.cos(angle) + dy * math.sin(angle),
                ny - dx * math.sin(angle) + dy * math.cos(angle),
            )

        return rotated, move

    return apply


def _scale(factor: float) -> Transform:
    def apply(image: Image.Image) -> tuple[Image.Image, Callable[[Point], Point]]:
        size = (round(image.width * factor), round(image.height * factor))
        return image.resize(size, Image.Resampling.LANCZOS), lambda p: (
            p[0] * factor,
            p[1] * factor,
        )

    return apply


def _light(brightness: float, contrast: float) -> Transform:
    def apply(image: Image.Image) -> tuple[Image.Image, Callable[[Point], Point]]:
        changed = ImageEnhance.Brightness(image).enhance(brightness)
        return ImageEnhance.Contrast(changed).enhance(contrast), lambda p: p

    return apply


def _crop(left: float, top: float, right: float, bottom: float) -> Transform:
    """Keeps the given fractions of the image (0..1)."""

    def apply(image: Image.Image) -> tuple[Image.Image, Callable[[Point], Point]]:
        box = (
            round(image.width * left),
            round(image.height * top),
            round(image.width * right),
            round(image.height * bottom),
        )
        return image.crop(box), lambda p: (p[0] - box[0], p[1] - box[1])

    return apply


GALLERY_TRANSFORMS: dict[str, Transform] = {
    "original": _light(1.0, 1.0),
    "rotate+10": _rotate(10),
    "rotate-10": _rotate(-10),
    "scale0.6": _scale(0.6),
    "scale0.8": _scale(0.8),
    "scale1.4": _scale(1.4),
    "dark": _light(0.6, 1.0),
    "bright": _light(1.4, 0.9),
    "low-contrast": _light(1.0, 0.7),
    "crop-left": _crop(0.0, 0.0, 0.6, 1.0),
    "crop-right": _crop(0.4, 0.05, 1.0, 0.95),
}


def gallery(sources_: list[Source]) -> list[GalleryPhoto]:
    photos = []
    for source in sources_:
        for name, transform in GALLERY_TRANSFORMS.items():
            image, move = transform(source.image)
            inside = set()
            for identity, centre in source.centres.items():
                x, y = move(centre)
                if 0 <= x < image.width and 0 <= y < image.height:
                    inside.add(identity)
            photos.append(
                GalleryPhoto(name=f"{source.name}/{name}", image=image, identities=inside)
            )
    return photos


QUERY_TRANSFORMS: dict[str, Transform] = {
    "rotate+5": _rotate(5),
    "bigger-darker": lambda image: (_light(0.75, 1.1)(_scale(1.3)(image)[0])[0], lambda p: p),
    "smaller-brighter": lambda image: (_light(1.25, 0.9)(_scale(0.9)(image)[0])[0], lambda p: p),
}


def face_crop(source: Source, identity: str, margin: float = 0.6) -> Image.Image:
    """The identity's face with `margin` of its size around it (a selfie's framing)."""
    left, top, right, bottom = source.boxes[identity]
    width, height = right - left, bottom - top
    box = (
        max(0, round(left - width * margin)),
        max(0, round(top - height * margin)),
        min(source.image.width, round(right + width * margin)),
        min(source.image.height, round(bottom + height * margin)),
    )
    return source.image.crop(box)


def queries(sources_: list[Source]) -> list[Query]:
    result = []
    for source in sources_:
        for identity in source.boxes:
            crop = face_crop(source, identity)
            for name, transform in QUERY_TRANSFORMS.items():
                result.append(
                    Query(name=f"{identity}/{name}", identity=identity, image=transform(crop)[0])
                )
    return result


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


@dataclass
class Evaluation:
    """Search quality over (query, gallery photo) pairs at one threshold."""

    threshold: float
    true_positives: int
    false_positives: int
    false_negatives: int
    queries: int
    queries_refused: int  # the query image did not show exactly one face

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        relevant = self.true_positives + self.false_negatives
        return self.true_positives / relevant if relevant else 1.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "threshold": self.threshold,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
            "queries": self.queries,
            "queries_refused": self.queries_refused,
        }


def evaluate(
    gallery_: list[GalleryPhoto], queries_: list[Query], thresholds: list[float]
) -> tuple[list[Evaluation], dict[str, float]]:
    """Indexes the gallery with the production engine and index (FaceIndex), searches with each
    query (exactly one face, as the service requires) and counts per threshold; also returns
    timings (seconds per gallery photo, per query)."""
    import time

    import numpy as np

    from xiaoyou.content import faces_engine
    from xiaoyou.content.selectors_faces import FaceIndex

    index = FaceIndex()
    started = time.perf_counter()
    face_id = 0
    for number, photo in enumerate(gallery_):
        # Through JPEG bytes, as stored photos are read.
        rgb, scale = faces_engine.rgb_from_bytes(jpeg(photo.image))
        for face in faces_engine.faces_find(rgb, scale=scale):
            face_id += 1
            index.append(np.array([face_id]), np.array([number]), face.encoding.reshape(1, -1))
    per_photo = (time.perf_counter() - started) / max(1, len(gallery_))
    encoded: list[tuple[Query, np.ndarray | None]] = []
    started = time.perf_counter()
    for query in queries_:
        rgb, _scale = faces_engine.rgb_from_bytes(
            jpeg(query.image), max_side=faces_engine.SELFIE_MAX_SIDE
        )
        found = faces_engine.faces_find(rgb)
        encoded.append((query, found[0].encoding if len(found) == 1 else None))
    per_query = (time.perf_counter() - started) / max(1, len(queries_))
    # The nearest face of each photo to each query: the largest for photos showing the person
    # and the smallest for the others say how much room the threshold has.
    genuine, impostor = 0.0, 10.0
    for query, encoding in encoded:
        if encoding is None:
            continue
        nearest: dict[int, float] = {}
        for _face, photo, distance in index.nearest(encoding, 10.0):
            nearest.setdefault(photo, distance)
        for photo, distance in nearest.items():
            if query.identity in gallery_[photo].identities:
                genuine = max(genuine, distance)
            else:
                impostor = min(impostor, distance)
    results = []
    for threshold in thresholds:
        counts = {"tp": 0, "fp": 0, "fn": 0, "refused": 0}
        for query, encoding in encoded:
            relevant = {n for n, photo in enumerate(gallery_) if query.identity in photo.identities}
            if encoding is None:
                counts["refused"] += 1
                counts["fn"] += len(relevant)
                continue
            returned = {photo for _face, photo, _d in index.nearest(encoding, threshold)}
            counts["tp"] += len(returned & relevant)
            counts["fp"] += len(returned - relevant)
            counts["fn"] += len(relevant - returned)
        results.append(
            Evaluation(
                threshold=threshold,
                true_positives=counts["tp"],
                false_positives=counts["fp"],
                false_negatives=counts["fn"],
                queries=len(queries_),
                queries_refused=counts["refused"],
            )
        )
    return results, {
        "seconds_per_gallery_photo": per_photo,
        "seconds_per_query": per_query,
        "largest_distance_same_person": genuine,
        "smallest_distance_other_person": impostor,
    }
