"""Console pages of members (会员管理) of the current organization and its sub-organizations:
the list (filters, masked phones, bulk actions, Excel export).

A member's detail, groups, imports and SMS invitations are in the console_member_* modules.

Members are looked up through the policy-scoped selectors, so another branch's member is a 404;
console/urls.py wraps every page in console_required.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from xiaoyou.console.context import current_org
from xiaoyou.core import excel
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import BulkAction, Column, DataTable, Filter
from xiaoyou.core.templatetags.xiaoyou import masked
from xiaoyou.organizations import selectors_membership as selectors
from xiaoyou.organizations import services as member_services
from xiaoyou.organizations.forms_membership import GroupChoiceForm, ReasonForm, SmsInviteForm
from xiaoyou.organizations.models import (
    MemberGroup,
    Membership,
    MembershipSource,
    MembershipStatus,
    Organization,
)
from xiaoyou.organizations.services import groups as group_services
from xiaoyou.organizations.services import sms_invites

BULK_LIMIT = 500
JOIN_REVIEW_KIND = member_services.JOIN_REVIEW_KIND


def _org(request: HttpRequest) -> Organization:
    org = current_org(request)
    if org is None:
        raise PermissionDenied("no organization to work on")
    return org


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def pending_requests_url() -> str:
    return f"{reverse('console:reviews')}?kind={JOIN_REVIEW_KIND}"


# --- The list ----------------------------------------------------------------------------------


def _table(request: HttpRequest, org: Organization) -> DataTable:
    subtree = list(
        Organization.objects.filter(path__startswith=org.path, is_active=True)
        .order_by("path")
        .values_list("pk", "name")
    )
    groups = list(MemberGroup.objects.filter(org=org).values_list("pk", "name"))
    return DataTable(
        request,
        selectors.members_of(request.user, org),
        columns=[
            Column(
                "name",
                _("Name"),
                sort="name",
                link=lambda membership: reverse("console:member_detail", args=[membership.pk]),
            ),
            Column(
                "phone",
                _("Mobile phone"),
                accessor=lambda membership: masked(membership.phone, "phone"),
            ),
            Column("org__name", _("Organization"), sort="org__path"),
            Column("status", _("Status"), sort="status", badge=True),
            Column("source", _("Source"), sort="source"),
            Column(
                "groups",
                _("Groups"),
                accessor=lambda membership: "、".join(
                    group.name for group in membership.groups.all()
                ),
            ),
            Column("joined_at", _("Joined at"), sort="joined_at"),
        ],
        filters=[
            Filter(
                "status",
                _("Status"),
                lookup="status",
                kind="select",
                choices=MembershipStatus.choices,
            ),
            Filter(
                "source",
                _("Source"),
                lookup="source",
                kind="select",
                choices=MembershipSource.choices,
            ),
            Filter("group", _("Group"), lookup="groups", kind="select", choices=groups),
            Filter("org", _("Organization"), lookup="org_id", kind="select", choices=subtree),
        ],
        search_fields=["name", "phone", "user__display_name"],
        search_placeholder=_("Name or mobile number"),
        default_sort="-joined_at",
        bulk_actions=[
            BulkAction("assign_group", _("Add to group")),
            BulkAction("unassign_group", _("Remove from group")),
            BulkAction("invite_sms", _("Invite by SMS")),
            BulkAction("remove", _("Remove"), is_destructive=True),
            BulkAction("ban", _("Ban"), is_destructive=True),
        ],
        bulk_url=reverse("console:member_bulk"),
        export_formats=("xlsx",),
        empty_title=_("No members yet"),
        empty_text=_("Members appear here when people join or you import them."),
    )


def member_list(request: HttpRequest) -> HttpResponse:
    org = _org(request)
    table = _table(request, org)
    if table.export_format:
        data = member_services.members_export(
            actor=request.user, org=org, memberships=table.queryset[:50_000]
        )
        return _download(data, f"members-{org.pk}.xlsx", excel.XLSX_TYPE)
    return render(
        request,
        "organizations/console/members/list.html",
        {"table": table, "org": org, "pending_url": pending_requests_url()},
    )


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
def member_bulk(request: HttpRequest) -> HttpResponse:
    """Bulk actions: the first post shows a confirmation with what the action needs (a group, a
    reason, a template); the confirmed post acts."""
    org = _org(request)
    action = request.POST.get("action", "")
    back = _next_url(request, reverse("console:member_list"))
    ids = [raw for raw in request.POST.getlist("ids") if raw.isdigit()][:BULK_LIMIT]
    chosen = list(selectors.members_of(request.user, org).filter(pk__in=ids))
    if action not in {"assign_group", "unassign_group", "invite_sms", "remove", "ban"}:
        messages.error(request, gettext("Unknown action."))
        return redirect(back)
    if not chosen:
        messages.error(request, gettext("Select at least one member."))
        return redirect(back)
    confirmed = request.POST.get("confirmed") == "1"
    data = request.POST if confirmed else None
    if action in ("assign_group", "unassign_group"):
        form: Any = GroupChoiceForm(data, org=org)
    elif action == "invite_sms":
        form = SmsInviteForm(data, templates=sms_invites.invite_templates())
        form.fields["recipients"].widget = form.fields["recipients"].hidden_widget()
    else:
        form = ReasonForm(data)
    if confirmed and form.is_valid():
        try:
            done = _bulk_act(request, org, action, chosen, form)
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            if done is not None:
                return done
            return redirect(back)
    return render(
        request,
        "organizations/console/members/bulk_confirm.html",
        {"org": org, "action": action, "members": chosen, "form": form, "next": back},
        status=400 if confirmed else 200,
    )


def _bulk_act(
    request: HttpRequest, org: Organization, action: str, chosen: list[Membership], form: Any
) -> HttpResponse | None:
    user = request.user
    if action == "assign_group":
        count = group_services.members_assign_group(
            actor=user, group=form.cleaned_data["group"], memberships=chosen
        )
        messages.success(
            request, gettext("%(count)d members added to the group.") % {"count": count}
        )
    elif action == "unassign_group":
        count = group_services.members_unassign_group(
            actor=user, group=form.cleaned_data["group"], memberships=chosen
        )
        messages.success(
            request, gettext("%(count)d members removed from the group.") % {"count": count}
        )
    elif action == "invite_sms":
        phones = [membership.phone for membership in chosen if membership.phone]
        result = sms_invites.members_invite_by_sms(
            actor=user, org=org, phones_or_record_ids=phones, template=form.cleaned_data["template"]
        )
        return _invite_result(request, result)
    else:
        ended = 0
        for membership in chosen:
            if action == "ban":
                member_services.member_ban(
                    actor=user, membership=membership, reason=form.cleaned_data["reason"]
                )
            else:
                member_services.member_remove(
                    actor=user, membership=membership, reason=form.cleaned_data["reason"]
                )
            ended += 1
        if action == "ban":
            messages.success(request, gettext("%(count)d members banned.") % {"count": ended})
        else:
            messages.success(request, gettext("%(count)d members removed.") % {"count": ended})
    return None


def _invite_result(request: HttpRequest, result: sms_invites.SmsInviteResult) -> HttpResponse:
    if result.job is not None:
        messages.success(
            request,
            gettext("%(count)d invitations are being sent.") % {"count": result.debited},
        )
        return redirect("console:job_detail", pk=result.job.pk)
    messages.success(
        request,
        gettext("%(sent)d invitations sent, %(failed)d failed, %(skipped)d already members.")
        % {"sent": result.sent, "failed": result.failed, "skipped": result.skipped_members},
    )
    return redirect("console:member_list")
