"""Console: invitations (邀请) of the current organization — list, create, detail, poster, revoke.

console/urls.py wraps every view in console_required; objects are looked up through the
policy-scoped selector, so another organization's invitation is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.console.context import current_org, in_current_org
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import Column, DataTable, Filter
from xiaoyou.core.templatetags.xiaoyou import masked
from xiaoyou.organizations import selectors_invitations as selectors
from xiaoyou.organizations.forms_invitations import InvitationForm
from xiaoyou.organizations.models import Invitation, InvitationKind, Role
from xiaoyou.organizations.services import invitations as services
from xiaoyou.organizations.services.invitations import InvitationStatus

STATUS_BADGES = {
    InvitationStatus.ACTIVE: "badge-success",
    InvitationStatus.USED: "badge-dark",
    InvitationStatus.EXPIRED: "badge-outline",
    InvitationStatus.REVOKED: "badge-danger",
}


def offer_label(invitation: Invitation) -> str:
    if invitation.kind == InvitationKind.JOIN:
        return _("Join link")
    return _("Role: %(role)s") % {"role": Role(invitation.role).label}


def status_label(invitation: Invitation) -> str:
    value = getattr(invitation, "status_value", None) or services.invitation_status(invitation)
    return str(InvitationStatus.LABELS[value])


def _invitee(invitation: Invitation) -> str:
    parts = [invitation.name, masked(invitation.phone) if invitation.phone else ""]
    return " · ".join(part for part in parts if part) or "—"


def _uses(invitation: Invitation) -> str:
    if invitation.kind == InvitationKind.JOIN:
        return str(invitation.use_count)
    return f"{invitation.use_count}/{invitation.max_uses}"


def _visible(request: HttpRequest) -> QuerySet[Invitation]:
    return in_current_org(selectors.invitations_visible(request.user), request)


def _get(request: HttpRequest, pk: int) -> Invitation:
    invitation = selectors.invitations_visible(request.user).filter(pk=pk).first()
    if invitation is None:
        raise Http404
    return invitation


def invitation_table(request: HttpRequest) -> DataTable:
    def detail_url(invitation: Invitation) -> str:
        return reverse("console:invitation_detail", args=[invitation.pk])

    return DataTable(
        request,
        _visible(request),
        columns=[
            Column("created_at", gettext_lazy("Created"), sort="created_at", link=detail_url),
            Column("kind", gettext_lazy("Offer"), accessor=offer_label),
            Column("org__name", gettext_lazy("Organization"), sort="org__path"),
            Column("invitee", gettext_lazy("Invitee"), accessor=_invitee),
            Column("channel", gettext_lazy("Channel")),
            Column("use_count", gettext_lazy("Uses"), accessor=_uses, align="num"),
            Column("expires_at", gettext_lazy("Expires"), sort="expires_at"),
            Column("status", gettext_lazy("Status"), accessor=status_label, badge=True),
        ],
        filters=[
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup=selectors.filter_status,
                choices=list(InvitationStatus.LABELS.items()),
            ),
            Filter(
                "kind",
                gettext_lazy("Offer"),
                kind="select",
                lookup="kind",
                choices=InvitationKind.choices,
            ),
        ],
        search_fields=["name", "phone"],
        search_placeholder=gettext_lazy("Invitee name or phone"),
        default_sort="-created_at",
        empty_title=gettext_lazy("No invitations yet"),
        empty_text=gettext_lazy(
            "Invite a president or administrator, or make a share link for joining."
        ),
    )


def invitation_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "organizations/console/invitations/list.html",
        {"table": invitation_table(request), "org": current_org(request)},
    )


def _may_offer_presidency(user: Any, org: Any) -> bool:
    return policy.can(user, "create", Invitation(org=org, role=Role.PRESIDENT))


def invitation_create(request: HttpRequest) -> HttpResponse:
    org = current_org(request)
    if org is None:
        raise PermissionDenied
    policy.require(request.user, "create", Invitation(org=org, role=Role.ADMIN))
    form = InvitationForm(
        request.POST or None,
        org=org,
        may_offer_presidency=_may_offer_presidency(request.user, org),
        initial={"kind": request.GET.get("kind") or InvitationKind.ROLE},
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user, org=org, request=request, **form.service_arguments()
            )
        except ApplicationError as error:
            form.add_error(None, error.text())
        except PermissionDenied:
            form.add_error("role", _("You may not offer this role."))
        else:
            if invitation.channel == "sms":
                messages.success(
                    request,
                    _("The invitation was texted to %(phone)s.")
                    % {"phone": masked(invitation.phone)},
                )
            else:
                messages.success(request, _("The invitation is ready: share its link or QR code."))
            return redirect("console:invitation_detail", pk=invitation.pk)
    return render(
        request,
        "organizations/console/invitations/form.html",
        {"form": form, "org": org},
        status=400 if form.errors else 200,
    )


def _detail_context(request: HttpRequest, invitation: Invitation) -> dict[str, Any]:
    status = invitation.status_value  # type: ignore[attr-defined]
    return {
        "invitation": invitation,
        "org": invitation.org,
        "link": services.invitation_url(invitation, request),
        "status": status,
        "status_label": InvitationStatus.LABELS[status],
        "status_badge": STATUS_BADGES[status],
        "offer": offer_label(invitation),
        "uses": _uses(invitation),
        "may_revoke": status != InvitationStatus.REVOKED
        and policy.can(request.user, "revoke", invitation),
    }


def invitation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _get(request, pk)
    return render(
        request,
        "organizations/console/invitations/detail.html",
        _detail_context(request, invitation),
    )


def invitation_poster(request: HttpRequest, pk: int) -> HttpResponse:
    """A page to print (A4 portrait): the organization, the offer and a large QR code."""
    invitation = _get(request, pk)
    return render(
        request,
        "organizations/console/invitations/poster.html",
        _detail_context(request, invitation),
    )


@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _get(request, pk)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("The invitation was withdrawn; its code no longer works."))
    return redirect("console:invitation_detail", pk=invitation.pk)
