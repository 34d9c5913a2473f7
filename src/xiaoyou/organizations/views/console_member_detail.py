"""Console pages of one member: the detail, removal and bans, join request files.

Members are looked up through the policy-scoped selectors, so another branch's member is a 404;
console/urls.py wraps every page in console_required.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry
from xiaoyou.organizations import selectors_membership as selectors
from xiaoyou.organizations import services as member_services
from xiaoyou.organizations.forms_membership import ReasonForm, answer_rows
from xiaoyou.organizations.models import JoinRequestFile, Membership


def _member(request: HttpRequest, pk: int) -> Membership:
    # Another branch's member is "not found": its existence is not told.
    membership = selectors.members_visible_to(request.user).filter(pk=pk).first()
    if membership is None:
        raise Http404
    return membership


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
