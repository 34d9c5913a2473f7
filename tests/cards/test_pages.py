"""Pages of the cloud card: console (settings, partners and their QR, scans, vouchers) and hall
(my card with its live QR, claim, partners, scanning, redemption, the partner desk)."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.cards.conftest import partner_with_staff
from tests.cards.factories import (
    CardFactory,
    PartnerFactory,
    ScanRecordFactory,
    VoucherFactory,
    VoucherTypeFactory,
)
from tests.events.factories import EventFactory
from tests.organizations.org_support import console_login
from xiaoyou.cards.models import (
    CardProgram,
    Partner,
    ScanRecord,
    ScanResult,
    Voucher,
    VoucherRule,
    VoucherStatus,
    VoucherType,
)
from xiaoyou.core.models import AuditEntry

pytestmark = pytest.mark.django_db


# --- Console -----------------------------------------------------------------------------------


def test_console_opens_the_card_with_its_settings(client, org_tree, main_admin):
    console_login(client, main_admin)
    assert client.get(reverse("console:card_settings")).status_code == 200
    response = client.post(
        reverse("console:card_settings"),
        {
            "name": "示范校友卡",
            "brand_color": "#112233",
            "terms": "仅限本人使用",
            "eligibility": "verified_members",
            "number_prefix": "SF",
            "is_active": "on",
            "alert_recipients": [main_admin.pk],
        },
    )
    assert response.status_code == 302
    program = CardProgram.objects.get(org=org_tree.root)
    assert (program.name, program.brand_color, program.number_prefix) == (
        "示范校友卡",
        "#112233",
        "SF",
    )
    assert list(program.alert_recipients.all()) == [main_admin]
    assert AuditEntry.objects.filter(action="cards.program_create").count() == 1
    page = client.get(reverse("console:card_settings")).content.decode()
    assert "http://testserver/card/" in page  # the card link for posters


def test_console_partner_crud_and_its_qr(client, program, main_admin):
    console_login(client, main_admin)
    response = client.post(
        reverse("console:card_partner_create"),
        {
            "name": "校友酒店",
            "benefit": "客房七折",
            "address": "学府路1号",
            "order": 1,
            "is_active": "on",
        },
    )
    partner = Partner.objects.get(name="校友酒店")
    assert response["Location"] == reverse("console:card_partner", args=[partner.pk])
    page = client.get(reverse("console:card_partner", args=[partner.pk])).content.decode()
    scan_url = "http://testserver" + reverse("hall:card_scan", args=[partner.secret])
    assert scan_url in page
    png = client.get(reverse("console:card_partner_qr", args=[partner.pk]))
    assert png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    if shutil.which("zbarimg"):
        decoded = subprocess.run(
            ["zbarimg", "--raw", "-q", "-"], input=png.content, capture_output=True, check=True
        )
        assert decoded.stdout.decode().strip() == scan_url
    old_secret = partner.secret
    client.post(reverse("console:card_partner_reset_qr", args=[partner.pk]))
    partner.refresh_from_db()
    assert partner.secret != old_secret
    assert client.get(reverse("hall:card_scan", args=[old_secret])).status_code == 404
    client.post(
        reverse("console:card_partner", args=[partner.pk]),
        {"name": "校友酒店", "benefit": "客房六折", "order": 1, "is_active": "on"},
    )
    partner.refresh_from_db()
    assert partner.benefit == "客房六折"
    update = AuditEntry.objects.get(action="cards.partner_update")
    assert update.changes == {"benefit": ["客房七折", "客房六折"], "address": ["学府路1号", ""]}
    client.post(reverse("console:card_partner_remove", args=[partner.pk]))
    assert not Partner.objects.filter(pk=partner.pk).exists()


def test_a_partner_with_scans_is_deactivated_not_deleted(client, program, main_admin):
    partner = PartnerFactory(program=program)
    ScanRecordFactory(partner=partner)
    console_login(client, main_admin)
    client.post(reverse("console:card_partner_remove", args=[partner.pk]))
    partner.refresh_from_db()
    assert partner.is_active is False


def test_console_scan_records_search_filter_and_export(client, program, main_admin):
    hotel = PartnerFactory(program=program, name="校友酒店")
    canteen = PartnerFactory(program=program, name="校友食堂")
    ScanRecordFactory(partner=hotel, holder_name="王芳", is_key_alumnus=True)
    ScanRecordFactory(partner=canteen, holder_name='=HYPERLINK("x")')
    ScanRecordFactory(partner=canteen, holder_name="李雷", result=ScanResult.ANONYMOUS)
    console_login(client, main_admin)
    url = reverse("console:card_scans")
    page = client.get(url, {"q": "王芳"}).content.decode()
    assert "王芳" in page and "李雷" not in page
    page = client.get(url, {"partner": canteen.pk, "result": "anonymous"}).content.decode()
    assert "李雷" in page and "王芳" not in page
    export = client.get(url, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    names = sorted(str(row[1]) for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == sorted(["王芳", '\'=HYPERLINK("x")', "李雷"])


def test_console_scan_list_makes_a_fixed_number_of_queries(
    client, program, main_admin, django_assert_max_num_queries
):
    partner = PartnerFactory(program=program)
    console_login(client, main_admin)
    client.get(reverse("console:card_scans"))
    for _ in range(15):
        ScanRecordFactory(partner=partner, card=CardFactory(program=program))
    with django_assert_max_num_queries(40):
        response = client.get(reverse("console:card_scans"))
    assert response.status_code == 200


def test_console_voucher_types_rules_issue_and_statistics(client, program, main_admin, holder):
    hotel = PartnerFactory(program=program, name="校友食堂")
    card = CardFactory(program=program, user=holder)
    event = EventFactory(org=program.org, title="返校日")
    console_login(client, main_admin)
    client.post(
        reverse("console:card_voucher_type_create"),
        {
            "name": "午餐券",
            "kind": "meal",
            "value": "午餐一份",
            "partner": hotel.pk,
            "is_active": "on",
        },
    )
    voucher_type = VoucherType.objects.get(name="午餐券")
    client.post(
        reverse("console:card_voucher_rule_add", args=[voucher_type.pk]), {"event": event.pk}
    )
    assert VoucherRule.objects.filter(voucher_type=voucher_type, event=event).exists()
    client.post(
        reverse("console:card_voucher_issue", args=[voucher_type.pk]),
        {"recipients": f"{card.number}\n13000000000"},
    )
    assert list(Voucher.objects.values_list("user", flat=True)) == [holder.pk]
    page = client.get(reverse("console:card_voucher_types")).content.decode()
    assert '<div class="stat-value" data-issued>1</div>' in page
    rule = VoucherRule.objects.get()
    client.post(reverse("console:card_voucher_rule_remove", args=[voucher_type.pk, rule.pk]))
    assert not VoucherRule.objects.exists()


def test_console_pages_are_closed_to_alumni(client, program, holder):
    client.force_login(holder)
    assert client.get(reverse("console:card_scans")).status_code == 403


# --- Hall --------------------------------------------------------------------------------------


def test_my_card_shows_the_holder_and_a_live_code(client, program, holder):
    client.force_login(holder)
    assert client.get(reverse("hall:card"))["Location"] == reverse("hall:card_claim")
    client.post(reverse("hall:card_claim"))
    page = client.get(reverse("hall:card")).content.decode()
    card = holder.alumni_cards.get()
    assert card.number in page and "张伟" in page and "计科1班" in page
    assert 'hx-trigger="every 20s"' in page
    live = client.get(reverse("hall:card_live"))
    assert live["Cache-Control"] == "no-store" and "<svg" in live.content.decode()
    token = live.content.decode().split('data-token="')[1].split('"')[0]
    verify = client.get(reverse("hall:card_verify", args=[token]))
    assert 'data-card-verify="valid"' in verify.content.decode()
    # The last character changed (to one it is not), so the signature no longer matches.
    forged_token = token[:-1] + ("B" if token.endswith("A") else "A")
    forged = client.get(reverse("hall:card_verify", args=[forged_token]))
    assert 'data-card-verify="invalid"' in forged.content.decode()


def test_claim_lists_the_missing_steps(client, program, unverified_user):
    anonymous = client.get(reverse("hall:card_claim"))
    assert 'data-step="account" data-done="0"' in anonymous.content.decode()
    client.force_login(unverified_user)
    page = client.get(reverse("hall:card_claim"), {"next": "/card/partners/"}).content.decode()
    assert 'data-step="account" data-done="1"' in page
    assert 'data-step="verify" data-done="0"' in page
    assert 'data-step="join" data-done="0"' in page
    assert 'data-action="claim-card"' not in page
    assert client.session["cards_next"] == "/card/partners/"


def test_claim_refuses_a_foreign_next(client, program, holder):
    client.force_login(holder)
    response = client.post(reverse("hall:card_claim"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("hall:card")


def test_scanning_a_partner_qr_as_a_holder_shows_the_benefit(client, program, hotel, holder):
    partner, _staff = hotel
    client.force_login(holder)
    response = client.get(reverse("hall:card_scan", args=[partner.secret]))
    scan = ScanRecord.objects.get()
    assert response["Location"] == reverse("hall:card_scan_result", args=[scan.pk])
    page = client.get(response["Location"]).content.decode()
    assert "客房七折" in page and 'data-fresh="1"' in page and "data-live-clock" in page
    clock = client.get(reverse("hall:card_scan_clock", args=[scan.pk]))
    assert clock["Cache-Control"] == "no-store" and "data-server-time" in clock.content.decode()


def test_an_anonymous_scan_leads_to_sign_up_and_back(client, program, hotel):
    partner, _staff = hotel
    url = reverse("hall:card_scan", args=[partner.secret])
    page = client.get(url).content.decode()
    assert 'data-scan-guide="anonymous"' in page
    assert f"next={url.replace('/', '%2F')}" in page
    assert ScanRecord.objects.get().result == ScanResult.ANONYMOUS


def test_someone_elses_scan_confirmation_is_not_shown(client, program, hotel, holder, outsider):
    partner, _staff = hotel
    client.force_login(holder)
    client.get(reverse("hall:card_scan", args=[partner.secret]))
    scan = ScanRecord.objects.get()
    client.force_login(outsider)
    assert client.get(reverse("hall:card_scan_result", args=[scan.pk])).status_code == 404


def test_redeeming_on_the_scan_page_once(client, program, hotel, holder):
    partner, _staff = hotel
    voucher = VoucherFactory(voucher_type=VoucherTypeFactory(partner=partner), user=holder)
    client.force_login(holder)
    client.get(reverse("hall:card_scan", args=[partner.secret]))
    scan = ScanRecord.objects.get()
    redeem = reverse("hall:card_scan_redeem", args=[scan.pk, voucher.pk])
    client.post(redeem)
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.REDEEMED and voucher.redeemed_scan == scan
    page = client.get(reverse("hall:card_scan_result", args=[scan.pk])).content.decode()
    assert f'data-voucher-redeemed="{voucher.pk}"' in page
    response = client.post(redeem, follow=True)
    assert AuditEntry.objects.filter(action="cards.voucher_redeem").count() == 1
    assert response.status_code == 200


# --- Partner staff (合作机构) ------------------------------------------------------------------


def test_partner_staff_see_only_their_own_scans(client, program, hotel, holder):
    partner, staff = hotel
    canteen, _canteen_staff = partner_with_staff(program, "校友食堂", "午餐")
    ScanRecordFactory(partner=partner, holder_name="王芳")
    ScanRecordFactory(partner=canteen, holder_name="李雷")
    client.force_login(staff)
    page = client.get(reverse("hall:card_desk")).content.decode()
    assert "王芳" in page and "李雷" not in page
    # Asking for the other partner falls back to their own.
    page = client.get(reverse("hall:card_desk"), {"partner": canteen.pk}).content.decode()
    assert "李雷" not in page
    # The desk is offered in their personal center; the holder's phone is never shown.
    assert reverse("hall:card_desk") in client.get(reverse("hall:me")).content.decode()
    assert holder.phone not in page
    # No console, no alumni directory records, no other partner's records.
    assert client.get(reverse("console:card_scans")).status_code == 403
    assert client.get(reverse("console:card_partner", args=[canteen.pk])).status_code in (403, 404)


def test_partner_staff_redeem_a_voucher_from_the_holders_live_card(client, program, hotel, holder):
    from xiaoyou.cards.services.cards import card_live_token

    partner, staff = hotel
    canteen, _canteen_staff = partner_with_staff(program, "校友食堂", "午餐")
    from xiaoyou.alumni.models import AlumniRecord

    card = CardFactory(program=program, user=holder, record=AlumniRecord.objects.get(user=holder))
    mine = VoucherFactory(voucher_type=VoucherTypeFactory(partner=partner), user=holder)
    theirs = VoucherFactory(voucher_type=VoucherTypeFactory(partner=canteen), user=holder)
    token = card_live_token(card)
    client.force_login(staff)
    page = client.get(reverse("hall:card_verify", args=[token])).content.decode()
    assert f'data-voucher="{mine.pk}"' in page and f'data-voucher="{theirs.pk}"' not in page
    assert client.post(reverse("hall:card_desk_redeem", args=[token, theirs.pk])).status_code == 404
    client.post(reverse("hall:card_desk_redeem", args=[token, mine.pk]))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (VoucherStatus.REDEEMED, VoucherStatus.ISSUED)
    assert mine.redeemed_scan.partner == partner


def test_someone_without_a_partner_has_no_desk(client, program, holder):
    client.force_login(holder)
    assert client.get(reverse("hall:card_desk")).status_code == 404
    assert reverse("hall:card_desk") not in client.get(reverse("hall:me")).content.decode()


def test_hall_partner_pages(client, program, hotel):
    partner, _staff = hotel
    PartnerFactory(program=program, name="停用机构", is_active=False)
    page = client.get(reverse("hall:card_partners")).content.decode()
    assert partner.name in page and "停用机构" not in page
    page = client.get(reverse("hall:card_partners"), {"q": "不存在"}).content.decode()
    assert partner.name not in page
    detail = client.get(reverse("hall:card_partner", args=[partner.pk])).content.decode()
    assert "客房七折" in detail and partner.secret not in detail
    share = client.get(reverse("hall:card_share")).content.decode()
    assert "http://testserver/card/" in share


def test_console_card_holders_list_detail_and_revoke(client, program, holder, main_admin):
    from xiaoyou.alumni.models import AlumniRecord

    record = AlumniRecord.objects.get(user=holder)
    card = CardFactory(program=program, user=holder, record=record)
    console_login(client, main_admin)
    page = client.get(reverse("console:card_holders"), {"q": "张伟"}).content.decode()
    assert card.number in page
    export = client.get(reverse("console:card_holders"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [row[:2] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        (card.number, "张伟")
    ]
    detail = client.get(reverse("console:card_holder", args=[card.pk])).content.decode()
    assert 'data-card-state="active"' in detail
    client.post(reverse("console:card_revoke", args=[card.pk]))
    card.refresh_from_db()
    assert card.revoked_at is not None
    assert AuditEntry.objects.filter(action="cards.card_revoke", object_id=str(card.pk)).exists()
    # The holder's card page now leads to the claim page, which does not re-issue it.
    client.force_login(holder)
    assert client.get(reverse("hall:card"))["Location"] == reverse("hall:card_claim")


def test_scans_are_rate_limited_per_person(client, program, hotel, holder, monkeypatch):
    from django.core.cache import cache

    from xiaoyou.cards.views import hall

    cache.clear()
    monkeypatch.setattr(hall, "SCAN_LIMIT", 3)
    partner, _staff = hotel
    client.force_login(holder)
    url = reverse("hall:card_scan", args=[partner.secret])
    assert [client.get(url).status_code for _ in range(4)] == [302, 302, 302, 429]
    assert ScanRecord.objects.count() == 3


def test_claim_shows_membership_done_for_a_member_awaiting_verification(
    client, program, verified_alumnus
):
    client.force_login(verified_alumnus)  # a member of the main association, no verified record
    page = client.get(reverse("hall:card_claim")).content.decode()
    assert 'data-step="join" data-done="1"' in page
    assert 'data-step="verify" data-done="0"' in page
