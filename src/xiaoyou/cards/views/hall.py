"""Hall: my cloud card (我的云卡) with its live QR, claiming (申领), partners (机构介绍), the
scan of a partner's authorization QR (使用云卡) with its confirmation screen, my vouchers, and
the partner desk where a partner's staff see their own scans and redeem vouchers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoyou.cards.models import (
    Card,
    CardProgram,
    Partner,
    ScanRecord,
    ScanResult,
    Voucher,
    VoucherType,
)
from xiaoyou.cards.selectors import (
    card_of,
    eligible_record,
    hall_program,
    is_member_of,
    my_vouchers,
    open_voucher_types,
    partners_public,
    partners_staffed_by,
    scans_at,
    usable_vouchers,
)
from xiaoyou.cards.services.applications import voucher_apply
from xiaoyou.cards.services.cards import (
    LIVE_TOKEN_REFRESH_SECONDS,
    LIVE_TOKEN_SECONDS,
    card_claim,
    card_from_live_token,
    card_live_token,
)
from xiaoyou.cards.services.scans import scan_record, scan_record_at_desk
from xiaoyou.cards.services.vouchers import voucher_redeem
from xiaoyou.core import policy, ratelimit
from xiaoyou.core.errors import ApplicationError

NEXT_SESSION_KEY = "cards_next"
# A confirmation screen is shown to the partner's staff right after the scan; later it only
# says "scan again", so an old screen (or its screenshot) proves nothing.
CONFIRMATION_MINUTES = 10
# Scans recorded per person (or address, when signed out) in a window: a script cannot flood
# the scan records, a real visitor never reaches it.
SCAN_LIMIT = 60
SCAN_WINDOW_SECONDS = 600


def _require_program() -> CardProgram:
    program = hall_program()
    if program is None:
        raise Http404
    return program


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _login_url(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


# --- My card -----------------------------------------------------------------------------------


def my_card(request: HttpRequest) -> HttpResponse:
    program = _require_program()
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    card = card_of(request.user, program)
    if card is None or card.revoked_at is not None:
        return redirect("hall:card_claim")
    record = eligible_record(request.user, program) or card.record
    return render(
        request,
        "cards/hall/my_card.html",
        {
            "program": program,
            "card": card,
            "record": record,
            "live": _live_context(request, card),
            "partners": partners_public(program),
            "voucher_count": usable_vouchers(request.user).count(),
        },
    )


def _live_context(request: HttpRequest, card: Card) -> dict[str, Any]:
    now = timezone.localtime()
    token = card_live_token(card)
    return {
        "token": token,
        "verify_url": request.build_absolute_uri(reverse("hall:card_verify", args=[token])),
        "generated_at": now,
        "valid_seconds": LIVE_TOKEN_SECONDS,
        "refresh_seconds": LIVE_TOKEN_REFRESH_SECONDS,
    }


def card_live(request: HttpRequest) -> HttpResponse:
    """The live QR fragment; the card page polls it, so the code on screen is always fresh."""
    program = _require_program()
    card = card_of(request.user, program)
    if card is None or card.revoked_at is not None:
        raise Http404
    context = {"live": _live_context(request, card), "card": card}
    response = render(request, "cards/hall/_live_qr.html", context)
    response["Cache-Control"] = "no-store"
    return response


def my_card_entry(request: HttpRequest) -> str:
    """Personal center: my cloud card, or the way to claim it."""
    if not request.user.is_authenticated or hall_program() is None:
        return ""
    return render_to_string(
        "components/menu_entry.html",
        {
            "url": reverse("hall:card"),
            "label": _("My cloud card"),
            "text": _("Show it at partner hotels, canteens and car parks"),
            "icon": "card",
        },
        request=request,
    )


def partner_desk_entry(request: HttpRequest) -> str:
    """Personal center, for a partner's staff only: their institution's desk."""
    if not request.user.is_authenticated or not partners_staffed_by(request.user).exists():
        return ""
    return render_to_string(
        "components/menu_entry.html",
        {
            "url": reverse("hall:card_desk"),
            "label": _("Partner desk"),
            "text": _("Cloud card scans at your institution"),
            "icon": "building",
        },
        request=request,
    )


def card_share(request: HttpRequest) -> HttpResponse:
    """云卡链接: the card's link and QR for posters and chat groups."""
    program = _require_program()
    url = request.build_absolute_uri(reverse("hall:card"))
    return render(request, "cards/hall/share.html", {"program": program, "share_url": url})


# --- Claim -------------------------------------------------------------------------------------


