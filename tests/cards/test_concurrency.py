"""Two phones redeem the same voucher at the same moment: exactly one succeeds."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests.cards.conftest import make_verified, partner_with_staff
from tests.cards.factories import CardProgramFactory, VoucherFactory, VoucherTypeFactory
from tests.factories import OrganizationFactory, UserFactory
from xiaoyou.cards import errors
from xiaoyou.cards.models import Voucher, VoucherStatus
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry
from xiaoyou.organizations.models import OrganizationKind


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking")
@pytest.mark.django_db(transaction=True)
def test_the_same_voucher_redeemed_from_two_sessions_at_once_succeeds_once():
    from xiaoyou.cards.services.vouchers import voucher_redeem

    program = CardProgramFactory(org=OrganizationFactory(kind=OrganizationKind.MAIN))
    canteen, _staff = partner_with_staff(program, "校友食堂", "午餐")
    holder = UserFactory()
    make_verified(holder, program.org)
    vouchers = [
        VoucherFactory(voucher_type=VoucherTypeFactory(partner=canteen), user=holder)
        for _ in range(20)
    ]
    outcomes: list[str] = []
    unexpected: list[BaseException] = []
    lock = threading.Lock()

    def phone(voucher_pk: int, barrier: threading.Barrier) -> None:
        from django.db import connections

        try:
            voucher = Voucher.objects.select_related("voucher_type").get(pk=voucher_pk)
            barrier.wait()
            try:
                voucher_redeem(actor=holder, voucher=voucher, partner=canteen)
                result = "ok"
            except ApplicationError as error:
                result = error.code
            with lock:
                outcomes.append(result)
        except BaseException as error:  # pragma: no cover - reported below
            unexpected.append(error)
        finally:
            connections.close_all()

    for voucher in vouchers:
        barrier = threading.Barrier(2)
        phones = [threading.Thread(target=phone, args=(voucher.pk, barrier)) for _ in range(2)]
        for thread in phones:
            thread.start()
        for thread in phones:
            thread.join()

    assert unexpected == []
    assert sorted(outcomes) == sorted(["ok"] * 20 + [errors.VOUCHER_USED] * 20)
    assert Voucher.objects.filter(status=VoucherStatus.REDEEMED).count() == 20
    assert AuditEntry.objects.filter(action="cards.voucher_redeem").count() == 20
