"""factory_boy factories of the cards app (programme, card, partner, scan, voucher types...)."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from tests.factories import OrganizationFactory, UserFactory
from xiaoyou.cards.models import (
    Card,
    CardProgram,
    Partner,
    ScanRecord,
    ScanResult,
    Voucher,
    VoucherKind,
    VoucherRule,
    VoucherSource,
    VoucherType,
)
from xiaoyou.organizations.models import OrganizationKind


class CardProgramFactory(DjangoModelFactory):
    class Meta:
        model = CardProgram
        django_get_or_create = ("org",)

    org = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.MAIN)
    name = "示范大学校友云卡"


class CardFactory(DjangoModelFactory):
    class Meta:
        model = Card

    program = factory.SubFactory(CardProgramFactory)
    user = factory.SubFactory(UserFactory)
    number = factory.Sequence(lambda n: f"XY26{n:08d}")
    issued_at = factory.LazyFunction(timezone.now)


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    program = factory.SubFactory(CardProgramFactory)
    name = factory.Sequence(lambda n: f"合作酒店{n}")
    benefit = "客房七折"
    address = "学府路1号"


class ScanRecordFactory(DjangoModelFactory):
    class Meta:
        model = ScanRecord

    partner = factory.SubFactory(PartnerFactory)
    holder_name = factory.Sequence(lambda n: f"校友{n}")
    result = ScanResult.SHOWN


class VoucherTypeFactory(DjangoModelFactory):
    class Meta:
        model = VoucherType

    program = factory.SelfAttribute("partner.program")
    partner = factory.SubFactory(PartnerFactory)
    name = "返校午餐券"
    kind = VoucherKind.MEAL
    value = "午餐一份"


class VoucherRuleFactory(DjangoModelFactory):
    class Meta:
        model = VoucherRule

    voucher_type = factory.SubFactory(VoucherTypeFactory)
    event = factory.SubFactory("tests.events.factories.EventFactory")


class VoucherFactory(DjangoModelFactory):
    class Meta:
        model = Voucher

    voucher_type = factory.SubFactory(VoucherTypeFactory)
    user = factory.SubFactory(UserFactory)
    source = VoucherSource.STAFF
