"""Console: an event's online activities (线上活动) — the wall's moderation queue (bulk publish,
reject, hide; photo thumbnails), gift offers and their claims (filters, mark shipped with a
tracking number, cancel, Excel export), challenges and their reports (void)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import Column, DataTable, Filter
from xiaoyou.events import selectors_online as selectors
from xiaoyou.events.forms_online import ChallengeForm, GiftOfferForm, TrackingForm
from xiaoyou.events.models import (
    Challenge,
    ChallengeReport,
    Event,
    GiftClaim,
    GiftClaimStatus,
    GiftOffer,
)
from xiaoyou.events.services import online as services
from xiaoyou.events.views.console_events import managed_event

QUEUE_PAGE_SIZE = 40
REPORTS_PAGE_SIZE = 50
QUEUE_STATUSES = [
    ModerationStatus.PENDING,
    ModerationStatus.PUBLISHED,
    ModerationStatus.REJECTED,
    ModerationStatus.HIDDEN,
]


def online_overview(request: HttpRequest, pk: int) -> HttpResponse:
    """线上活动: the wall's queue by status (a page of posts in one query), the gift offers and
    the challenges with their counts (one query each)."""
    event = managed_event(request, pk)
    status = request.GET.get("status", ModerationStatus.PENDING)
    if status not in QUEUE_STATUSES:
        status = ModerationStatus.PENDING
    queue = Paginator(selectors.wall_queue(event, status=status), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = dict(
        event.wall_posts.values_list("status").annotate(count=Count("id")).order_by()  # type: ignore[arg-type]
    )
    statuses = [
        (value, ModerationStatus(value).label, counts.get(value, 0)) for value in QUEUE_STATUSES
    ]
    offers = list(
        selectors.gift_offers(event).annotate(
            shipped=Count("claims", filter=Q(claims__status=GiftClaimStatus.SHIPPED))
        )
    )
    challenges = list(
        selectors.challenges(event).annotate(
            report_count=Count("reports", filter=Q(reports__is_void=False)),
            people=Count("reports__user", filter=Q(reports__is_void=False), distinct=True),
        )
    )
    return render(
        request,
        "events/console/online.html",
        {
            "event": event,
            "queue": queue,
            "status": status,
            "statuses": statuses,
            "offers": offers,
            "challenges": challenges,
        },
    )


@require_POST
def wall_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Bulk publish, reject or hide the ticked posts of the queue."""
    event = managed_event(request, pk)
    action = request.POST.get("action", "")
    ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
    status = request.POST.get("status", "")
    try:
        count = services.wall_post_moderate(
            actor=request.user, event=event, post_ids=ids, action=action
        )
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Done for %(count)s posts.") % {"count": count})
    target = reverse("console:event_online", args=[event.pk])
    return redirect(f"{target}?status={status}" if status in QUEUE_STATUSES else target)


# --- Gift offers and claims -------------------------------------------------------------------


def _offer(event: Event, gift_pk: int) -> GiftOffer:
    offer = selectors.gift_offers(event).filter(pk=gift_pk).first()
    if offer is None:
        raise Http404
    return offer


def gift_edit(request: HttpRequest, pk: int, gift_pk: int | None = None) -> HttpResponse:
    """Adds or edits a gift offer (name, stock, shipping, closing time, open or not)."""
    event = managed_event(request, pk)
    offer = _offer(event, gift_pk) if gift_pk is not None else None
    initial: dict[str, Any] = {}
    if offer is not None:
        initial = {name: getattr(offer, name) for name in services.GIFT_FIELDS}
    form = GiftOfferForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.gift_offer_save(
                actor=request.user, event=event, offer=offer, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Saved."))
            return redirect("console:event_online", pk=event.pk)
    return render(
        request,
        "events/console/online_gift_form.html",
        {"event": event, "offer": offer, "form": form},
    )


def gift_claims(request: HttpRequest, pk: int) -> HttpResponse:
    """The claims of the event's gifts: filter by gift and status, search, export to Excel."""
    event = managed_event(request, pk)
    offers = list(selectors.gift_offers(event))

    def detail_url(item: GiftClaim) -> str:
        return reverse("console:event_gift_claim", args=[event.pk, item.pk])

    table = DataTable(
        request,
        selectors.gift_claims(event),
        columns=[
            Column("created_at", gettext_lazy("Claimed at"), sort="created_at"),
            Column("offer__name", gettext_lazy("Gift")),
            Column("name", gettext_lazy("Recipient"), link=detail_url, sort="name"),
            Column("phone", gettext_lazy("Mobile phone"), accessor=_readable_phone),
            Column("address", gettext_lazy("Address")),
            Column("status", gettext_lazy("Status"), badge=True, sort="status"),
            Column("tracking_number", gettext_lazy("Tracking number")),
        ],
        filters=[
            Filter(
                "gift",
                gettext_lazy("Gift"),
                kind="select",
                lookup="offer_id",
                choices=[(str(offer.pk), offer.name) for offer in offers],
            ),
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=GiftClaimStatus.choices,
            ),
        ],
        search_fields=["name", "phone", "address", "tracking_number"],
        search_placeholder=gettext_lazy("Name, phone, address or tracking number"),
        default_sort="-created_at",
        export_formats=["xlsx"],
        empty_title=gettext_lazy("No claims yet"),
        empty_text=gettext_lazy("Claims appear here as alumni claim gifts."),
    )
    if table.export_format:
        return table.export_response(f"gift-claims-{event.pk}")
    return render(request, "events/console/online_claims.html", {"event": event, "table": table})


