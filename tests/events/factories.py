"""factory_boy factories of the events app (Event, TicketType, Registration, CheckIn...)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from tests.factories import OrganizationFactory, UserFactory
from xiaoyou.events.models import (
    CheckIn,
    CheckInSource,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    TicketType,
)


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    org = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"校友活动{n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + dt.timedelta(hours=3))
    place = "校友之家"
    status = EventStatus.PUBLISHED


class TicketTypeFactory(DjangoModelFactory):
    class Meta:
        model = TicketType

    event = factory.SubFactory(EventFactory)
    name = "普通票"


class RegistrationFactory(DjangoModelFactory):
    """A confirmed registration holding one seat (seat counters are not moved: use services)."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    ticket_type = factory.LazyAttribute(lambda reg: TicketTypeFactory(event=reg.event))
    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"参会者{n}")
    status = RegistrationStatus.CONFIRMED
    seats = 1


class CheckInFactory(DjangoModelFactory):
    class Meta:
        model = CheckIn

    registration = factory.SubFactory(RegistrationFactory)
    event = factory.LazyAttribute(lambda row: row.registration.event)
    source = CheckInSource.SCAN
    scanned_at = factory.LazyFunction(timezone.now)
