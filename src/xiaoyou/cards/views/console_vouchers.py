"""Console: voucher types (电子券), their check-in rules, issuing to chosen alumni, statistics."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoyou.cards.forms import IssueForm, RuleForm, VoucherTypeForm
from xiaoyou.cards.models import Card, VoucherRule, VoucherType
from xiaoyou.cards.selectors import voucher_statistics, voucher_types_managed_by
from xiaoyou.cards.services.vouchers import (
    voucher_issue,
    voucher_rule_create,
    voucher_rule_delete,
    voucher_type_save,
)
from xiaoyou.cards.views.console import _program
from xiaoyou.console.context import in_current_org
from xiaoyou.core.errors import ApplicationError
from xiaoyou.events.models import Event


def _voucher_type(request: HttpRequest, pk: int) -> VoucherType:
    item = voucher_types_managed_by(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def voucher_type_list(request: HttpRequest) -> HttpResponse:
    program = _program(request)
    types = (
        in_current_org(voucher_types_managed_by(request.user), request, field="program__org")
        if program
        else VoucherType.objects.none()
    )
    figures = voucher_statistics(types.order_by("-pk"))
    totals = {
        "issued": sum(row.issued for row in figures),
        "redeemed": sum(row.redeemed for row in figures),
        "expired": sum(row.expired for row in figures),
    }
    return render(
        request,
        "cards/console/voucher_types.html",
        {"program": program, "figures": figures, "totals": totals},
    )


def _save(
    request: HttpRequest, form: VoucherTypeForm, item: VoucherType | None
) -> VoucherType | None:
    data = form.cleaned_data
    program = item.program if item else _program(request)
    assert program is not None
    try:
        return voucher_type_save(
            actor=request.user,
            program=program,
            voucher_type=item,
            name=data["name"],
            kind=data["kind"],
            value=data["value"],
            partner=data["partner"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            valid_days=data["valid_days"],
            is_active=data["is_active"],
            is_open_to_applications=data["is_open_to_applications"],
        )
    except ApplicationError as error:
        form.add_error(None, error.text())
        return None


def voucher_type_create(request: HttpRequest) -> HttpResponse:
    program = _program(request)
    if program is None:
        messages.info(request, _("Set up the cloud card first."))
        return redirect("console:card_settings")
    form = VoucherTypeForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        item = _save(request, form, None)
        if item is not None:
            messages.success(request, _("Voucher type saved."))
            return redirect("console:card_voucher_type", pk=item.pk)
    return render(request, "cards/console/voucher_type.html", {"form": form, "item": None})


def _events(item: VoucherType) -> QuerySet[Event]:
    """Events of the programme's association and its branches, newest first."""
    return Event.objects.filter(org__path__startswith=item.program.org.path).order_by("-starts_at")


def voucher_type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _voucher_type(request, pk)
    form = VoucherTypeForm(request.POST or None, instance=item, program=item.program)
    if request.method == "POST" and form.is_valid():
        item.refresh_from_db()
        saved = _save(request, form, item)
        if saved is not None:
            messages.success(request, _("Voucher type saved."))
            return redirect("console:card_voucher_type", pk=item.pk)
    figures = voucher_statistics(VoucherType.objects.filter(pk=item.pk))[0]
    return render(
        request,
        "cards/console/voucher_type.html",
        {
            "form": form,
            "item": item,
            "figures": figures,
            "rules": item.rules.select_related("event").order_by("-pk"),
            "rule_form": RuleForm(events=_events(item)),
            "issue_form": IssueForm(),
            "vouchers": item.vouchers.select_related("user").order_by("-pk")[:50],
        },
    )


@require_POST
def voucher_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = _voucher_type(request, pk)
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter card numbers or mobile phones, one per line."))
        return redirect("console:card_voucher_type", pk=item.pk)
    identifiers = form.identifiers()
    holder_ids = (
        Card.objects.filter(program=item.program, revoked_at__isnull=True)
        .filter(Q(number__in=identifiers) | Q(user__phone__in=identifiers))
        .values("user_id")
    )
    users = list(get_user_model().objects.filter(pk__in=holder_ids))
    try:
        issued = voucher_issue(actor=request.user, voucher_type=item, users=users)
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(
            request,
            _("%(count)d vouchers issued; %(missed)d lines matched no card holder.")
            % {"count": len(issued), "missed": max(len(identifiers) - len(issued), 0)},
        )
    return redirect("console:card_voucher_type", pk=item.pk)


@require_POST
def voucher_rule_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = _voucher_type(request, pk)
    form = RuleForm(request.POST, events=_events(item))
    if form.is_valid():
        voucher_rule_create(actor=request.user, voucher_type=item, event=form.cleaned_data["event"])
        messages.success(
            request, _("Rule added: everyone checked in at the event receives this voucher.")
        )
    else:
        messages.error(request, _("Choose an event."))
    return redirect("console:card_voucher_type", pk=item.pk)


@require_POST
def voucher_rule_remove(request: HttpRequest, pk: int, rule_pk: int) -> HttpResponse:
    item = _voucher_type(request, pk)
    rule = VoucherRule.objects.filter(voucher_type=item, pk=rule_pk).first()
    if rule is None:
        raise Http404
    voucher_rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("Rule removed."))
    return redirect("console:card_voucher_type", pk=item.pk)