def _readable_phone(claim: GiftClaim) -> str:
    # Mainland numbers as people read them; a leading "+" would be neutralized as a formula.
    phone = claim.phone or ""
    return phone[3:] if phone.startswith("+86") and len(phone) == 14 else phone


def _claim(event: Event, claim_pk: int) -> GiftClaim:
    claim = selectors.gift_claims(event).filter(pk=claim_pk).first()
    if claim is None:
        raise Http404
    return claim


def gift_claim_detail(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponse:
    event = managed_event(request, pk)
    claim = _claim(event, claim_pk)
    return render(
        request,
        "events/console/online_claim.html",
        {"event": event, "claim": claim, "form": TrackingForm()},
    )


@require_POST
def gift_claim_ship(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponse:
    event = managed_event(request, pk)
    claim = _claim(event, claim_pk)
    form = TrackingForm(request.POST)
    tracking = form.cleaned_data["tracking_number"] if form.is_valid() else ""
    try:
        services.gift_claim_ship(actor=request.user, claim=claim, tracking_number=tracking)
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Marked as shipped; the alumnus is told in the app."))
    return redirect("console:event_gift_claim", pk=event.pk, claim_pk=claim.pk)


@require_POST
def gift_claim_cancel(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponse:
    event = managed_event(request, pk)
    claim = _claim(event, claim_pk)
    try:
        services.gift_claim_cancel(actor=request.user, claim=claim)
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("The claim is cancelled; the gift is back in stock."))
    return redirect("console:event_gift_claim", pk=event.pk, claim_pk=claim.pk)


# --- Challenges -------------------------------------------------------------------------------


def _challenge(event: Event, challenge_pk: int) -> Challenge:
    challenge = selectors.challenges(event).filter(pk=challenge_pk).first()
    if challenge is None:
        raise Http404
    return challenge


def challenge_edit(request: HttpRequest, pk: int, challenge_pk: int | None = None) -> HttpResponse:
    """Adds or edits a challenge; an existing one shows its reports (void) and leaderboard."""
    event = managed_event(request, pk)
    challenge = _challenge(event, challenge_pk) if challenge_pk is not None else None
    initial: dict[str, Any] = {}
    if challenge is not None:
        initial = {name: getattr(challenge, name) for name in services.CHALLENGE_FIELDS}
    form = ChallengeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.challenge_save(
                actor=request.user, event=event, challenge=challenge, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Saved."))
            return redirect("console:event_challenge", pk=event.pk, challenge_pk=saved.pk)
    context: dict[str, Any] = {"event": event, "challenge": challenge, "form": form}
    if challenge is not None:
        context["reports"] = Paginator(
            selectors.challenge_reports(challenge).order_by("-reported_at", "-id"),
            REPORTS_PAGE_SIZE,
        ).get_page(request.GET.get("page"))
        context["leaderboard"] = selectors.challenge_leaderboard(challenge, limit=20)
    return render(request, "events/console/online_challenge.html", context)


@require_POST
def challenge_report_void(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    event = managed_event(request, pk)
    report = (
        ChallengeReport.objects.filter(pk=report_pk, challenge__event=event)
        .select_related("challenge")
        .first()
    )
    if report is None:
        raise Http404
    services.challenge_report_void(actor=request.user, report=report)
    messages.success(request, _("The report is void; it no longer counts."))
    return redirect("console:event_challenge", pk=event.pk, challenge_pk=report.challenge_id)
