"""Media on an S3-compatible store (django-storages), against moto's S3 server on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from moto.server import ThreadedMotoServer

PROJECT_DIR = Path(__file__).resolve().parents[2]
BUCKET = "xiaoyou-media"
CREDENTIALS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        yield endpoint
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def s3_storages(endpoint: str) -> dict:
    """The same options settings.py builds from S3_* variables."""
    from django.conf import settings

    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "region_name": "us-east-1",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }


def test_default_storage_saves_reads_and_deletes_on_s3(s3_endpoint, bucket):
    with override_settings(STORAGES=s3_storages(s3_endpoint)):
        name = default_storage.save("orgs/logos/校徽.txt", ContentFile("示范大学".encode()))
        assert name == "orgs/logos/校徽.txt"
        assert default_storage.exists(name)
        with default_storage.open(name) as file:
            assert file.read().decode() == "示范大学"
        assert default_storage.size(name) == len("示范大学".encode())
        # The store holds the object itself, not just the storage's idea of it.
        stored = bucket.get_object(Bucket=BUCKET, Key=name)["Body"].read()
        assert stored.decode() == "示范大学"
        # file_overwrite=False: a second upload with the same name gets a new name.
        second = default_storage.save("orgs/logos/校徽.txt", ContentFile(b"v2"))
        assert second != name and second.startswith("orgs/logos/校徽")
        url = default_storage.url(name)
        assert url.startswith(f"{s3_endpoint}/{BUCKET}/orgs/logos/")
        assert "Signature=" in url  # private bucket: signed, expiring links
        default_storage.delete(name)
        assert not default_storage.exists(name)


def test_s3_variables_switch_media_to_the_store(s3_endpoint, bucket, tmp_path):
    """The settings wiring itself: a process started with S3_* variables writes to the bucket."""
    code = (
        "import django; django.setup()\n"
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage\n"
        "name = default_storage.save('photos/合影.txt', ContentFile('校友返校日'.encode()))\n"
        "print(type(default_storage._wrapped).__name__, name, default_storage.open(name).read().decode())\n"
    )
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "xiaoyou.settings",
        "XIAOYOU_VAR_DIR": str(tmp_path / "var"),
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
        "S3_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "S3Storage photos/合影.txt 校友返校日"
    stored = bucket.get_object(Bucket=BUCKET, Key="photos/合影.txt")["Body"].read()
    assert stored.decode() == "校友返校日"
    assert not (tmp_path / "var" / "media" / "photos").exists()
