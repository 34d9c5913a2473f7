"""Face search benchmark (issue 8): indexing throughput and search latency.

Indexing: real photos (the astronaut and, when the insightface wheel can be fetched, its group
photo and Tom Hanks on a canvas, with transformed copies, as in tests/content/face_dataset.py)
saved as JPEG, read back, detected and encoded by the production engine: photos per minute on
this machine, single process (a worker per core multiplies it).

Search: N stored encodings (the real ones plus synthetic random unit-length vectors scaled like
dlib's) in the production FaceIndex; a query is the whole search's in-process part (one
vectorized distance computation + threshold + sort). Latency p50/p95/p99 over the queries.
With --with-db the encodings are written to a SQLite database first and the index is loaded
from it, as a web worker would (load time reported).

    .venv/bin/python -m bench.bench_faces --smoke      # 2,000 encodings, 3 photos (CI)
    .venv/bin/python -m bench.bench_faces              # 100,000 encodings, all photos
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from typing import Any

SIZES = {"smoke": 2_000, "full": 100_000}
PHOTOS = {"smoke": 3, "full": 0}  # 0: all
QUERIES = {"smoke": 100, "full": 1_000}


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoyou.settings")
    import django

    django.setup()


def _percentile(samples: list[float], fraction: float) -> float:
    from bench.common import percentile

    return round(percentile(samples, fraction), 3)


def indexing(photo_limit: int) -> tuple[dict[str, Any], list[Any]]:
    from tests.content import face_dataset
    from xiaoyou.content import faces_engine

    sources, why = face_dataset.sources()
    photos = face_dataset.gallery(sources)
    if photo_limit:
        photos = photos[:photo_limit]
    payloads = [face_dataset.jpeg(photo.image) for photo in photos]
    faces_engine.faces_find(faces_engine.rgb_from_image(photos[0].image)[0])  # load the models
    encodings = []
    pixels = 0
    started = time.perf_counter()
    for payload in payloads:
        rgb, scale = faces_engine.rgb_from_bytes(payload)
        pixels += rgb.shape[0] * rgb.shape[1]
        encodings.extend(face.encoding for face in faces_engine.faces_find(rgb, scale=scale))
    elapsed = time.perf_counter() - started
    # A camera original (12 MP JPEG): the scan reads it and downscales to SCAN_MAX_SIDE first.
    from PIL import Image

    camera = face_dataset.jpeg(photos[0].image.resize((4000, 3000), Image.Resampling.BICUBIC))
    repeats = 1 if photo_limit else 3
    camera_started = time.perf_counter()
    for _repeat in range(repeats):
        rgb, scale = faces_engine.rgb_from_bytes(camera)
        faces_engine.faces_find(rgb, scale=scale)
    camera_seconds = (time.perf_counter() - camera_started) / repeats
    return {
        "photos": len(payloads),
        "faces": len(encodings),
        "mean_megapixels": round(pixels / len(payloads) / 1e6, 3),
        "seconds": round(elapsed, 2),
        "photos_per_minute": round(60 * len(payloads) / elapsed, 1),
        "seconds_per_photo": round(elapsed / len(payloads), 3),
        "camera_12mp_seconds_per_photo": round(camera_seconds, 3),
        "camera_12mp_photos_per_minute": round(60 / camera_seconds, 1),
        "labeled_set_note": why or "astronaut + insightface t1.jpg + Tom Hanks, with transforms",
    }, encodings


def search(size: int, real: list[Any], queries: int, *, with_db: bool) -> dict[str, Any]:
    import numpy as np

    from xiaoyou.content.selectors_faces import DEFAULT_THRESHOLD, FaceIndex

    rng = np.random.default_rng(8)
    synthetic = rng.normal(size=(max(0, size - len(real)), 128)).astype(np.float32)
    # dlib's encodings have a norm near 1 (measured ~0.9-1.1 on the labeled set).
    synthetic /= np.linalg.norm(synthetic, axis=1, keepdims=True)
    matrix = np.vstack([np.asarray(real, dtype=np.float32).reshape(-1, 128), synthetic])[:size]
    index = FaceIndex()
    load_seconds = None
    if with_db:
        load_seconds = _load_through_db(index, matrix)
    else:
        ids = np.arange(1, len(matrix) + 1, dtype=np.int64)
        index.append(ids, ids // 3, matrix)
    samples = []
    found = 0
    probe = [matrix[i % max(1, len(real))] if real else matrix[i] for i in range(queries)]
    for number, query in enumerate(probe):
        noisy = query + rng.normal(scale=0.01, size=128).astype(np.float32) if number % 2 else query
        started = time.perf_counter()
        hits = index.nearest(noisy, DEFAULT_THRESHOLD)
        samples.append((time.perf_counter() - started) * 1000)
        found += len(hits)
    return {
        "stored_encodings": index.size,
        "real_encodings": min(len(real), size),
        "queries": queries,
        "threshold": DEFAULT_THRESHOLD,
        "mean_hits": round(found / queries, 2),
        "p50_ms": _percentile(samples, 0.50),
        "p95_ms": _percentile(samples, 0.95),
        "p99_ms": _percentile(samples, 0.99),
        "index_megabytes": round(index.size * 128 * 4 / 1e6, 1),
        "load_from_db_seconds": load_seconds,
    }


def _load_through_db(index: Any, matrix: Any) -> float:
    """Writes the encodings as DetectedFace rows in a throwaway SQLite database and refreshes
    the index from it."""
    import tempfile

    from django.core.management import call_command
    from django.db import connections

    from tests.content.factories import AlbumFactory, PhotoFactory
    from xiaoyou.content.models import DetectedFace

    directory = tempfile.mkdtemp(prefix="bench-faces-")
    connections.databases["default"]["NAME"] = os.path.join(directory, "bench.sqlite3")
    connections["default"].close()
    call_command("migrate", verbosity=0)
    photo = PhotoFactory(album=AlbumFactory())
    batch = 5_000
    for start in range(0, len(matrix), batch):
        DetectedFace.objects.bulk_create(
            DetectedFace(photo=photo, top=0, left=0, right=1, bottom=1, encoding=row.tobytes())
            for row in matrix[start : start + batch]
        )
    started = time.perf_counter()
    index.refresh()
    return round(time.perf_counter() - started, 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="CI size")
    parser.add_argument("--size", type=int, help="stored encodings (default 100,000)")
    parser.add_argument("--with-db", action="store_true", help="load the index from SQLite")
    args = parser.parse_args(argv)
    scale = "smoke" if args.smoke else "full"
    _setup_django()
    index_figures, encodings = indexing(PHOTOS[scale])
    search_figures = search(
        args.size or SIZES[scale], encodings, QUERIES[scale], with_db=args.with_db
    )
    print(
        json.dumps(
            {
                "benchmark": "faces",
                "scale": scale,
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "indexing": index_figures,
                "search": search_figures,
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
