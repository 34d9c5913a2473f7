"""Browser tests of the API pages: the interactive docs (no outside asset) and the personal
token page (create, copy once, revoke) on desktop and mobile. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _get_me(base_url: str, token: str) -> int:
    request = urllib.request.Request(
        f"{base_url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # 127.0.0.1 only
            json.load(response)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_api_docs_render_from_local_assets_only(desktop_page, live_server, screenshot):
    requested: list[str] = []
    desktop_page.on("request", lambda request: requested.append(request.url))
    desktop_page.goto("/api/v1/docs")
    desktop_page.wait_for_selector('[data-path="/api/v1/organizations/{organization_id}"]')
    assert desktop_page.locator(".opblock").count() >= 6
    screenshot(desktop_page, "api-docs-desktop")
    outside = [url for url in requested if not url.startswith(live_server.url)]
    assert outside == []
    assert f"{live_server.url}/api/v1/openapi.json" in requested


@pytest.mark.parametrize("viewport", ["desktop_page", "mobile_page"])
def test_personal_token_create_use_and_revoke(
    request, viewport, live_server, sign_in, screenshot, verified_alumnus
):
    page = request.getfixturevalue(viewport)
    sign_in(page, verified_alumnus)
    page.goto("/api/tokens/")
    page.fill("input[name=name]", "会员同步脚本")
    page.select_option("select[name=expires_in]", "30")
    page.click("button[type=submit].btn-primary")
    token = page.locator("#new-token").input_value()
    assert token.startswith("xy_")
    screenshot(page, f"api-token-created-{viewport}")
    assert _get_me(live_server.url, token) == 200

    # Shown once: a reload of the list shows only the prefix.
    page.goto("/api/tokens/")
    assert page.locator("#new-token").count() == 0
    assert token not in page.content()

    page.click("form[action*='/revoke/'] button")
    page.click("#confirm-dialog .confirm-ok")  # the design system's confirmation dialog
    page.wait_for_url("**/api/tokens/?revoked=*")
    screenshot(page, f"api-token-revoked-{viewport}")
    assert _get_me(live_server.url, token) == 401