def claim(request: HttpRequest) -> HttpResponse:
    """申领: the steps still missing (sign in, join, verify), then the card; afterwards the
    visitor goes back to where they came from (a partner's benefit, for instance)."""
    program = _require_program()
    target = _safe_next(request, request.GET.get("next", "") or request.POST.get("next", ""))
    if target:
        request.session[NEXT_SESSION_KEY] = target
    target = target or request.session.get(NEXT_SESSION_KEY, "")
    here = request.get_full_path()
    user = request.user
    if user.is_authenticated:
        existing = card_of(user, program)
        if existing is not None and existing.revoked_at is None:
            request.session.pop(NEXT_SESSION_KEY, None)
            return redirect(target or "hall:card")
    if request.method == "POST" and user.is_authenticated:
        try:
            card_claim(actor=user, program=program)
        except ApplicationError as error:
            messages.error(request, error.text())
        else:
            request.session.pop(NEXT_SESSION_KEY, None)
            messages.success(request, _("Your cloud card is ready."))
            return redirect(target or "hall:card")
    steps = _steps(request, program, here)
    return render(
        request,
        "cards/hall/claim.html",
        {
            "program": program,
            "steps": steps,
            "ready": all(step["done"] for step in steps),
            "next": target,
        },
    )


def _steps(request: HttpRequest, program: CardProgram, here: str) -> list[dict[str, Any]]:
    from xiaoyou.directory.selectors import own_record

    user = request.user
    signed_in = user.is_authenticated
    verified = signed_in and own_record(user) is not None
    member = signed_in and is_member_of(user, program)
    steps = [
        {
            "key": "account",
            "label": _("Sign in or sign up"),
            "done": signed_in,
            "url": _login_url("account_signup", here),
            "second_url": _login_url("account_login", here),
        },
        {
            "key": "verify",
            "label": _("Verify that you are an alumnus"),
            "done": verified,
            "url": reverse("hall:alumni_claim") if signed_in else "",
        },
    ]
    if program.eligibility == "verified_members":
        steps.append(
            {
                "key": "join",
                "label": _("Join %(org)s") % {"org": program.org.name},
                "done": bool(member),
                "url": reverse("hall:org_join", args=[program.org_id]) if signed_in else "",
            }
        )
    return steps


# --- Partners ----------------------------------------------------------------------------------


def partner_list(request: HttpRequest) -> HttpResponse:
    program = _require_program()
    queryset = partners_public(program)
    text = request.GET.get("q", "").strip()[:60]
    if text:
        queryset = queryset.filter(name__icontains=text) | queryset.filter(benefit__icontains=text)
    return render(
        request,
        "cards/hall/partner_list.html",
        {"program": program, "partners": queryset, "q": text},
    )


def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = _require_program()
    partner = partners_public(program).filter(pk=pk).first()
    if partner is None:
        raise Http404
    return render(
        request, "cards/hall/partner_detail.html", {"program": program, "partner": partner}
    )


# --- Scanning a partner's QR -------------------------------------------------------------------


def scan(request: HttpRequest, secret: str) -> HttpResponse:
    """The page a partner's authorization QR opens. Every visit is a scan record."""
    partner = (
        Partner.objects.select_related("program", "program__org").filter(secret=secret).first()
    )
    if partner is None or not partner.is_active:
        raise Http404
    who = request.user.pk if request.user.is_authenticated else request.META.get("REMOTE_ADDR", "")
    if not ratelimit.hit(f"cards.scan:{who}", limit=SCAN_LIMIT, window_seconds=SCAN_WINDOW_SECONDS):
        raise ApplicationError("rate_limited", status=429)
    outcome = scan_record(user=request.user, partner=partner)
    if outcome.scan.result == ScanResult.SHOWN:
        return redirect("hall:card_scan_result", pk=outcome.scan.pk)
    here = request.get_full_path()
    request.session[NEXT_SESSION_KEY] = here
    return render(
        request,
        "cards/hall/scan_guide.html",
        {
            "program": partner.program,
            "partner": partner,
            "scan": outcome.scan,
            "signup_url": _login_url("account_signup", here),
            "login_url": _login_url("account_login", here),
            "claim_url": _login_url("hall:card_claim", here),
        },
    )


def _own_scan(request: HttpRequest, pk: int) -> ScanRecord:
    scan_item = (
        ScanRecord.objects.select_related("partner", "partner__program", "card", "user")
        .filter(pk=pk)
        .first()
    )
    if (
        scan_item is None
        or not request.user.is_authenticated
        or scan_item.user_id != request.user.pk
    ):
        raise Http404
    return scan_item


def _is_fresh(scan_item: ScanRecord) -> bool:
    return timezone.now() - scan_item.created_at < timedelta(minutes=CONFIRMATION_MINUTES)


