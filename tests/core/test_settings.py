"""Production settings: `xiaoyou check --deploy` is silent; bad environment values fail loudly."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from xiaoyou.core.env import EnvironmentError_, env_bool, env_int, env_list, env_str

PROJECT_DIR = Path(__file__).resolve().parents[2]
XIAOYOU = Path(sys.executable).parent / "xiaoyou"

PRODUCTION = {
    "XIAOYOU_PRODUCTION": "true",
    "SECRET_KEY": "k3Jd9-pQz7_Lw2xVr8TgYb5NcHs4MfAe6UiOo1ZyXqWvBnDtRl0",
    "FIELD_ENCRYPTION_KEY": "q5yY2tEhzN0b3q7QmU0lCq3b5K8fW1r9Zl2pVx7TgGc=",
    "ALLOWED_HOSTS": "alumni.example.edu.cn",
    "CSRF_TRUSTED_ORIGINS": "https://alumni.example.edu.cn",
    "SITE_URL": "https://alumni.example.edu.cn",
    "DATABASE_URL": "postgres://xiaoyou:secret@db.internal:5432/xiaoyou",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "S3_BUCKET": "xiaoyou-media",
    "S3_ENDPOINT_URL": "https://oss-cn-hangzhou.aliyuncs.com",
    "S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "S3_SECRET_ACCESS_KEY": "example-secret",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def run_xiaoyou(
    args: list[str], environment: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """Runs the `xiaoyou` command in a clean environment (nothing inherited from this run)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "XIAOYOU_VAR_DIR": str(tmp_path / "var"),
        **environment,
    }
    return subprocess.run(
        [str(XIAOYOU), *args], env=env, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_nothing_under_production_settings(tmp_path):
    result = run_xiaoyou(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stderr
    # Silenced checks are the project's documented choices (settings.SILENCED_SYSTEM_CHECKS).
    assert re.fullmatch(
        r"System check identified no issues \(\d+ silenced\)\.", result.stdout.strip()
    )
    assert result.stderr == ""


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines as systemd's EnvironmentFile reads them (comments, double quotes)."""
    values = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().removeprefix('"').removesuffix('"')
    return values


def test_the_example_environment_file_passes_the_deploy_check(tmp_path):
    example = read_env_file(PROJECT_DIR / "deploy" / "xiaoyou.env.example")
    assert example["XIAOYOU_PRODUCTION"] == "true"
    assert example["DEFAULT_FROM_EMAIL"] == "校友会 <alumni@example.edu.cn>"
    # The placeholder key is refused by the check, as it should be; a real one passes.
    placeholder = run_xiaoyou(["check", "--deploy", "--fail-level", "WARNING"], example, tmp_path)
    assert placeholder.returncode != 0
    assert "security.W009" in placeholder.stderr
    example = {
        **example,
        "SECRET_KEY": PRODUCTION["SECRET_KEY"],
        "FIELD_ENCRYPTION_KEY": PRODUCTION["FIELD_ENCRYPTION_KEY"],
        "XIAOYOU_VAR_DIR": str(tmp_path / "var"),
    }
    result = run_xiaoyou(["check", "--deploy", "--fail-level", "WARNING"], example, tmp_path)
    assert result.returncode == 0, result.stderr


def test_check_deploy_does_report_an_unsafe_production(tmp_path):
    result = run_xiaoyou(["check", "--deploy"], {**PRODUCTION, "DEBUG": "true"}, tmp_path)
    assert "security.W018" in result.stderr + result.stdout  # DEBUG in deployment


def test_production_settings_use_postgresql_redis_and_s3(tmp_path):
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'engine': s.DATABASES['default']['ENGINE'], 'host': s.DATABASES['default']['HOST'],"
        "'cache': s.CACHES['default']['BACKEND'], 'sessions': s.SESSION_ENGINE,"
        "'broker': s.CELERY_BROKER_URL, 'eager': s.CELERY_TASK_ALWAYS_EAGER,"
        "'media': s.STORAGES['default']['BACKEND'], 'static': s.STORAGES['staticfiles']['BACKEND'],"
        "'ssl': s.SECURE_SSL_REDIRECT, 'exempt': s.SECURE_REDIRECT_EXEMPT, 'hsts': s.SECURE_HSTS_SECONDS,"
        "'cookies': [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE], 'debug': s.DEBUG}))"
    )
    result = run_xiaoyou(["shell", "--no-imports", "-c", code], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "engine": "django.db.backends.postgresql",
        "host": "db.internal",
        "cache": "django.core.cache.backends.redis.RedisCache",
        "sessions": "django.contrib.sessions.backends.cache",
        "broker": "redis://redis.internal:6379/0",
        "eager": False,
        "media": "storages.backends.s3.S3Storage",
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "ssl": True,
        "exempt": ["^healthz$"],
        "hsts": 31536000,
        "cookies": [True, True],
        "debug": False,
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"FIELD_ENCRYPTION_KEY": ""}, "FIELD_ENCRYPTION_KEY must be set"),
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean (use true/false)"),
        ({"XIAOYOU_PRODUCTION": "ja"}, "XIAOYOU_PRODUCTION='ja' is not a boolean (use true/false)"),
        ({"DB_CONN_MAX_AGE": "ten"}, "DB_CONN_MAX_AGE='ten' is not an integer"),
        ({"SECURE_HSTS_SECONDS": "1 year"}, "SECURE_HSTS_SECONDS='1 year' is not an integer"),
    ],
)
def test_bad_environment_stops_the_start(tmp_path, change, message):
    result = run_xiaoyou(["check"], {**PRODUCTION, **change}, tmp_path)
    assert result.returncode != 0
    assert f"xiaoyou.core.env.EnvironmentError_: {message}" in result.stderr


