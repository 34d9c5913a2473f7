"""Factories of the donations models."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from tests.factories import OrganizationFactory
from xiaoyou.donations.models import DonationProject, ProjectStatus


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = DonationProject

    org = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"奖学金项目{n}")
    target_amount = 10_000_000
    preset_amounts = [2000, 5000, 10000]
    status = ProjectStatus.PUBLISHED
