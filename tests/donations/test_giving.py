"""Giving: a gift's rules, paying it (totals moved once, whatever the replays), refunds
(partial and full, replayed), first-time donors, and totals under concurrent gifts."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from tests.donations.factories import ProjectFactory
from tests.donations.support import give, pay
from tests.factories import AlumniRecordFactory
from xiaoyou.alumni.models import VerificationState
from xiaoyou.core.errors import ApplicationError
from xiaoyou.donations.models import Donation, DonationStatus, ProjectStatus
from xiaoyou.donations.selectors import donor_count, totals_check
from xiaoyou.payments.services.refunds import refund_create

pytestmark = pytest.mark.django_db


def _totals(project):
    project.refresh_from_db()
    return totals_check(project)


def test_a_public_donor_gives_and_the_totals_move_once(
    org_tree, gateway, django_capture_on_commit_callbacks
):
    project = ProjectFactory(org=org_tree.college)
    donation = give(project, amount=5000, donor_name="王五", email="wang@example.com")
    assert donation.status == DonationStatus.PENDING
    assert donation.user is None and donation.payment.payer is None
    assert donation.payment.amount == 5000 and donation.payment.org == org_tree.college
    with django_capture_on_commit_callbacks(execute=True):
        assert pay(donation)
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PAID
    year = timezone.localtime(donation.paid_at).year
    assert donation.certificate_number == f"JZ{year}-{donation.pk:06d}"
    assert donation.is_first_gift
    with django_capture_on_commit_callbacks(execute=True):
        pay(donation)  # the provider notifies again
        pay(donation, source="query")
    assert _totals(project) == {
        "raised_amount": 5000,
        "gifts_net": 5000,
        "donation_count": 1,
        "gifts_paid": 1,
    }


def test_gift_rules(org_tree, verified_alumnus):
    project = ProjectFactory(
        org=org_tree.college, min_amount=1000, max_amount=100_000, allow_anonymous=False
    )
    cases = [
        ({"amount": 999}, "donations.amount_too_small"),
        ({"amount": 100_001}, "donations.amount_too_large"),
        ({"amount": 0}, "donations.amount_too_small"),
        ({"donor_name": "  "}, "donations.name_required"),
        ({"is_anonymous": True}, "donations.anonymous_not_allowed"),
        ({"wants_receipt": True}, "donations.contact_required"),
    ]
    for fields, code in cases:
        with pytest.raises(ApplicationError) as error:
            give(project, verified_alumnus, **{"amount": 5000, **fields})
        assert error.value.code == code, fields
    project.allow_custom_amount = False
    project.save()
    with pytest.raises(ApplicationError) as error:
        give(project, verified_alumnus, amount=3000)
    assert error.value.code == "donations.amount_not_offered"
    assert give(project, verified_alumnus, amount=5000).amount == 5000
    assert Donation.objects.count() == 1


def test_only_open_projects_take_gifts(org_tree, verified_alumnus):
    now = timezone.now()
    for fields in (
        {"status": ProjectStatus.DRAFT},
        {"status": ProjectStatus.CLOSED},
        {"starts_at": now + dt.timedelta(days=1)},
        {"ends_at": now - dt.timedelta(minutes=1)},
    ):
        project = ProjectFactory(org=org_tree.college, **fields)
        with pytest.raises(ApplicationError) as error:
            give(project, verified_alumnus)
        assert error.value.code == "donations.not_open"


def test_visibility_limits_who_may_give(org_tree, verified_alumnus, unverified_user):
    project = ProjectFactory(org=org_tree.college, visibility="verified")
    for donor in (AnonymousUser(), unverified_user):
        with pytest.raises(ApplicationError) as error:
            give(project, donor)
        assert error.value.code == "donations.not_allowed"
    with pytest.raises(ApplicationError):
        give(project, verified_alumnus)  # a member, not yet verified
    AlumniRecordFactory(
        org=org_tree.root,
        user=verified_alumnus,
        verification=VerificationState.VERIFIED,
        graduation_year=2005,
    )
    gift = give(project, verified_alumnus, class_year=1999)
    assert (gift.user, gift.class_year) == (verified_alumnus, 2005)  # the record's year wins


def test_refunds_partial_then_full_reverse_the_totals_once(
    org_tree, gateway, college_admin, django_capture_on_commit_callbacks
):
    project = ProjectFactory(org=org_tree.college)
    kept = give(project, amount=2000)
    donation = give(project, amount=10000)
    with django_capture_on_commit_callbacks(execute=True):
        pay(kept)
        pay(donation)
    assert _totals(project)["raised_amount"] == 12000
    order = donation.payment
    with django_capture_on_commit_callbacks(execute=True):
        refund_create(order=order, amount=3000, reason="捐错金额", actor=college_admin)
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_amount) == (DonationStatus.PAID, 3000)
    assert _totals(project) == {
        "raised_amount": 9000,
        "gifts_net": 9000,
        "donation_count": 2,
        "gifts_paid": 2,
    }
    # A replayed refund callback takes nothing twice.
    from xiaoyou.donations.services.giving import donation_refunded

    donation_refunded(order)
    assert _totals(project)["raised_amount"] == 9000
    with django_capture_on_commit_callbacks(execute=True):
        refund_create(order=order, amount=7000, reason="捐赠人撤回", actor=college_admin)
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_amount) == (DonationStatus.REFUNDED, 10000)
    assert _totals(project) == {
        "raised_amount": 2000,
        "gifts_net": 2000,
        "donation_count": 1,
        "gifts_paid": 1,
    }
    donation_refunded(order)
    assert _totals(project)["donation_count"] == 1


def test_first_time_and_repeat_donors_and_donor_count(
    org_tree, gateway, verified_alumnus, django_capture_on_commit_callbacks
):
    project = ProjectFactory(org=org_tree.college)
    other = ProjectFactory(org=org_tree.college)
    gifts = [
        give(project, verified_alumnus, amount=2000),
        give(other, verified_alumnus, amount=3000),
        give(project, amount=4000, phone="13800000001"),
        give(project, amount=5000, phone="13800000001"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for gift in gifts:
            pay(gift)
    firsts = [Donation.objects.get(pk=gift.pk).is_first_gift for gift in gifts]
    assert firsts == [True, False, True, False]
    assert donor_count(project) == 2


def test_a_gift_paid_for_another_order_is_not_counted(
    org_tree, gateway, django_capture_on_commit_callbacks
):
    """The callback only counts the gift's own order (a stray order for the same gift id is
    ignored), so a forged or stale order can never add money."""
    from xiaoyou.donations.services.giving import donation_paid

    project = ProjectFactory(org=org_tree.college)
    donation = give(project)
    with django_capture_on_commit_callbacks(execute=True):
        second = give(project)
        pay(second)
    stray = second.payment
    stray.payable_id = str(donation.pk)
    donation_paid(stray)
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PENDING
    assert _totals(project)["raised_amount"] == 5000


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking")
@pytest.mark.django_db(transaction=True)
def test_500_concurrent_gifts_keep_the_totals_exact(org_tree, gateway):
    project = ProjectFactory(org=org_tree.college)
    amounts = [100 + (index * 37) % 9_000 for index in range(500)]
    gifts = [give(project, amount=amount) for amount in amounts]
    from xiaoyou.payments.providers.base import StartContext
    from xiaoyou.payments.services.orders import payment_start

    for gift in gifts:
        payment_start(order=gift.payment, provider="fake", channel="h5", context=StartContext())
    errors: list[BaseException] = []

    def worker(chunk):
        from django.db import connections

        try:
            for gift in chunk:
                pay(gift)
                pay(gift)  # every notification arrives twice
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(gifts[n::10],)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # The payable callbacks ran as Celery tasks (eager in tests) after each commit.
    assert _totals(project) == {
        "raised_amount": sum(amounts),
        "gifts_net": sum(amounts),
        "donation_count": 500,
        "gifts_paid": 500,
    }
