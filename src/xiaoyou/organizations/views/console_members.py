"""Console pages of members (会员管理) of the current organization and its sub-organizations:
the list (filters, masked phones, bulk actions, Excel export), a member's detail, removal and
bans, groups, imports and SMS invitations.

Members are looked up through the policy-scoped selectors, so another branch's member is a 404;
console/urls.py wraps every page in console_required.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from xiaoyou.console.context import current_org
from xiaoyou.core import excel, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry
from xiaoyou.core.tables import BulkAction, Column, DataTable, Filter
from xiaoyou.core.templatetags.xiaoyou import masked
from xiaoyou.organizations import selectors_membership as selectors
from xiaoyou.organizations import services as member_services
from xiaoyou.organizations.forms_membership import (
    GroupChoiceForm,
    GroupForm,
    MemberImportFileForm,
    MemberImportForm,
    ReasonForm,
    SmsInviteForm,
    answer_rows,
)
from xiaoyou.organizations.models import (
    JoinRequestFile,
    MemberGroup,
    Membership,
    MembershipSource,
    MembershipStatus,
    Organization,
)
from xiaoyou.organizations.services import groups as group_services
from xiaoyou.organizations.services import importing as import_services
from xiaoyou.organizations.services import sms_invites

BULK_LIMIT = 500
REPORT_TTL = 3600  # seconds an import's error report stays downloadable
JOIN_REVIEW_KIND = member_services.JOIN_REVIEW_KIND


def _org(request: HttpRequest) -> Organization:
    org = current_org(request)
    if org is None:
        raise PermissionDenied("no organization to work on")
    return org


def _member(request: HttpRequest, pk: int) -> Membership:
    # Another branch's member is "not found": its existence is not told.
    membership = selectors.members_visible_to(request.user).filter(pk=pk).first()
    if membership is None:
        raise Http404
    return membership


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


# --- One member ------------------------------------------------------------------------------


def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _member(request, pk)
    return _detail(request, membership)


def _detail(
    request: HttpRequest,
    membership: Membership,
    *,
    remove_form: ReasonForm | None = None,
    ban_form: ReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    history = list(selectors.membership_history(membership).prefetch_related("files"))
    entries = AuditEntry.objects.filter(
        object_type="organizations.membership", object_id=str(membership.pk)
    ).order_by("-id")[:50]
    files = (
        {
            item.pk: item
            for item in JoinRequestFile.objects.filter(
                request__user_id=membership.user_id, request__org_id=membership.org_id
            )
        }
        if membership.user_id
        else {}
    )
    rows = []
    for label, value, _kind in answer_rows(membership.org.join_form, membership.answers or {}):
        file_id = value.get("file_id") if isinstance(value, dict) else None
        rows.append(
            {
                "label": label,
                "value": value.get("name") if isinstance(value, dict) else value,
                "file_url": reverse("console:member_file", args=[file_id])
                if file_id in files
                else "",
            }
        )
    return render(
        request,
        "organizations/console/members/detail.html",
        {
            "membership": membership,
            "rows": rows,
            "history": history,
            "entries": entries,
            "remove_form": remove_form or ReasonForm(),
            "ban_form": ban_form or ReasonForm(),
            "may_manage": policy.can(request.user, "manage", membership),
        },
        status=status,
    )


@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    return _end(request, pk, ban=False)


@require_POST
def member_ban(request: HttpRequest, pk: int) -> HttpResponse:
    return _end(request, pk, ban=True)


def _end(request: HttpRequest, pk: int, *, ban: bool) -> HttpResponse:
    membership = _member(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        service = member_services.member_ban if ban else member_services.member_remove
        try:
            service(actor=request.user, membership=membership, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            form.add_error("reason", error.text())
        else:
            if ban:
                messages.success(
                    request, gettext("%(name)s was banned.") % {"name": membership.name}
                )
            else:
                messages.success(
                    request, gettext("%(name)s was removed.") % {"name": membership.name}
                )
            return redirect("console:member_detail", pk=membership.pk)
    return _detail(
        request,
        membership,
        remove_form=None if ban else form,
        ban_form=form if ban else None,
        status=400,
    )


def member_file(request: HttpRequest, pk: int) -> FileResponse:
    """A file attached to a join request: admins of its organization only, as a download."""
    item = (
        policy.scoped(JoinRequestFile.objects.select_related("request__org"), request.user, "view")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)


# --- Groups ----------------------------------------------------------------------------------


def member_groups(request: HttpRequest) -> HttpResponse:
    """分组: the groups of the current organization, with member counts; create one."""
    org = _org(request)
    form = GroupForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                group_services.member_group_create(
                    actor=request.user,
                    org=org,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
            except ApplicationError as error:
                form.add_error("name", error.text())
            else:
                messages.success(request, gettext("Group created."))
                return redirect("console:member_groups")
        status = 400
    return render(
        request,
        "organizations/console/members/groups.html",
        {"org": org, "groups": selectors.groups_of(org).order_by("name"), "form": form},
        status=status,
    )


def _group(request: HttpRequest, pk: int) -> MemberGroup:
    group = (
        policy.scoped(MemberGroup.objects.select_related("org"), request.user, "manage")
        .filter(pk=pk)
        .first()
    )
    if group is None:
        raise Http404
    return group


@require_POST
def member_group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            group_services.member_group_rename(
                actor=request.user,
                group=group,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ApplicationError as error:
            messages.error(request, error.text())
        else:
            messages.success(request, gettext("Group saved."))
    else:
        messages.error(request, gettext("Please give the group a name."))
    return redirect("console:member_groups")


@require_POST
def member_group_delete(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    group_services.member_group_delete(actor=request.user, group=group)
    messages.success(request, gettext("Group deleted."))
    return redirect("console:member_groups")


# --- Import --------------------------------------------------------------------------------


def member_import(request: HttpRequest) -> HttpResponse:
    """Add people by hand: one person by a form, or many from an .xlsx (all or nothing)."""
    org = _org(request)
    one_form = MemberImportForm(request.POST if request.POST.get("mode") == "one" else None)
    file_form = MemberImportFileForm(
        request.POST if request.POST.get("mode") == "file" else None,
        request.FILES if request.POST.get("mode") == "file" else None,
    )
    problems: list[import_services.ImportProblem] = []
    report_url = ""
    if request.method == "POST":
        rows: list[import_services.ImportRow] | None = None
        try:
            if request.POST.get("mode") == "one" and one_form.is_valid():
                data = one_form.cleaned_data
                rows = [import_services.ImportRow(data["name"], data["phone"], data["student_id"])]
            elif request.POST.get("mode") == "file" and file_form.is_valid():
                rows = import_services.read_import_workbook(file_form.cleaned_data["file"])
            if rows is not None:
                created = import_services.member_import(actor=request.user, org=org, rows=rows)
                messages.success(
                    request, gettext("%(count)d people imported.") % {"count": len(created)}
                )
                return redirect("console:member_list")
        except import_services.MemberImportInvalid as error:
            problems = error.problems
            if request.POST.get("mode") == "one":
                for problem in problems:
                    field = {str(label): key for key, label in import_services.COLUMNS}.get(
                        problem.column
                    )
                    one_form.add_error(field if field in one_form.fields else None, problem.message)
                problems = []
            else:
                token = uuid.uuid4().hex
                cache.set(
                    _report_key(request, token),
                    import_services.import_error_report(problems),
                    timeout=REPORT_TTL,
                )
                report_url = reverse("console:member_import_report", args=[token])
        except ApplicationError as error:
            messages.error(request, error.text())
    return render(
        request,
        "organizations/console/members/import.html",
        {
            "org": org,
            "one_form": one_form,
            "file_form": file_form,
            "problems": problems,
            "report_url": report_url,
        },
        status=400 if problems or (request.method == "POST" and one_form.errors) else 200,
    )


def _report_key(request: HttpRequest, token: str) -> str:
    # Keyed by the user: another admin's link finds nothing.
    return f"member-import-report:{request.user.pk}:{token}"


def member_import_template(request: HttpRequest) -> HttpResponse:
    _org(request)
    return _download(import_services.import_template(), "members-template.xlsx", excel.XLSX_TYPE)


def member_import_report(request: HttpRequest, token: str) -> HttpResponse:
    data = cache.get(_report_key(request, token))
    if data is None:
        raise Http404
    return _download(data, "import-problems.xlsx", excel.XLSX_TYPE)


# --- SMS invitations ---------------------------------------------------------------------------


def member_invite(request: HttpRequest) -> HttpResponse:
    """Invite alumni to join by SMS: numbers typed or pasted, one of the approved templates."""
    org = _org(request)
    form = SmsInviteForm(
        request.POST if request.method == "POST" else None,
        templates=sms_invites.invite_templates(),
    )
    if request.method == "POST" and form.is_valid():
        recipients = form.recipient_list()
        if not recipients:
            form.add_error("recipients", gettext("Enter at least one mobile number."))
        else:
            try:
                result = sms_invites.members_invite_by_sms(
                    actor=request.user,
                    org=org,
                    phones_or_record_ids=recipients,
                    template=form.cleaned_data["template"],
                )
            except ApplicationError as error:
                form.add_error(None, error.text())
            else:
                return _invite_result(request, result)
    org.refresh_from_db(fields=["sms_balance"])
    return render(
        request,
        "organizations/console/members/invite.html",
        {"org": org, "form": form, "link": sms_invites.join_link(org)},
        status=400 if form.errors else 200,
    )


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
