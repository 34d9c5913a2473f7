"""Vouchers by application and approval: a card holder applies, an admin decides in the review
queue; approval issues exactly one voucher, rejection none; one application per type."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.cards.factories import CardFactory, VoucherTypeFactory
from xiaoyou.cards import errors
from xiaoyou.cards.models import ApplicationStatus, Voucher, VoucherSource
from xiaoyou.cards.services.applications import REVIEW_KIND, voucher_apply
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import ReviewItem
from xiaoyou.core.reviews import review_decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def parking(program, hotel):
    return VoucherTypeFactory(
        partner=hotel[0],
        name="停车券",
        kind="parking",
        value="免费停车",
        is_open_to_applications=True,
    )


def test_approval_issues_one_voucher(program, holder, parking, main_admin):
    CardFactory(program=program, user=holder)
    application = voucher_apply(actor=holder, voucher_type=parking, reason="返校开车")
    item = ReviewItem.objects.get(kind=REVIEW_KIND)
    assert item.org == program.org and item.submitter == holder
    review_decide(item=item, actor=main_admin, approved=True)
    application.refresh_from_db()
    voucher = Voucher.objects.get(user=holder)
    assert application.status == ApplicationStatus.APPROVED and application.voucher == voucher
    assert voucher.source == VoucherSource.APPLICATION and voucher.issued_by == main_admin
    with pytest.raises(ApplicationError) as raised:
        voucher_apply(actor=holder, voucher_type=parking)
    assert raised.value.code == errors.ALREADY_APPLIED


def test_rejection_issues_nothing(program, holder, parking, main_admin):
    CardFactory(program=program, user=holder)
    application = voucher_apply(actor=holder, voucher_type=parking)
    review_decide(
        item=ReviewItem.objects.get(kind=REVIEW_KIND),
        actor=main_admin,
        approved=False,
        reason="名额已满",
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert not Voucher.objects.exists()


def test_only_card_holders_apply_and_only_for_open_types(program, holder, hotel, unverified_user):
    closed = VoucherTypeFactory(partner=hotel[0])
    open_type = VoucherTypeFactory(partner=hotel[0], is_open_to_applications=True)
    with pytest.raises(ApplicationError) as raised:
        voucher_apply(actor=unverified_user, voucher_type=open_type)
    assert raised.value.code == errors.NOT_ELIGIBLE
    CardFactory(program=program, user=holder)
    with pytest.raises(ApplicationError) as raised:
        voucher_apply(actor=holder, voucher_type=closed)
    assert raised.value.code == errors.VOUCHER_TYPE_INACTIVE


def test_hall_vouchers_page_offers_and_tracks_the_application(client, program, holder, parking):
    CardFactory(program=program, user=holder)
    client.force_login(holder)
    page = client.get(reverse("hall:card_vouchers")).content.decode()
    assert f'data-open-type="{parking.pk}"' in page and 'data-action="apply-voucher"' in page
    client.post(reverse("hall:card_voucher_apply", args=[parking.pk]))
    page = client.get(reverse("hall:card_vouchers")).content.decode()
    assert 'data-action="apply-voucher"' not in page
    assert ReviewItem.objects.filter(kind=REVIEW_KIND, submitter=holder).count() == 1


def test_the_application_shows_in_the_console_to_do_list(
    client, program, holder, parking, main_admin
):
    from tests.organizations.org_support import console_login

    CardFactory(program=program, user=holder)
    voucher_apply(actor=holder, voucher_type=parking, reason="返校开车")
    item = ReviewItem.objects.get(kind=REVIEW_KIND)
    console_login(client, main_admin)
    assert "停车券" in client.get(reverse("console:reviews")).content.decode()
    detail = client.get(reverse("console:review_detail", args=[item.pk])).content.decode()
    assert "返校开车" in detail and "免费停车" in detail