# --- The typed readers themselves --------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        (" ON ", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("XIAOYOU_FLAG", raw)
    assert env_bool("XIAOYOU_FLAG", not expected) is expected


def test_env_bool_default_and_refusal(monkeypatch):
    monkeypatch.delenv("XIAOYOU_FLAG", raising=False)
    assert env_bool("XIAOYOU_FLAG", True) is True
    monkeypatch.setenv("XIAOYOU_FLAG", "enabled")
    with pytest.raises(EnvironmentError_, match=r"^XIAOYOU_FLAG='enabled' is not a boolean"):
        env_bool("XIAOYOU_FLAG")


def test_env_int(monkeypatch):
    monkeypatch.setenv("XIAOYOU_NUMBER", "42")
    assert env_int("XIAOYOU_NUMBER", 7) == 42
    monkeypatch.setenv("XIAOYOU_NUMBER", "  ")
    assert env_int("XIAOYOU_NUMBER", 7) == 7
    monkeypatch.setenv("XIAOYOU_NUMBER", "4.5")
    with pytest.raises(EnvironmentError_, match=r"^XIAOYOU_NUMBER='4.5' is not an integer$"):
        env_int("XIAOYOU_NUMBER", 7)


def test_env_str_required_and_default(monkeypatch):
    monkeypatch.delenv("XIAOYOU_TEXT", raising=False)
    assert env_str("XIAOYOU_TEXT", "fallback") == "fallback"
    assert env_str("XIAOYOU_TEXT") == ""
    with pytest.raises(EnvironmentError_, match=r"^XIAOYOU_TEXT must be set$"):
        env_str("XIAOYOU_TEXT", required=True)
    monkeypatch.setenv("XIAOYOU_TEXT", "")
    with pytest.raises(EnvironmentError_):
        env_str("XIAOYOU_TEXT", required=True)


def test_env_list(monkeypatch):
    monkeypatch.setenv("XIAOYOU_HOSTS", " a.example.cn, b.example.cn ,,")
    assert env_list("XIAOYOU_HOSTS", ["x"]) == ["a.example.cn", "b.example.cn"]
    monkeypatch.delenv("XIAOYOU_HOSTS")
    assert env_list("XIAOYOU_HOSTS", ["x"]) == ["x"]
