"""Browser test fixtures: Debian's Chromium through Playwright, desktop and mobile pages, and
signing a user in by session cookie.

- `browser`: one headless Chromium for the session (skipped cleanly without /usr/bin/chromium).
- `desktop_page` (1280x800) and `mobile_page` (390x844, touch): a fresh context each, whose
  relative URLs go to pytest-django's live_server.
- `sign_in(page, user)`: puts a signed-in session cookie in the page's context. Staff get a TOTP
  authenticator and a session that allauth records as password + TOTP authenticated, so the
  staff 2FA requirement is met without typing codes (the 2FA flow has its own browser test).
- `screenshot(page, name)`: saves test-artifacts/<name>.png (gitignored, kept by CI).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (scripts/setup --browser installs it as root)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    playwright = playwright_api.sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield chromium
    chromium.close()
    playwright.stop()


def _new_page(browser: Any, live_server: Any, **options: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser: Any, live_server: Any) -> Iterator[Any]:
    yield from _new_page(browser, live_server, viewport=DESKTOP, locale="zh-CN")


@pytest.fixture
def mobile_page(browser: Any, live_server: Any) -> Iterator[Any]:
    yield from _new_page(
        browser,
        live_server,
        viewport=MOBILE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        user_agent=(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
        ),
    )


@pytest.fixture
def sign_in(live_server: Any) -> Callable[[Any, Any], None]:
    def sign_in(page: Any, user: Any) -> None:
        from allauth.account.internal.flows.login import (
            _AUTHENTICATION_METHODS_USER_SESSION_KEY,
            AUTHENTICATION_METHODS_SESSION_KEY,
        )
        from allauth.mfa.models import Authenticator
        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

        now = time.time()
        records: list[dict[str, Any]] = [{"method": "password", "at": now, "phone": user.phone}]
        if user.is_staff:
            authenticator, _created = Authenticator.objects.get_or_create(
                user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "unused"}}
            )
            records.append({"method": "mfa", "at": now, "id": authenticator.pk, "type": "totp"})
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[AUTHENTICATION_METHODS_SESSION_KEY] = records
        store[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
        store["console_last_activity"] = int(now)
        store.create()
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": store.session_key,
                    "url": live_server.url,
                }
            ]
        )

    return sign_in


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page: Any, name: str, *, full_page: bool = False) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return save


@pytest.fixture
def camera_browser(browser: Any) -> Iterator[Callable[[Path], Any]]:
    """`launch(video)`: a second Chromium (same Playwright) whose camera plays `video` (.y4m or
    .mjpeg, looped), camera permission prompts answered yes; closed after the test."""
    launched: list[Any] = []

    def launch(video: Path) -> Any:
        args = [
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ]
        chromium = browser.browser_type.launch(executable_path=CHROMIUM, args=args, headless=True)
        launched.append(chromium)
        return chromium

    yield launch
    for chromium in launched:
        chromium.close()
