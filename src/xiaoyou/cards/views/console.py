"""Console: cloud card settings (云卡设置), partner institutions (授权合作) with their
authorization QR, and the scan records (扫码记录) of the current organization's programme."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.cards.forms import PartnerForm, ProgramForm
from xiaoyou.cards.models import Card, CardProgram, Partner, ScanRecord, ScanResult, Voucher
from xiaoyou.cards.selectors import (
    cards_managed_by,
    partners_managed_by,
    program_of,
    scans_managed_by,
)
from xiaoyou.cards.services.cards import card_revoke, program_save
from xiaoyou.cards.services.partners import (
    partner_create,
    partner_remove,
    partner_reset_secret,
    partner_update,
)
from xiaoyou.console.context import current_org, in_current_org
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import Column, DataTable, Filter


def _program(request: HttpRequest) -> CardProgram | None:
    """The programme of the organization being worked on, if it has one and the user manages it."""
    program = program_of(current_org(request))
    if program is not None and not policy.can(request.user, "manage", program):
        return None
    return program


def partner_scan_url(request: HttpRequest, partner: Partner) -> str:
    return request.build_absolute_uri(reverse("hall:card_scan", args=[partner.secret]))


# --- Settings ----------------------------------------------------------------------------------


def card_settings(request: HttpRequest) -> HttpResponse:
    org = current_org(request)
    if org is None:
        raise Http404
    policy.require(request.user, "manage", CardProgram, org=org)
    program = program_of(org)
    form = ProgramForm(
        request.POST or None,
        request.FILES or None,
        instance=program or CardProgram(org=org, name=_("Alumni cloud card")),
        org=org,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            program_save(
                actor=request.user,
                org=org,
                name=data["name"],
                brand_color=data["brand_color"],
                terms=data["terms"],
                eligibility=data["eligibility"],
                number_prefix=data["number_prefix"],
                is_active=data["is_active"],
                logo=data["logo"] or None,
                alert_recipients=list(data["alert_recipients"]),
            )
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Card settings saved."))
            return redirect("console:card_settings")
    share_url = request.build_absolute_uri(reverse("hall:card"))
    return render(
        request,
        "cards/console/settings.html",
        {"form": form, "program": program, "org": org, "share_url": share_url},
    )


# --- Partners ----------------------------------------------------------------------------------


def _partner(request: HttpRequest, pk: int) -> Partner:
    partner = partners_managed_by(request.user).filter(pk=pk).first()
    if partner is None:
        raise Http404
    return partner


def partner_list(request: HttpRequest) -> HttpResponse:
    program = _program(request)
    queryset = (
        in_current_org(partners_managed_by(request.user), request, field="program__org")
        if program
        else Partner.objects.none()
    )
    table = DataTable(
        request,
        queryset,
        columns=[
            Column(
                "name",
                gettext_lazy("Name"),
                sort="name",
                link=lambda partner: reverse("console:card_partner", args=[partner.pk]),
            ),
            Column("benefit", gettext_lazy("Benefit")),
            Column("address", gettext_lazy("Address")),
            Column("community__name", gettext_lazy("Partner community")),
            Column("is_active", gettext_lazy("Active")),
            Column("order", gettext_lazy("Order"), sort="order", align="num"),
        ],
        search_fields=["name", "benefit", "address"],
        search_placeholder=gettext_lazy("Name, benefit or address"),
        default_sort="order",
        empty_title=gettext_lazy("No partners yet"),
        empty_text=gettext_lazy(
            "Add the hotels, canteens, car parks and shops that welcome card holders."
        ),
    )
    return render(request, "cards/console/partner_list.html", {"table": table, "program": program})


def partner_create_view(request: HttpRequest) -> HttpResponse:
    program = _program(request)
    if program is None:
        messages.info(request, _("Set up the cloud card first."))
        return redirect("console:card_settings")
    form = PartnerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = partner_create(actor=request.user, program=program, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Partner added."))
            return redirect("console:card_partner", pk=partner.pk)
    return render(request, "cards/console/partner_form.html", {"form": form, "partner": None})


def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partner = _partner(request, pk)
    form = PartnerForm(request.POST or None, request.FILES or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        partner.refresh_from_db()  # the form wrote into the instance; the service diffs it
        try:
            partner_update(actor=request.user, partner=partner, **fields)
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Partner saved."))
            return redirect("console:card_partner", pk=partner.pk)
    scan_count = partner.scans.count()
    return render(
        request,
        "cards/console/partner_form.html",
        {
            "form": form,
            "partner": partner,
            "scan_url": partner_scan_url(request, partner),
            "scan_count": scan_count,
        },
    )


@require_POST
def partner_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    partner = _partner(request, pk)
    if partner_remove(actor=request.user, partner=partner):
        messages.success(request, _("Partner removed."))
    else:
        messages.info(request, _("The partner has scans or vouchers: it was deactivated instead."))
    return redirect("console:card_partners")


@require_POST
def partner_reset_qr(request: HttpRequest, pk: int) -> HttpResponse:
    partner = _partner(request, pk)
    partner_reset_secret(actor=request.user, partner=partner)
    messages.success(
        request, _("New authorization QR made: print it again; the old one no longer works.")
    )
    return redirect("console:card_partner", pk=partner.pk)


def partner_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The partner's authorization QR as a PNG to print and display on site."""
    partner = _partner(request, pk)
    code = segno.make(partner_scan_url(request, partner), error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=12, border=4)
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="card-partner-{partner.pk}.png"'
    return response


