"""Services of the cloud card: claiming, the live code, scans, key-alumni alerts, vouchers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.cards.conftest import make_verified, partner_with_staff
from tests.cards.factories import VoucherFactory, VoucherRuleFactory, VoucherTypeFactory
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import UserFactory
from xiaoyou.cards import errors
from xiaoyou.cards.models import Card, Eligibility, ScanResult, Voucher, VoucherStatus
from xiaoyou.cards.selectors import voucher_statistics
from xiaoyou.cards.services import cards as card_services
from xiaoyou.cards.services.cards import card_claim, card_from_live_token, card_live_token
from xiaoyou.cards.services.scans import KEY_ALUMNUS_SCAN, scan_record
from xiaoyou.cards.services.vouchers import (
    voucher_issue,
    voucher_redeem,
    vouchers_expire,
    vouchers_issue_for_checkin,
)
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db


# --- Claiming ----------------------------------------------------------------------------------


def test_a_verified_member_claims_one_card_and_the_claim_is_audited(program, holder):
    card = card_claim(actor=holder, program=program)
    again = card_claim(actor=holder, program=program)
    assert again.pk == card.pk
    assert card.number.startswith("XY")
    assert card.record.name == "张伟"
    assert Card.objects.filter(user=holder).count() == 1
    assert AuditEntry.objects.filter(action="cards.card_claim", object_id=str(card.pk)).count() == 1


def test_a_member_who_is_not_verified_gets_no_card(program, verified_alumnus):
    with pytest.raises(ApplicationError) as raised:
        card_claim(actor=verified_alumnus, program=program)
    assert raised.value.code == errors.NOT_ELIGIBLE
    assert not Card.objects.exists()


def test_a_verified_alumnus_outside_the_association_needs_to_join_by_default(program, org_tree):
    user = UserFactory()
    make_verified(user, org_tree.root)
    with pytest.raises(ApplicationError):
        card_claim(actor=user, program=program)
    program.eligibility = Eligibility.VERIFIED_ALUMNI
    program.save(update_fields=["eligibility"])
    assert card_claim(actor=user, program=program).user == user


# --- The live code -----------------------------------------------------------------------------


def test_the_live_code_is_valid_for_a_minute_only(program, holder, monkeypatch):
    card = card_claim(actor=holder, program=program)
    token = card_live_token(card)
    assert card_from_live_token(token) == card
    later = signing.TimestampSigner.unsign

    def in_61_seconds(self, value, max_age=None):
        return later(self, value, max_age=dt.timedelta(seconds=max_age) - dt.timedelta(seconds=61))

    monkeypatch.setattr(signing.TimestampSigner, "unsign", in_61_seconds)
    with pytest.raises(ApplicationError) as raised:
        card_from_live_token(token)
    assert raised.value.code == errors.TOKEN_EXPIRED


def test_a_forged_or_revoked_code_is_refused(program, holder, main_admin):
    card = card_claim(actor=holder, program=program)
    with pytest.raises(ApplicationError) as raised:
        token = card_live_token(card)
        card_from_live_token(token[:-1] + ("B" if token.endswith("A") else "A"))
    assert raised.value.code == errors.TOKEN_INVALID
    card_services.card_revoke(actor=main_admin, card=card)
    with pytest.raises(ApplicationError) as raised:
        card_from_live_token(card_live_token(card))
    assert raised.value.code == errors.CARD_REVOKED


# --- Scans -------------------------------------------------------------------------------------


def test_every_scan_is_recorded_with_its_result(program, hotel, holder, unverified_user):
    from django.contrib.auth.models import AnonymousUser

    partner, _staff = hotel
    anonymous = scan_record(user=AnonymousUser(), partner=partner)
    stranger = scan_record(user=unverified_user, partner=partner)
    member = scan_record(user=holder, partner=partner)
    assert anonymous.scan.result == ScanResult.ANONYMOUS and anonymous.scan.user is None
    assert stranger.scan.result == ScanResult.NOT_ELIGIBLE and stranger.card is None
    # An eligible alumnus without a card gets it on their first scan.
    assert member.scan.result == ScanResult.SHOWN
    assert member.card is not None and member.card.user == holder
    assert member.scan.holder_name == "张伟"
    assert partner.scans.count() == 3


def test_a_key_alumnus_scan_notifies_the_responsible_staff_at_once(
    program, hotel, org_tree, main_admin
):
    partner, _staff = hotel
    chosen = UserFactory(display_name="校友办")
    program.alert_recipients.set([chosen])
    key_person = UserFactory()
    from xiaoyou.organizations.models import Role
    from xiaoyou.organizations.services import role_grant

    role_grant(actor=None, user=key_person, org=org_tree.root, role=Role.MEMBER)
    make_verified(key_person, org_tree.root, name="王重", is_key=True)

    outcome = scan_record(user=key_person, partner=partner)

    assert outcome.scan.is_key_alumnus
    alerts = Notification.objects.filter(kind=KEY_ALUMNUS_SCAN)
    assert [alert.user for alert in alerts] == [chosen]
    assert "王重" in alerts[0].title and partner.name in alerts[0].title


def test_without_chosen_recipients_the_association_admins_are_told(
    program, hotel, holder, main_admin
):
    partner, _staff = hotel
    from xiaoyou.alumni.models import AlumniRecord

    AlumniRecord.objects.filter(user=holder).update(is_key_alumnus=True)
    scan_record(user=holder, partner=partner)
    assert list(
        Notification.objects.filter(kind=KEY_ALUMNUS_SCAN).values_list("user", flat=True)
    ) == [main_admin.pk]


def test_the_alert_is_also_texted_to_staff_with_a_verified_phone(program, hotel, org_tree):
    from xiaoyou.core.models import Delivery

    staff = UserFactory(phone="+8613900139000", phone_verified=True)
    program.alert_recipients.set([staff])
    key_person = UserFactory()
    make_verified(key_person, org_tree.root, name="王重", is_key=True)
    program.eligibility = Eligibility.VERIFIED_ALUMNI
    program.save(update_fields=["eligibility"])
    scan_record(user=key_person, partner=hotel[0])
    delivery = Delivery.objects.get(user=staff, kind=KEY_ALUMNUS_SCAN)
    assert delivery.channel == "sms"
    assert "王重" in delivery.payload["parts"]["text"]
    assert delivery.payload["context"]["partner_name"] == hotel[0].name


def test_an_ordinary_alumnus_scan_notifies_nobody(program, hotel, holder, main_admin):
    scan_record(user=holder, partner=hotel[0])
    assert not Notification.objects.filter(kind=KEY_ALUMNUS_SCAN).exists()


# --- Vouchers ----------------------------------------------------------------------------------


def test_staff_issue_vouchers_with_the_validity_of_the_type(program, hotel, holder, main_admin):
    voucher_type = VoucherTypeFactory(partner=hotel[0], valid_days=3)
    before = timezone.now()
    [voucher] = voucher_issue(actor=main_admin, voucher_type=voucher_type, users=[holder])
    assert voucher.status == VoucherStatus.ISSUED
    assert (
        before + dt.timedelta(days=3) <= voucher.expires_at <= timezone.now() + dt.timedelta(days=3)
    )
    assert AuditEntry.objects.filter(action="cards.voucher_issue").count() == 1
    assert Notification.objects.filter(user=holder, kind="cards.voucher_issued").count() == 1


def test_another_organizations_admin_cannot_issue(program, hotel, holder, regional_admin):
    voucher_type = VoucherTypeFactory(partner=hotel[0])
    with pytest.raises(PermissionDenied):
        voucher_issue(actor=regional_admin, voucher_type=voucher_type, users=[holder])


def test_check_in_issues_the_rule_voucher_once(
    program, hotel, holder, django_capture_on_commit_callbacks
):
    rule = VoucherRuleFactory(
        voucher_type=VoucherTypeFactory(partner=hotel[0]), event=EventFactory(org=program.org)
    )
    registration = RegistrationFactory(event=rule.event, user=holder)
    from xiaoyou.events.hooks import attendee_checked_in

    with django_capture_on_commit_callbacks(execute=True):
        attendee_checked_in.send(registration)
    with django_capture_on_commit_callbacks(execute=True):
        attendee_checked_in.send(registration)  # offline sync delivers it again
    vouchers = Voucher.objects.filter(user=holder)
    assert [(voucher.rule_id, voucher.source) for voucher in vouchers] == [(rule.pk, "rule")]
    assert vouchers_issue_for_checkin(RegistrationFactory(event=rule.event, user=None)) == []


def test_a_voucher_is_redeemed_once_at_its_own_partner(program, hotel, holder):
    partner, _staff = hotel
    canteen, _canteen_staff = partner_with_staff(program, "校友食堂", "午餐")
    voucher = VoucherFactory(voucher_type=VoucherTypeFactory(partner=canteen), user=holder)
    with pytest.raises(ApplicationError) as raised:
        voucher_redeem(actor=holder, voucher=voucher, partner=partner)
    assert raised.value.code == errors.VOUCHER_WRONG_PARTNER
    scan = scan_record(user=holder, partner=canteen).scan
    voucher_redeem(actor=holder, voucher=voucher, partner=canteen, scan=scan)
    voucher.refresh_from_db()
    scan.refresh_from_db()
    assert voucher.status == VoucherStatus.REDEEMED and voucher.redeemed_scan == scan
    assert scan.result == ScanResult.REDEEMED
    with pytest.raises(ApplicationError) as raised:
        voucher_redeem(actor=holder, voucher=voucher, partner=canteen)
    assert raised.value.code == errors.VOUCHER_USED


def test_someone_else_cannot_redeem_my_voucher(program, hotel, holder, unverified_user):
    voucher = VoucherFactory(voucher_type=VoucherTypeFactory(partner=hotel[0]), user=holder)
    with pytest.raises(PermissionDenied):
        voucher_redeem(actor=unverified_user, voucher=voucher, partner=hotel[0])


def test_expired_vouchers_are_refused_marked_and_counted(program, hotel, holder):
    voucher_type = VoucherTypeFactory(partner=hotel[0])
    old = VoucherFactory(
        voucher_type=voucher_type, user=holder, expires_at=timezone.now() - dt.timedelta(hours=1)
    )
    VoucherFactory(voucher_type=voucher_type, user=holder)
    used = VoucherFactory(voucher_type=voucher_type, user=holder)
    voucher_redeem(actor=holder, voucher=used, partner=hotel[0])
    with pytest.raises(ApplicationError) as raised:
        voucher_redeem(actor=holder, voucher=old, partner=hotel[0])
    assert raised.value.code == errors.VOUCHER_EXPIRED
    [figures] = voucher_statistics(type(voucher_type).objects.filter(pk=voucher_type.pk))
    assert (figures.issued, figures.redeemed, figures.expired, figures.outstanding) == (3, 1, 1, 1)
    assert vouchers_expire() == 1
    assert vouchers_expire() == 0
    old.refresh_from_db()
    assert old.status == VoucherStatus.EXPIRED
