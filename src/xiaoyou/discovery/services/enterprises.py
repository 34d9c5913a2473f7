"""校友企业: enterprises registered by alumni and found in annual reports, reviewed in the core
queue before they show in the hall's directory."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from xiaoyou.core import reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.discovery.crawling.base import EnterpriseFound
from xiaoyou.discovery.matching import PersonFacts, match_person
from xiaoyou.discovery.models import (
    Enterprise,
    EnterpriseOrigin,
    EnterprisePerson,
    EnterpriseStatus,
)
from xiaoyou.organizations.models import Organization

ENTERPRISE_REVIEW_KIND = "discovery.enterprise"


@transaction.atomic
def enterprise_register(
    *,
    actor: Any,
    name: str,
    industry: str,
    city: str,
    website: str = "",
    description: str = "",
    role: str = "",
) -> Enterprise:
    """A verified alumnus registers their enterprise (waits for review); they are its first
    linked alumnus."""
    from xiaoyou.discovery.services.jobs import posting_org_for

    org = posting_org_for(actor)
    if org is None:
        raise ApplicationError("discovery_may_not_post", status=403)
    name = name.strip()[:150]
    if not name:
        raise ApplicationError("invalid_input")
    if Enterprise.objects.filter(org=org, name=name).exists():
        raise ApplicationError("discovery_enterprise_exists", status=409)
    enterprise = Enterprise.objects.create(
        org=org,
        name=name,
        industry=industry.strip()[:60],
        city=city.strip()[:60],
        website=website.strip()[:200],
        description=description.strip(),
        origin=EnterpriseOrigin.REGISTERED,
        registered_by=actor,
    )
    record = actor.alumni_record if hasattr(actor, "alumni_record") else None
    EnterprisePerson.objects.create(
        enterprise=enterprise,
        name=(record.name if record else str(actor))[:60],
        role=role.strip()[:100],
        evidence="",
        record=record,
    )
    reviews.review_submit(
        obj=enterprise, submitter=actor, org=org, kind=ENTERPRISE_REVIEW_KIND, summary=name
    )
    return enterprise


def enterprise_store_found(*, org: Organization, found: EnterpriseFound) -> Enterprise:
    """Stores (or refreshes) an enterprise found in a disclosure with its alumni executives,
    each matched to an alumni record; a new one goes to the review queue. Called by crawls."""
    with transaction.atomic():
        enterprise, created = Enterprise.objects.get_or_create(
            org=org,
            name=found.name[:150],
            defaults={
                "origin": EnterpriseOrigin.DISCLOSURE,
                "stock_code": found.stock_code,
                "source_url": found.source_url[:1000],
                "retrieved_at": timezone.now(),
            },
        )
        if not created:
            enterprise.stock_code = found.stock_code or enterprise.stock_code
            enterprise.retrieved_at = timezone.now()
            enterprise.save(update_fields=["stock_code", "retrieved_at", "updated_at"])
        for person in found.people:
            result = match_person(
                PersonFacts(
                    person.name, person.enrollment_year, person.graduation_year, person.department
                )
            )
            EnterprisePerson.objects.update_or_create(
                enterprise=enterprise,
                name=person.name[:60],
                defaults={
                    "role": person.role[:100],
                    "evidence": person.evidence,
                    "record": result.record,
                },
            )
        if created:
            reviews.review_submit(
                obj=enterprise,
                submitter=None,
                org=org,
                kind=ENTERPRISE_REVIEW_KIND,
                summary=f"{enterprise.name} ({enterprise.stock_code})",
            )
    return enterprise


def _approve(enterprise: Enterprise, *, item: Any, actor: Any, reason: str) -> None:
    Enterprise.objects.filter(pk=enterprise.pk).update(
        status=EnterpriseStatus.PUBLISHED, updated_at=timezone.now()
    )


def _reject(enterprise: Enterprise, *, item: Any, actor: Any, reason: str) -> None:
    Enterprise.objects.filter(pk=enterprise.pk).update(
        status=EnterpriseStatus.REJECTED, updated_at=timezone.now()
    )


def _details(enterprise: Enterprise) -> list[tuple[Any, Any]]:
    from django.utils.translation import gettext_lazy as _

    rows: list[tuple[Any, Any]] = [
        (_("Company"), enterprise.name),
        (_("Origin"), enterprise.get_origin_display()),
        (_("Stock code"), enterprise.stock_code),
        (_("Industry"), enterprise.industry),
        (_("City"), enterprise.city),
        (_("Source address"), enterprise.source_url),
    ]
    for person in enterprise.people.all():
        rows.append((person.name, f"{person.role} · {person.evidence}"))
    return rows


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    reviews.register(
        ENTERPRISE_REVIEW_KIND,
        model=Enterprise,
        label=_("Alumni enterprises"),
        on_approve=_approve,
        on_reject=_reject,
        details=_details,
        order=91,
    )
