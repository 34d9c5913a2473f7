"""Issue 3's journey in a real browser, and the WeChat share card.

1. An org admin (desktop) creates a regional association in the console: manual review and a
   join form with a required text question.
2. An alumnus (phone, 390x844) opens the association's shared link, asks to join: the first
   submit with the required answer empty shows the error inline and creates nothing; then it
   goes to review.
3. The admin approves it from the to-do list.
4. The alumnus, a member of the main association whose department has a college association,
   sees the recommendation to join it and joins with one tap.

Screenshots of every step go to test-artifacts/org-journey-*.png.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from tests.accounts.support import fresh_cache_settings
from tests.browser.conftest import MOBILE
from tests.factories import AlumniRecordFactory, DepartmentFactory, InvitationFactory, UserFactory
from xiaoyou.organizations.models import (
    ApprovalMode,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipStatus,
    Organization,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def alumnus(org_tree):
    """Member of the main association, with an alumni record in the department whose college
    association (org_tree.college) exists; joins that college association automatically."""
    from xiaoyou.organizations.services.activation import membership_activate

    department = DepartmentFactory(name="计算机科学与技术学院", code="CS01")
    Organization.objects.filter(pk=org_tree.college.pk).update(
        department=department, approval_mode=ApprovalMode.AUTOMATIC, join_form=[]
    )
    user = UserFactory(display_name="陈静", phone="+8613912345678")
    AlumniRecordFactory(
        org=org_tree.root, name="陈静", department=department, user=user, city="", industry=""
    )
    membership_activate(actor=None, org=org_tree.root, user=user, source="imported")
    return user


def choose(page: Any, name: str, value: str) -> None:
    """Picks a choice whether the form shows it as a select or as radio buttons."""
    radio = page.locator(f"input[type='radio'][name='{name}'][value='{value}']")
    if radio.count():
        radio.check()
    else:
        page.select_option(f"select[name='{name}']", value)


def test_org_journey(
    desktop_page, mobile_page, sign_in, screenshot, org_tree, platform_admin, alumnus
):
    admin_page, phone = desktop_page, mobile_page

    # --- 1. The admin creates a regional association (desktop) -------------------------------
    sign_in(admin_page, platform_admin)
    admin_page.goto(reverse("console:org_create"))
    admin_page.fill("#id_name", "杭州校友会")
    admin_page.fill("#id_short_name", "杭州校友会")
    choose(admin_page, "kind", "regional")
    choose(admin_page, "parent", str(org_tree.root.pk))
    admin_page.fill("#id_province", "浙江省")
    admin_page.fill("#id_city", "杭州")
    choose(admin_page, "approval_mode", ApprovalMode.MANUAL)
    admin_page.fill("#id_joining_requirements", "在杭州工作或生活的校友")
    admin_page.click("[data-join-add]")
    question = admin_page.locator("[data-join-field]").last
    question.locator("input[name$='-label']").fill("工作单位")
    question.locator("input[name$='-required']").check()
    screenshot(admin_page, "org-journey-1-create-desktop", full_page=True)
    admin_page.click("[data-action='save']")
    admin_page.wait_for_url(re.compile(r"/console/orgs/\d+/$"))

    org = Organization.objects.get(name="杭州校友会")
    assert org.parent_id == org_tree.root.pk
    assert org.kind == "regional"
    assert org.approval_mode == ApprovalMode.MANUAL
    [field] = org.join_form
    assert (field["label"], field["type"], field["required"]) == ("工作单位", "text", True)
    screenshot(admin_page, "org-journey-2-created-desktop", full_page=True)

    # The organization's public page is the link the admin shares (its card and QR code).
    public_path = reverse("hall:org_detail", args=[org.pk])
    share_link = admin_page.locator(f"a[target='_blank'][href='{public_path}']")
    assert share_link.count() == 1

    # --- 2. The alumnus opens the shared link on a phone and asks to join ---------------------
    sign_in(phone, alumnus)
    phone.goto(share_link.get_attribute("href") or "")
    assert phone.locator("meta[property='og:title']").get_attribute("content") == "杭州校友会"
    og_image = phone.locator("meta[property='og:image']").get_attribute("content") or ""
    assert og_image.startswith("http")
    assert phone.locator("h1").first.inner_text().strip() == "杭州校友会"
    screenshot(phone, "org-journey-3-org-page-mobile", full_page=True)

    phone.click("[data-action='join']")
    phone.wait_for_url(f"**{reverse('hall:org_join', args=[org.pk])}")
    field_key = field["key"]
    screenshot(phone, "org-journey-4-join-form-mobile", full_page=True)

    # The required answer left empty: the error shows inline and nothing is created.
    phone.click("[data-action='submit-join']")
    phone.wait_for_load_state("load")
    error_field = phone.locator(f".form-field.has-error[data-field='{field_key}']")
    assert error_field.count() == 1
    assert error_field.locator(".field-error, .errorlist").first.is_visible()
    assert JoinRequest.objects.filter(org=org).count() == 0
    screenshot(phone, "org-journey-5-join-form-error-mobile", full_page=True)

    phone.fill(f"[name='{field_key}']", "示范科技有限公司")
    phone.click("[data-action='submit-join']")
    phone.wait_for_url(f"**{reverse('hall:org_join_result', args=[org.pk])}")
    join_request = JoinRequest.objects.get(org=org, user=alumnus)
    assert join_request.status == JoinRequestStatus.PENDING
    assert join_request.answers[field_key] == "示范科技有限公司"
    screenshot(phone, "org-journey-6-waiting-mobile", full_page=True)

    # --- 3. The admin approves it from the to-do list (desktop) -------------------------------
    admin_page.goto(reverse("console:reviews"))
    row = admin_page.locator("tr.review-row", has_text="杭州校友会")
    assert row.count() == 1
    screenshot(admin_page, "org-journey-7-todos-desktop", full_page=True)
    row.locator("form.inline-form button[type='submit']").click()
    admin_page.locator("tr.review-row.review-approved", has_text="杭州校友会").wait_for()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.APPROVED
    assert Membership.objects.get(org=org, user=alumnus).status == MembershipStatus.ACTIVE
    screenshot(admin_page, "org-journey-8-approved-desktop", full_page=True)

    # --- 4. The alumnus is recommended the college association and joins with one tap --------
    phone.goto(reverse("hall:home"))
    recommended = phone.locator(f"[data-recommended-org='{org_tree.college.pk}']")
    recommended.wait_for()
    assert org_tree.college.name in recommended.inner_text()
    recommended.scroll_into_view_if_needed()
    screenshot(phone, "org-journey-9-recommendation-mobile", full_page=True)
    recommended.locator("[data-action='quick-join']").click()
    phone.wait_for_url(f"**{reverse('hall:org_join_result', args=[org_tree.college.pk])}")
    college_membership = Membership.objects.get(org=org_tree.college, user=alumnus)
    assert college_membership.status == MembershipStatus.ACTIVE
    screenshot(phone, "org-journey-10-joined-college-mobile", full_page=True)
    # Nothing is left to recommend for the department.
    phone.goto(reverse("hall:home"))
    assert phone.locator(f"[data-recommended-org='{org_tree.college.pk}']").count() == 0


# --- The invitation page and the WeChat share card -------------------------------------------

WECHAT_USER_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI "
    "Language/zh_CN"
)

# Stands in for res.wx.qq.com's jweixin (WeChat's browser is not available to tests): records
# what the page asks of the JS-SDK.
FAKE_JWEIXIN = """
window.__wx = [];
window.wx = {
  config: function (c) { window.__wx.push(["config", c]); },
  ready: function (f) { window.__wx.push(["ready"]); f(); },
  updateAppMessageShareData: function (d) { window.__wx.push(["app", d]); },
  updateTimelineShareData: function (d) { window.__wx.push(["timeline", d]); }
};
"""


@pytest.fixture
def wechat(settings):
    from tests.emulators.wechat import WeChatEmulator

    emulator = WeChatEmulator({"wx0000000000share": "share-secret-0123456789"})
    with emulator:
        settings.CACHES = fresh_cache_settings(settings.CACHES)
        settings.WECHAT_APP_ID = "wx0000000000share"
        settings.WECHAT_APP_SECRET = "share-secret-0123456789"
        settings.WECHAT_API_URL = emulator.url
        settings.WECHAT_OPEN_URL = emulator.url
        yield emulator


def test_invitation_share_card_inside_wechat(
    browser, live_server, screenshot, org_tree, college_admin, wechat
):
    invitation = InvitationFactory(org=org_tree.college, created_by=college_admin)
    context = browser.new_context(
        base_url=live_server.url,
        viewport=MOBILE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        user_agent=WECHAT_USER_AGENT,
    )
    requested: list[str] = []

    def jweixin(route: Any) -> None:
        requested.append(route.request.url)
        route.fulfill(status=200, content_type="application/javascript", body=FAKE_JWEIXIN)

    context.route("https://res.wx.qq.com/**", jweixin)
    page = context.new_page()
    try:
        path = reverse("hall:invitation_accept", kwargs={"code": invitation.code})
        page.goto(path)
        page.wait_for_function("window.__wx && window.__wx.some(c => c[0] === 'timeline')")
        calls = page.evaluate("window.__wx")
        screenshot(page, "invitation-wechat-mobile", full_page=True)
    finally:
        context.close()

    assert requested == ["https://res.wx.qq.com/open/js/jweixin-1.6.0.js"]
    config = next(call[1] for call in calls if call[0] == "config")
    page_url = f"{live_server.url}{path}"
    assert config["appId"] == "wx0000000000share"
    assert config["jsApiList"] == ["updateAppMessageShareData", "updateTimelineShareData"]
    # The signature is the one WeChat's browser would accept for this page.
    assert wechat.js_signature_ok(
        appid="wx0000000000share",
        url=page_url,
        nonce=config["nonceStr"],
        timestamp=config["timestamp"],
        signature=config["signature"],
    )
    card = next(call[1] for call in calls if call[0] == "app")
    assert card["link"] == page_url
    assert org_tree.college.name in card["title"]
    assert card["imgUrl"].startswith(live_server.url)
    timeline = next(call[1] for call in calls if call[0] == "timeline")
    assert timeline == {"title": card["title"], "link": page_url, "imgUrl": card["imgUrl"]}


def test_invitation_page_signed_out_on_a_phone(mobile_page, screenshot, org_tree, college_admin):
    invitation = InvitationFactory(
        org=org_tree.college, created_by=college_admin, role_invitation=True, name="王芳"
    )
    mobile_page.goto(reverse("hall:invitation_accept", kwargs={"code": invitation.code}))
    actions = mobile_page.locator(".invitation-actions a")
    assert actions.count() == 3
    first_href = actions.first.get_attribute("href") or ""
    assert first_href.startswith(reverse("account_request_login_code"))
    assert f"next=%2Finvite%2F{invitation.code}%2F" in first_href
    # Nothing loads from WeChat outside WeChat.
    assert mobile_page.locator("script[src*='res.wx.qq.com']").count() == 0
    screenshot(mobile_page, "invitation-signed-out-mobile", full_page=True)


def assert_qr_not_cropped(page: Any, selector: str) -> None:
    """segno's SVG has no viewBox: a box narrower than its width would cut the code off."""
    svg = page.locator(selector)
    box = svg.bounding_box()
    assert box is not None
    assert box["width"] >= int(svg.get_attribute("width") or 0)


