"""Reads of the cloud card: programmes, eligibility, partners, scans, vouchers, statistics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from xiaoyou.alumni.models import AlumniRecord
from xiaoyou.cards.models import (
    Card,
    CardProgram,
    Eligibility,
    Partner,
    ScanRecord,
    Voucher,
    VoucherStatus,
    VoucherType,
)
from xiaoyou.core import policy
from xiaoyou.organizations.models import Organization


def hall_program() -> CardProgram | None:
    """The programme the hall shows: the main (root) association's, else the oldest one."""
    from xiaoyou.organizations.selectors import root_organization

    root = root_organization()
    queryset = CardProgram.objects.select_related("org")
    program = queryset.filter(org=root).first() if root is not None else None
    return program or queryset.order_by("pk").first()


def program_of(org: Organization | None) -> CardProgram | None:
    if org is None:
        return None
    return CardProgram.objects.select_related("org").filter(org=org).first()


def eligible_record(user: Any, program: CardProgram) -> AlumniRecord | None:
    """The alumni record that makes `user` eligible for `program`'s card, else None.

    Verified alumni (a verified, live record linked to the account) are eligible; with the
    default rule they must also belong to the association or one of its branches."""
    from xiaoyou.directory.selectors import own_record

    record = own_record(user)
    if record is None:
        return None
    if program.eligibility == Eligibility.VERIFIED_ALUMNI:
        return record
    return record if is_member_of(user, program) else None


def is_member_of(user: Any, program: CardProgram) -> bool:
    """Member of the programme's association or of one of its branches (any role counts)."""
    from xiaoyou.directory.selectors import organization_ids_of

    if not getattr(user, "is_authenticated", False):
        return False
    ids = organization_ids_of(user.pk)
    return (
        bool(ids)
        and Organization.objects.filter(pk__in=ids, path__startswith=program.org.path).exists()
    )


def card_of(user: Any, program: CardProgram) -> Card | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Card.objects.select_related("program", "record", "record__department", "user")
        .filter(program=program, user_id=user.pk)
        .first()
    )


def cards_managed_by(user: Any) -> QuerySet[Card]:
    return policy.scoped(Card.objects.all(), user, "manage").select_related(
        "user", "record", "record__department", "program"
    )


def partners_public(program: CardProgram) -> QuerySet[Partner]:
    return Partner.objects.filter(program=program, is_active=True).order_by("order", "pk")


def partners_managed_by(user: Any) -> QuerySet[Partner]:
    return policy.scoped(Partner.objects.all(), user, "manage").select_related(
        "program", "program__org", "community"
    )


def partners_staffed_by(user: Any) -> QuerySet[Partner]:
    """Partners whose community `user` administers (their front-desk staff)."""
    from xiaoyou.organizations.selectors import administered_organizations

    if not getattr(user, "is_authenticated", False):
        return Partner.objects.none()
    return Partner.objects.filter(
        community__in=administered_organizations(user), is_active=True
    ).select_related("program")


def scans_managed_by(user: Any) -> QuerySet[ScanRecord]:
    return policy.scoped(ScanRecord.objects.all(), user, "manage").select_related(
        "partner", "card", "user"
    )


def scans_at(partner: Partner) -> QuerySet[ScanRecord]:
    """A partner's own scans; what its staff see (names and times, no alumni records)."""
    return (
        ScanRecord.objects.filter(partner=partner)
        .select_related("card")
        .prefetch_related("vouchers__voucher_type")
    )


def voucher_types_managed_by(user: Any) -> QuerySet[VoucherType]:
    return policy.scoped(VoucherType.objects.all(), user, "manage").select_related(
        "partner", "program", "program__org"
    )


def vouchers_managed_by(user: Any) -> QuerySet[Voucher]:
    return policy.scoped(Voucher.objects.all(), user, "manage").select_related(
        "voucher_type", "voucher_type__partner", "user"
    )


def usable_vouchers(user: Any, *, partner: Partner | None = None) -> QuerySet[Voucher]:
    """The user's vouchers that can still be redeemed (issued and not past their end)."""
    now = timezone.now()
    queryset = (
        Voucher.objects.filter(user_id=user.pk, status=VoucherStatus.ISSUED)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("voucher_type", "voucher_type__partner")
        .order_by("expires_at", "pk")
    )
    if partner is not None:
        queryset = queryset.filter(voucher_type__partner=partner)
    return queryset


def open_voucher_types(user: Any, program: CardProgram) -> list[tuple[VoucherType, str]]:
    """Voucher types a card holder may apply for, each with the status of their application
    ("" when they have not applied)."""
    from xiaoyou.cards.models import VoucherApplication

    types = list(
        VoucherType.objects.filter(
            program=program, is_active=True, is_open_to_applications=True
        ).select_related("partner")
    )
    applied = dict(
        VoucherApplication.objects.filter(user_id=user.pk, voucher_type__in=types).values_list(
            "voucher_type_id", "status"
        )
    )
    return [(item, applied.get(item.pk, "")) for item in types]


def my_vouchers(user: Any) -> QuerySet[Voucher]:
    return (
        Voucher.objects.filter(user_id=user.pk)
        .select_related("voucher_type", "voucher_type__partner")
        .order_by("-pk")
    )


@dataclass(frozen=True)
class VoucherFigures:
    voucher_type: VoucherType
    issued: int
    redeemed: int
    expired: int

    @property
    def outstanding(self) -> int:
        return self.issued - self.redeemed - self.expired


def voucher_statistics(types: QuerySet[VoucherType]) -> list[VoucherFigures]:
    """Per voucher type: issued (all), redeemed, and expired (marked, or past their end)."""
    now = timezone.now()
    rows = types.annotate(
        issued_count=Count("vouchers"),
        redeemed_count=Count("vouchers", filter=Q(vouchers__status=VoucherStatus.REDEEMED)),
        expired_count=Count(
            "vouchers",
            filter=Q(vouchers__status=VoucherStatus.EXPIRED)
            | Q(vouchers__status=VoucherStatus.ISSUED, vouchers__expires_at__lte=now),
        ),
    )
    return [
        VoucherFigures(
            voucher_type=row,
            issued=row.issued_count,  # type: ignore[attr-defined]
            redeemed=row.redeemed_count,  # type: ignore[attr-defined]
            expired=row.expired_count,  # type: ignore[attr-defined]
        )
        for row in rows
    ]
