"""Hall: register for an event with its form (free: the result page; paid: the pay page),
the registration's result page, cancelling it, "my events" (registered and organized), and
starting an event as an alumnus (it goes to review)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.events.forms_registration import AlumniEventForm, RegistrationForm
from xiaoyou.events.models import Event, EventStatus, Registration, RegistrationStatus
from xiaoyou.events.views.hall_events import (
    LIVE,
    my_registration,
    registration_open,
    visible_event,
)
from xiaoyou.organizations.models import Organization


def _initial(user: Any) -> dict[str, Any]:
    name = getattr(user, "display_name", "") or ""
    return {
        "name": name,
        "phone": getattr(user, "phone", "") or "",
        "email": getattr(user, "email", "") or "",
        "guests": 0,
    }


@login_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """报名: the event's form; the service decides confirmed, awaiting review or payment, or
    waitlisted. A paid ticket continues on the payments pay page."""
    from xiaoyou.events.services.registrations import registration_create

    event = visible_event(request, pk)
    existing = my_registration(request.user, event)
    if existing is not None and existing.status in LIVE:
        return redirect("hall:event_registration", pk=existing.pk)
    if not registration_open(event):
        messages.error(request, _("Registration for this event is not open."))
        return redirect("hall:event", pk=event.pk)
    tickets = [ticket for ticket in event.ticket_types.all() if ticket.is_active]
    form = RegistrationForm(
        request.POST or None,
        event=event,
        ticket_types=tickets,
        initial={**_initial(request.user), "invitation_code": request.GET.get("code", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = registration_create(
                event=event,
                ticket_type=data["ticket_type"],
                user=request.user,
                name=data["name"],
                phone=data["phone"],
                email=data.get("email") or "",
                answers=form.answers(),
                guests=data.get("guests") or 0,
                invitation_code=(data.get("invitation_code") or "").strip(),
            )
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            return _after_registration(registration)
    return render(
        request, "events/hall/register.html", {"event": event, "form": form, "tickets": tickets}
    )


def _after_registration(registration: Registration) -> HttpResponse:
    payment = registration.payment
    if registration.status == RegistrationStatus.AWAITING_PAYMENT and payment is not None:
        return redirect("hall:pay", out_trade_no=payment.out_trade_no)
    return redirect("hall:event_registration", pk=registration.pk)


def _own_registration(request: HttpRequest, pk: int) -> Registration:
    registration = (
        Registration.objects.select_related("event", "event__org", "ticket_type", "payment")
        .filter(pk=pk)
        .first()
    )
    if registration is None or not policy.can(request.user, "view", registration):
        raise Http404
    return registration


@login_required
def registration_result(request: HttpRequest, pk: int) -> HttpResponse:
    """The registration's page: status, what comes next (pay, wait for approval), cancel."""
    registration = _own_registration(request, pk)
    return render(
        request,
        "events/hall/registration.html",
        {
            "registration": registration,
            "event": registration.event,
            "is_live": registration.status in LIVE,
            "can_cancel": registration.status in LIVE and registration.checked_in_at is None,
        },
    )


@login_required
@require_POST
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """取消报名: frees the seat (and refunds a paid ticket, through the service)."""
    from xiaoyou.events.services.registrations import registration_cancel as cancel

    registration = _own_registration(request, pk)
    if not policy.can(request.user, "cancel", registration):
        raise Http404
    try:
        cancel(actor=request.user, registration=registration, reason="")
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("hall:event_registration", pk=registration.pk)


@login_required
def my_events(request: HttpRequest) -> HttpResponse:
    """我的活动: my registrations (live ones first) and the events I started."""
    user: Any = request.user
    registrations = list(
        Registration.objects.filter(user=user)
        .select_related("event", "event__org", "ticket_type")
        .order_by("-event__starts_at", "-id")[:100]
    )
    organized = list(
        Event.objects.filter(created_by=user)
        .select_related("org")
        .order_by("-starts_at", "-id")[:50]
    )
    tab = request.GET.get("tab", "registered")
    from xiaoyou.events.selectors_engagement import favorite_events  # 收藏

    favorites = list(favorite_events(user)[:100]) if tab == "favorites" else []
    return render(
        request,
        "events/hall/my_events.html",
        {
            "tab": tab if tab in ("registered", "organized", "favorites") else "registered",
            "favorites": favorites,
            "live": [item for item in registrations if item.status in LIVE],
            "past": [item for item in registrations if item.status not in LIVE],
            "organized": organized,
            "statuses": EventStatus,
        },
    )


def proposable_orgs(user: Any) -> list[Organization]:
    """Where an alumnus may start an event: organizations they are a member of."""
    from xiaoyou.organizations.models import MembershipStatus

    orgs = Organization.objects.filter(
        Q(memberships__user=user, memberships__status=MembershipStatus.ACTIVE)
        | Q(roles__user=user),
        is_active=True,
        archived_at__isnull=True,
    ).distinct()
    return [org for org in orgs.order_by("path") if policy.can(user, "propose", Event, org=org)]


@login_required
def event_start(request: HttpRequest) -> HttpResponse:
    """发起活动: an alumnus proposes an event of one of their organizations; its admins review
    it before it is published."""
    from xiaoyou.events.services.events import event_create, event_publish, ticket_type_save

    orgs = proposable_orgs(request.user)
    if not orgs:
        return render(request, "events/hall/start.html", {"form": None})
    form = AlumniEventForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = data.pop("org")
        try:
            # A free event with one ticket; publishing an alumnus's draft sends it to review.
            with transaction.atomic():
                event = event_create(actor=request.user, org=org, **data)
                ticket_type_save(actor=request.user, event=event, name=_("Free"), price=0)
                event = event_publish(actor=request.user, event=event)
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Thank you: the association will review your event."))
            return redirect("hall:event", pk=event.pk)
    return render(request, "events/hall/start.html", {"form": form})
