"""Console pages of member groups (分组): list, create, rename, delete.

Groups are looked up through the policy-scoped queryset, so another branch's group is a 404;
console/urls.py wraps every page in console_required.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations import selectors_membership as selectors
from xiaoyou.organizations.forms_membership import GroupForm
from xiaoyou.organizations.models import MemberGroup
from xiaoyou.organizations.services import groups as group_services
from xiaoyou.organizations.views.console_members import _org

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
