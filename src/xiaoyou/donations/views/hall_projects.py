"""Hall: donation projects (捐赠), giving, the thank-you page with the certificate, the donor
wall, the transparency page, and "My donations" in the personal center.

A public donor has no account: the gift's thank-you page and certificate open with a signed
link (given after payment and in the thank-you email), never by guessing a number."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.richtext import sanitize
from xiaoyou.donations.forms import GiftForm
from xiaoyou.donations.links import gift_token_valid
from xiaoyou.donations.models import Donation, DonationProject, DonationStatus, ProjectStatus
from xiaoyou.donations.policy_giving import is_donor
from xiaoyou.donations.selectors import (
    donor_count,
    donor_wall,
    my_donations,
    projects_public,
    transparency,
)
from xiaoyou.donations.selectors_campaigns import giving_days_on_now
from xiaoyou.donations.selectors_community import posts_for_donor, published_posts_with_replies
from xiaoyou.donations.services.giving import project_is_open
from xiaoyou.payments.money import format_yuan

PAGE_SIZE = 12


def _gift(request: HttpRequest, pk: int) -> Donation:
    donation = (
        Donation.objects.select_related("project", "project__org", "payment").filter(pk=pk).first()
    )
    if donation is None:
        raise Http404
    if gift_token_valid(donation, request.GET.get("t", "")):
        return donation
    if policy.can(request.user, "view", donation):
        return donation
    raise Http404


def project_list(request: HttpRequest) -> HttpResponse:
    queryset = projects_public()
    text = request.GET.get("q", "").strip()[:100]
    if text:
        queryset = queryset.filter(title__icontains=text)
    state = request.GET.get("state", "open")
    if state == "closed":
        queryset = queryset.filter(status=ProjectStatus.CLOSED)
    else:
        queryset = queryset.filter(status=ProjectStatus.PUBLISHED)
    queryset = queryset.order_by("-is_recommended", "-published_at", "-id")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "donations/hall/project_list.html",
        {"page": page, "q": text, "state": state, "giving_days": giving_days_on_now()},
    )


def _visible_project(request: HttpRequest, pk: int) -> DonationProject:
    project = DonationProject.objects.select_related("org").filter(pk=pk).first()
    if project is None or not policy.can(request.user, "view", project):
        raise Http404
    return project


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.organizations import sharing

    project = _visible_project(request, pk)
    card = sharing.share_card(
        request,
        title=project.title,
        description=project.summary or project.beneficiary,
        image=project.cover.url if project.cover else "",
        url=reverse("hall:donation_project", args=[project.pk]),
    )
    return render(
        request,
        "donations/hall/project_detail.html",
        {
            "project": project,
            "story_html": mark_safe(sanitize(project.story)),  # noqa: S308 - sanitized
            "wall": donor_wall(project, limit=20),
            "donors": donor_count(project),
            "is_open": project_is_open(project),
            "may_give": policy.can(request.user, "give", project),
            "share_card": card,
            "beneficiary_posts": published_posts_with_replies(project),
            "may_post": policy.can(request.user, "post_thanks", project),
            "may_reply": is_donor(request.user, project.pk),
        },
    )


def give(request: HttpRequest, pk: int) -> HttpResponse:
    """The gift form; a valid gift goes on to the payment page of its order."""
    from xiaoyou.donations.services.giving import donation_start

    project = _visible_project(request, pk)
    user = request.user
    initial: dict[str, Any] = {}
    if user.is_authenticated:
        initial = {
            "donor_name": getattr(user, "display_name", "") or user.get_username(),
            "email": user.email,
            "phone": getattr(user, "phone", ""),
        }
    form = GiftForm(request.POST or None, initial=initial)
    problem = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            donation = donation_start(
                project=project,
                user=user,
                amount=data["fen"],
                donor_name=data["donor_name"],
                phone=data.get("phone") or "",
                email=data.get("email") or "",
                class_label=data.get("class_label") or "",
                message=data.get("message") or "",
                is_anonymous=bool(data.get("is_anonymous")),
                wants_receipt=bool(data.get("wants_receipt")),
            )
        except ApplicationError as error:
            problem = error.text()
        else:
            assert donation.payment is not None
            return redirect("hall:pay", out_trade_no=donation.payment.out_trade_no)
    presets = [(value, format_yuan(value)) for value in project.preset_amounts or []]
    return render(
        request,
        "donations/hall/give.html",
        {
            "project": project,
            "form": form,
            "presets": presets,
            "problem": problem,
            "is_open": project_is_open(project),
            "minimum": format_yuan(project.min_amount),
        },
    )


def gift_done(request: HttpRequest, pk: int) -> HttpResponse:
    """谢谢您: the gift's status, the thank-you text and the certificate."""
    from xiaoyou.donations.services.gratitude import thank_you_text

    donation = _gift(request, pk)
    paid = donation.status in (DonationStatus.PAID, DonationStatus.REFUNDED)
    token = request.GET.get("t", "")
    return render(
        request,
        "donations/hall/done.html",
        {
            "donation": donation,
            "paid": paid,
            "text": thank_you_text(donation) if paid else "",
            "token": token,
        },
    )


def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.donations.services.certificates import certificate_pdf

    donation = _gift(request, pk)
    try:
        pdf = certificate_pdf(donation, base_url=request.build_absolute_uri("/").rstrip("/"))
    except ApplicationError as error:
        return render(
            request,
            "donations/hall/done.html",
            {"donation": donation, "paid": False, "problem": error.text()},
            status=409,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    inline = "inline" if request.GET.get("view") else "attachment"
    response["Content-Disposition"] = (
        f'{inline}; filename="certificate-{donation.certificate_number}.pdf"'
    )
    return response


def certificate_verify(request: HttpRequest, number: str) -> HttpResponse:
    """The public check behind the certificate's QR code."""
    from xiaoyou.donations.services.certificates import certificate_check

    donation = certificate_check(number, request.GET.get("s", ""))
    return render(
        request,
        "donations/hall/verify.html",
        {"donation": donation, "number": number},
        status=200 if donation else 404,
    )


def project_transparency(request: HttpRequest, pk: int) -> HttpResponse:
    project = _visible_project(request, pk)
    return render(
        request,
        "donations/hall/transparency.html",
        {"project": project, **transparency(project), "donors": donor_count(project)},
    )


def my_donations_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    from xiaoyou.donations.models import Pledge
    from xiaoyou.donations.services.pledges import LIVE

    gifts = list(my_donations(request.user)[:100])
    total = sum(gift.net_amount for gift in gifts if gift.status != DonationStatus.PENDING)
    live_pledges = Pledge.objects.filter(user=request.user, status__in=LIVE).count()
    return render(
        request,
        "donations/hall/mine.html",
        {
            "gifts": gifts,
            "total": total,
            "donor_posts": posts_for_donor(request.user),
            "live_pledges": live_pledges,
        },
    )


def my_donations_entry(request: HttpRequest) -> str:
    """Personal center: the count and total of my gifts, linking to the list."""
    if not request.user.is_authenticated:
        return ""
    return render_to_string(
        "components/menu_entry.html",
        {
            "url": reverse("hall:my_donations"),
            "label": _("My donations"),
            "text": _("My gifts and their certificates"),
            "icon": "heart",
        },
        request=request,
    )