# --- Scan records ------------------------------------------------------------------------------


def scan_list(request: HttpRequest) -> HttpResponse:
    program = _program(request)
    queryset = (
        in_current_org(scans_managed_by(request.user), request, field="partner__program__org")
        if program
        else ScanRecord.objects.none()
    )
    partners = list(
        Partner.objects.filter(program=program).values_list("pk", "name") if program else []
    )
    table = DataTable(
        request,
        queryset,
        columns=[
            Column(
                "created_at",
                gettext_lazy("Scanned at"),
                sort="created_at",
                accessor=lambda scan: timezone.localtime(scan.created_at).strftime(
                    "%Y-%m-%d %H:%M:%S"
                ),
            ),
            Column("holder_name", gettext_lazy("Name"), sort="holder_name"),
            Column("card__number", gettext_lazy("Card number")),
            Column("partner__name", gettext_lazy("Partner"), sort="partner__name"),
            Column("result", gettext_lazy("Result"), badge=True, sort="result"),
            Column("is_key_alumnus", gettext_lazy("Key alumnus")),
        ],
        filters=[
            Filter(
                "partner",
                gettext_lazy("Partner"),
                kind="select",
                lookup="partner_id",
                choices=[(str(pk), name) for pk, name in partners],
            ),
            Filter(
                "result",
                gettext_lazy("Result"),
                kind="select",
                lookup="result",
                choices=ScanResult.choices,
            ),
            Filter("key", gettext_lazy("Key alumnus"), kind="boolean", lookup="is_key_alumnus"),
            Filter("since", gettext_lazy("From"), kind="date", lookup="created_at__date__gte"),
            Filter("until", gettext_lazy("To"), kind="date", lookup="created_at__date__lte"),
        ],
        search_fields=["holder_name", "card__number", "partner__name"],
        search_placeholder=gettext_lazy("Name, card number or partner"),
        default_sort="-created_at",
        export_formats=["xlsx"],
        empty_title=gettext_lazy("No scans yet"),
        empty_text=gettext_lazy("Scans appear here when card holders scan a partner's QR."),
    )
    if table.export_format:
        return table.export_response("card-scans")
    return render(request, "cards/console/scan_list.html", {"table": table, "program": program})


# --- Card holders ------------------------------------------------------------------------------


def holder_list(request: HttpRequest) -> HttpResponse:
    """发卡记录: the cards of the programme, with the holder's class and key-alumnus flag."""
    program = _program(request)
    queryset = (
        in_current_org(cards_managed_by(request.user), request, field="program__org")
        if program
        else Card.objects.none()
    )

    table = DataTable(
        request,
        queryset,
        columns=[
            Column(
                "number",
                gettext_lazy("Card number"),
                sort="number",
                link=lambda card: reverse("console:card_holder", args=[card.pk]),
            ),
            Column("record__name", gettext_lazy("Name"), sort="record__name"),
            Column("record__graduation_year", gettext_lazy("Graduation year"), align="num"),
            Column("record__department__name", gettext_lazy("Department")),
            Column("record__class_name", gettext_lazy("Class")),
            Column("record__is_key_alumnus", gettext_lazy("Key alumnus")),
            Column(
                "issued_at",
                gettext_lazy("Issued at"),
                sort="issued_at",
                accessor=lambda card: timezone.localtime(card.issued_at).strftime("%Y-%m-%d %H:%M"),
            ),
            Column(
                "revoked_at",
                gettext_lazy("Revoked at"),
                accessor=lambda card: (
                    timezone.localtime(card.revoked_at).strftime("%Y-%m-%d %H:%M")
                    if card.revoked_at
                    else ""
                ),
            ),
        ],
        filters=[
            Filter(
                "key", gettext_lazy("Key alumnus"), kind="boolean", lookup="record__is_key_alumnus"
            ),
            Filter(
                "revoked",
                gettext_lazy("Revoked"),
                kind="boolean",
                lookup=lambda queryset, value: queryset.filter(revoked_at__isnull=not value),
            ),
        ],
        search_fields=["number", "record__name", "user__phone"],
        search_placeholder=gettext_lazy("Card number, name or mobile phone"),
        default_sort="-issued_at",
        export_formats=["xlsx"],
        empty_title=gettext_lazy("No cards yet"),
        empty_text=gettext_lazy("Cards appear here when alumni claim them."),
    )
    if table.export_format:
        return table.export_response("card-holders")
    return render(request, "cards/console/holder_list.html", {"table": table, "program": program})


def _card(request: HttpRequest, pk: int) -> Card:
    card = cards_managed_by(request.user).filter(pk=pk).first()
    if card is None:
        raise Http404
    return card


def holder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    card = _card(request, pk)
    return render(
        request,
        "cards/console/holder_detail.html",
        {
            "card": card,
            "scans": card.scans.select_related("partner").order_by("-created_at")[:50],
            "vouchers": Voucher.objects.filter(
                user_id=card.user_id, voucher_type__program=card.program
            )
            .select_related("voucher_type", "voucher_type__partner")
            .order_by("-pk")[:50],
        },
    )


@require_POST
def holder_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    card = _card(request, pk)
    card_revoke(actor=request.user, card=card)
    messages.success(request, _("Card revoked."))
    return redirect("console:card_holder", pk=card.pk)
