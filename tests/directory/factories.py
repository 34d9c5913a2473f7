"""factory_boy factories of the directory models, and a helper that makes a verified alumnus."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from tests.factories import AlumniRecordFactory, UserFactory


def make_alumnus(user=None, **record_fields):
    """A user with a linked, verified alumni record (what an accepted claim does)."""
    user = user or UserFactory()
    record = AlumniRecordFactory(user=user, verification="verified", **record_fields)
    return user, record


class PrivacySettingsFactory(DjangoModelFactory):
    class Meta:
        model = "directory.PrivacySettings"
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)


class DirectorySettingsFactory(DjangoModelFactory):
    class Meta:
        model = "directory.DirectorySettings"
        django_get_or_create = ("id",)

    id = 1


class CardExchangeFactory(DjangoModelFactory):
    class Meta:
        model = "directory.CardExchange"

    requester = factory.SubFactory(UserFactory)
    recipient = factory.SubFactory(UserFactory)
    status = "pending"
    message = ""