def scan_result(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation the partner's staff look at: big, with the time and a live clock."""
    scan_item = _own_scan(request, pk)
    partner = scan_item.partner
    record = eligible_record(request.user, partner.program)
    return render(
        request,
        "cards/hall/scan_result.html",
        {
            "program": partner.program,
            "partner": partner,
            "scan": scan_item,
            "card": scan_item.card,
            "record": record,
            "is_fresh": _is_fresh(scan_item),
            "vouchers": usable_vouchers(request.user, partner=partner),
            "redeemed": scan_item.vouchers.select_related("voucher_type"),
            "now": timezone.localtime(),
        },
    )


def scan_clock(request: HttpRequest, pk: int) -> HttpResponse:
    """The live element of the confirmation: server time and seconds since the scan."""
    scan_item = _own_scan(request, pk)
    now = timezone.localtime()
    response = render(
        request,
        "cards/hall/_clock.html",
        {
            "scan": scan_item,
            "now": now,
            "elapsed": int((now - scan_item.created_at).total_seconds()),
            "is_fresh": _is_fresh(scan_item),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def scan_redeem(request: HttpRequest, pk: int, voucher_pk: int) -> HttpResponse:
    scan_item = _own_scan(request, pk)
    voucher = Voucher.objects.select_related("voucher_type").filter(pk=voucher_pk).first()
    if voucher is None or not policy.can(request.user, "redeem", voucher):
        raise Http404
    if not _is_fresh(scan_item):
        messages.error(request, _("This scan is too old: scan the partner's QR again."))
        return redirect("hall:card_scan_result", pk=scan_item.pk)
    try:
        voucher_redeem(
            actor=request.user, voucher=voucher, partner=scan_item.partner, scan=scan_item
        )
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Voucher redeemed."))
    return redirect("hall:card_scan_result", pk=scan_item.pk)


def vouchers_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    program = hall_program()
    return render(
        request,
        "cards/hall/vouchers.html",
        {
            "vouchers": my_vouchers(request.user)[:100],
            "now": timezone.now(),
            "open_types": open_voucher_types(request.user, program) if program else [],
        },
    )


@require_POST
def voucher_apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("hall:card_vouchers"))
    voucher_type = (
        VoucherType.objects.select_related("program", "program__org").filter(pk=pk).first()
    )
    if voucher_type is None or not voucher_type.is_open_to_applications:
        raise Http404
    try:
        voucher_apply(
            actor=request.user, voucher_type=voucher_type, reason=request.POST.get("reason", "")
        )
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Application sent: the association will review it."))
    return redirect("hall:card_vouchers")


# --- A card's live code, and the partner desk --------------------------------------------------


def verify(request: HttpRequest, token: str) -> HttpResponse:
    """What scanning a holder's live card shows: valid or not; to a partner's staff, also the
    holder's vouchers for their partner, with a redeem button."""
    try:
        card = card_from_live_token(token)
        error = ""
    except ApplicationError as problem:
        card, error = None, problem.text()
    desk_vouchers: list[tuple[Partner, list[Voucher]]] = []
    if card is not None:
        for partner in partners_staffed_by(request.user).filter(program=card.program):
            desk_vouchers.append((partner, list(usable_vouchers(card.user, partner=partner))))
    return render(
        request,
        "cards/hall/verify.html",
        {
            "card": card,
            "error": error,
            "token": token,
            "desk_vouchers": desk_vouchers,
            "now": timezone.localtime(),
        },
    )


@require_POST
def desk_redeem(request: HttpRequest, token: str, voucher_pk: int) -> HttpResponse:
    """A partner's staff redeem a holder's voucher after scanning the holder's live card."""
    card = card_from_live_token(token)
    voucher = (
        Voucher.objects.select_related("voucher_type", "voucher_type__partner")
        .filter(pk=voucher_pk, user_id=card.user_id)
        .first()
    )
    if voucher is None or not policy.can(request.user, "redeem", voucher):
        raise Http404
    partner = voucher.voucher_type.partner
    scan_item = scan_record_at_desk(actor=request.user, partner=partner, card=card)
    try:
        voucher_redeem(actor=request.user, voucher=voucher, partner=partner, scan=scan_item)
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Voucher redeemed."))
    return redirect("hall:card_verify", token=token)


def desk(request: HttpRequest) -> HttpResponse:
    """合作机构: a partner's staff see their own partners' scans (and nothing else)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    partners = list(partners_staffed_by(request.user))
    if not partners:
        raise Http404
    chosen = partners[0]
    wanted = request.GET.get("partner", "")
    for partner in partners:
        if str(partner.pk) == wanted:
            chosen = partner
    if not policy.can(request.user, "view_scans", chosen):
        raise Http404
    return render(
        request,
        "cards/hall/desk.html",
        {
            "partners": partners,
            "partner": chosen,
            "scans": scans_at(chosen)[:100],
        },
    )