def test_console_invitation_pages(desktop_page, sign_in, screenshot, org_tree, college_admin):
    sign_in(desktop_page, college_admin)
    desktop_page.goto(reverse("console:invitation_create"))
    desktop_page.check("input[name='kind'][value='join']")
    # The role and phone fields hide for a join link.
    expect(desktop_page.locator("#id_role")).to_be_hidden()
    expect(desktop_page.locator("#id_phone")).to_be_hidden()
    expect(desktop_page.locator("#id_max_uses")).to_be_visible()
    desktop_page.select_option("#id_validity", "30")
    screenshot(desktop_page, "invitation-console-create-desktop", full_page=True)
    desktop_page.click("button[type='submit'].btn-primary")
    desktop_page.wait_for_url(re.compile(r"/console/invitations/\d+/$"))
    link = desktop_page.locator("#invitation-link").input_value()
    assert re.fullmatch(
        rf"{re.escape(desktop_page.url.split('/console/')[0])}/invite/[A-Z2-7]{{16}}/", link
    )
    assert desktop_page.locator(".qr svg").count() == 1
    assert_qr_not_cropped(desktop_page, ".qr svg")
    screenshot(desktop_page, "invitation-console-detail-desktop", full_page=True)

    desktop_page.goto(desktop_page.url + "poster")
    assert desktop_page.locator(".poster .qr svg").count() == 1
    assert_qr_not_cropped(desktop_page, ".poster .qr svg")
    screenshot(desktop_page, "invitation-console-poster-desktop", full_page=True)

    desktop_page.goto(reverse("console:invitation_list"))
    assert desktop_page.locator("#invitation-table tbody tr").count() == 1
    screenshot(desktop_page, "invitation-console-list-desktop", full_page=True)
