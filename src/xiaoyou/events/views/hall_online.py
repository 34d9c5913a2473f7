"""Hall: an event's online activities — the wall (post a blessing or a photo, see the published
ones), the full-screen live wall for the venue and its JSON feed, claiming a gift, and a
challenge (report, my total and rank, the leaderboard)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.events import selectors_online as selectors
from xiaoyou.events.forms_online import ChallengeReportForm, GiftClaimForm, WallPostForm
from xiaoyou.events.models import Challenge, Event, GiftClaimStatus, GiftOffer, WallPost
from xiaoyou.events.services import online as services
from xiaoyou.events.views.hall_events import visible_event

WALL_PAGE_SIZE = 30
LIVE_POLL_SECONDS = 5


def _can_take_part(request: HttpRequest, event: Event) -> bool:
    return policy.can(request.user, "take_part", event)


def wall(request: HttpRequest, pk: int) -> HttpResponse:
    """祝福墙 / 照片纪念墙: the published posts, newest first (one query a page); signed-in
    visitors who may view the event post a blessing or a photo (it shows once moderated)."""
    event = visible_event(request, pk)
    form = None
    if request.user.is_authenticated:
        initial = {"signature": getattr(request.user, "display_name", "") or ""}
        form = WallPostForm(request.POST or None, request.FILES or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.wall_post_create(
                    actor=request.user,
                    event=event,
                    kind=data["kind"],
                    signature=data["signature"],
                    text=data.get("text") or "",
                    image=data.get("image"),
                )
            except ApplicationError as error:
                form.add_error(None, error.text())
            else:
                messages.success(request, _("Thank you! Your post shows once it is approved."))
                return redirect("hall:event_wall", pk=event.pk)
    elif request.method == "POST":
        raise Http404
    page = Paginator(selectors.wall_published(event), WALL_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    pending = 0
    if request.user.is_authenticated:
        pending = WallPost.objects.filter(
            event=event, author=request.user, status="pending"
        ).count()
    return render(
        request,
        "events/hall/online_wall.html",
        {
            "event": event,
            "page": page,
            "form": form,
            "can_post": _can_take_part(request, event) and event.status == "published",
            "pending": pending,
        },
    )


def wall_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The live wall for the venue's screen: full screen, no navigation; wall.js polls the feed."""
    event = visible_event(request, pk)
    return render(
        request,
        "events/hall/online_wall_live.html",
        {
            "event": event,
            "feed_url": reverse("hall:event_wall_feed", args=[event.pk]),
            "poll_seconds": LIVE_POLL_SECONDS,
            "wall_url": request.build_absolute_uri(reverse("hall:event_wall", args=[event.pk])),
        },
    )


def _post_json(post: WallPost) -> dict[str, Any]:
    return {
        "id": post.pk,
        "kind": post.kind,
        "text": post.text,
        "signature": post.signature,
        "image": post.image.url if post.image else "",
    }


def wall_feed(request: HttpRequest, pk: int) -> JsonResponse:
    """What the live screen has not shown yet: posts published after `since` (a cursor), the new
    cursor, and the ids still on the wall (a post hidden meanwhile leaves the rotation)."""
    event = visible_event(request, pk)
    posts = selectors.wall_published_since(event, request.GET.get("since", ""))
    cursor = selectors.wall_cursor(posts[-1]) if posts else request.GET.get("since", "")
    response = JsonResponse(
        {
            "posts": [_post_json(post) for post in posts],
            "cursor": cursor,
            "live": selectors.wall_live_ids(event),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


# --- Gifts ------------------------------------------------------------------------------------


def _offer(event: Event, gift_pk: int) -> GiftOffer:
    offer = selectors.gift_offers(event).filter(pk=gift_pk).select_related("event").first()
    if offer is None:
        raise Http404
    return offer


def gift(request: HttpRequest, pk: int, gift_pk: int) -> HttpResponse:
    """领取礼品: the gift, the stock left and the claim form; my claim (with its tracking
    number) once made; "all gone" when the stock is out."""
    event = visible_event(request, pk)
    offer = _offer(event, gift_pk)
    mine = selectors.gift_claims_of(request.user, event).get(offer.pk)
    live = mine is not None and mine.status != GiftClaimStatus.CANCELLED
    form = None
    if request.user.is_authenticated and not live:
        user = request.user
        initial = {
            "name": getattr(user, "display_name", "") or "",
            "phone": getattr(user, "phone", "") or "",
        }
        form = GiftClaimForm(
            request.POST or None, initial=initial, needs_address=offer.needs_address
        )
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.gift_claim(
                        actor=request.user,
                        offer=offer,
                        name=data["name"],
                        phone=data["phone"],
                        address=data.get("address") or "",
                    )
                except ApplicationError as error:
                    form.add_error(None, error.text())
                else:
                    messages.success(request, _("Claimed! We will send it to you."))
                    return redirect("hall:event_gift", pk=event.pk, gift_pk=offer.pk)
            offer.refresh_from_db(fields=["claimed", "stock", "is_active"])
    elif request.method == "POST":
        return redirect("hall:event_gift", pk=event.pk, gift_pk=offer.pk)
    left = max(offer.stock - offer.claimed, 0)
    return render(
        request,
        "events/hall/online_gift.html",
        {
            "event": event,
            "offer": offer,
            "claim": mine if live else None,
            "form": form,
            "left": left,
            "is_open": services.gift_offer_is_open(offer),
            "can_claim": _can_take_part(request, event),
        },
    )


@login_required
@require_POST
def gift_cancel(request: HttpRequest, pk: int, gift_pk: int) -> HttpResponse:
    event = visible_event(request, pk)
    offer = _offer(event, gift_pk)
    mine = selectors.gift_claims_of(request.user, event).get(offer.pk)
    if mine is None:
        raise Http404
    try:
        services.gift_claim_cancel(actor=request.user, claim=mine)
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Your claim is cancelled."))
    return redirect("hall:event_gift", pk=event.pk, gift_pk=offer.pk)


# --- Challenges -------------------------------------------------------------------------------


def _challenge(event: Event, challenge_pk: int) -> Challenge:
    challenge = selectors.challenges(event).filter(pk=challenge_pk).select_related("event").first()
    if challenge is None:
        raise Http404
    return challenge


def challenge(request: HttpRequest, pk: int, challenge_pk: int) -> HttpResponse:
    """线上挑战: report (inside the window), my total and rank, the leaderboard (one query)."""
    event = visible_event(request, pk)
    item = _challenge(event, challenge_pk)
    form = None
    if request.user.is_authenticated:
        form = ChallengeReportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.challenge_report(
                    actor=request.user,
                    challenge=item,
                    amount=form.cleaned_data["amount"],
                    note=form.cleaned_data.get("note") or "",
                )
            except ApplicationError as error:
                form.add_error(None, error.text())
            else:
                messages.success(request, _("Reported. Keep going!"))
                return redirect("hall:event_challenge", pk=event.pk, challenge_pk=item.pk)
    elif request.method == "POST":
        raise Http404
    mine = selectors.challenge_standing_of(request.user, item)
    progress = None
    if mine is not None and item.goal:
        progress = min(int(mine.total * 100 / item.goal), 100)
    return render(
        request,
        "events/hall/online_challenge.html",
        {
            "event": event,
            "challenge": item,
            "form": form,
            "mine": mine,
            "progress": progress,
            "leaderboard": selectors.challenge_leaderboard(item),
            "is_running": services.challenge_is_running(item),
            "can_report": _can_take_part(request, event),
        },
    )
