"""Hall pages of organizations (/orgs/): directory, home page, joining, my organizations and
applications, re-editing my join information, leaving; and the registry entries (personal
center, "you may want to join" on the hall home)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.registry import org_home_sections
from xiaoyou.organizations import selectors_membership as selectors
from xiaoyou.organizations import services
from xiaoyou.organizations.forms_membership import (
    JoinAnswersForm,
    JoinMessageForm,
    answer_rows,
    has_required_fields,
)
from xiaoyou.organizations.models import (
    Invitation,
    JoinRequestStatus,
    Organization,
    OrganizationKind,
    Visibility,
)

PAGE_SIZE = 20
INVITATION_PARAM = "invitation"  # the invitation code on a join link (see hall_invitations)


def _org_or_404(request: HttpRequest, pk: int) -> Organization:
    org = selectors.hall_organization(request.user, pk)
    if org is None:
        raise Http404
    return org


def _invitation(request: HttpRequest, org_pk: int) -> Invitation | None:
    """The invitation named by ?invitation= when it is one of this org's (else None)."""
    code = (request.GET.get(INVITATION_PARAM) or request.POST.get(INVITATION_PARAM) or "").strip()
    if not code:
        return None
    return Invitation.objects.filter(code__iexact=code, org_id=org_pk).select_related("org").first()


# --- Directory and home page --------------------------------------------------------------------


def org_directory(request: HttpRequest) -> HttpResponse:
    """组织目录: public organizations by type, with a search box and an empty state."""
    kind = request.GET.get("kind", "")
    if kind not in OrganizationKind.values:
        kind = ""
    text = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.directory(kind=kind, text=text), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "organizations/hall/directory.html",
        {"page": page, "kind": kind, "q": text, "kinds": OrganizationKind.choices},
    )


def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An organization's home page: cover, logo, introduction, leaders, members, joining."""
    from xiaoyou.organizations import sharing

    org = _org_or_404(request, pk)
    user = request.user
    membership = selectors.active_membership(user, org)
    parent = org.parent if org.parent_id else None
    sections = []
    for section in org_home_sections.all():
        html = section.render(request, org)
        if html:
            sections.append({"key": section.key, "label": section.label, "html": mark_safe(html)})  # noqa: S308
    return render(
        request,
        "organizations/hall/detail.html",
        {
            "org": org,
            "leaders": selectors.org_leaders(org),
            "member_count": selectors.member_count(org),
            "membership": membership,
            "is_member": membership is not None or selectors.is_member(user, org),
            "pending": selectors.pending_request(user, org),
            "is_banned": selectors.is_banned(user, org),
            "is_open": org.archived_at is None and org.visibility != Visibility.PRIVATE,
            "needs_form": has_required_fields(org.join_form),
            "sections": sections,
            "share_card": sharing.org_share_card(request, org),
            "parent": parent if parent is not None and parent.is_active else None,
        },
    )


# --- Joining ------------------------------------------------------------------------------------


def _login_redirect(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")


def org_join(request: HttpRequest, pk: int) -> HttpResponse:
    """The join form (org.join_form as a Django form, inline translated errors, file uploads)."""
    invitation = _invitation(request, pk)
    org = selectors.hall_organization(request.user, pk)
    if org is None and invitation is not None:
        org = invitation.org  # a private org opened through its invitation link
    if org is None:
        raise Http404
    if not request.user.is_authenticated:
        return _login_redirect(request)
    if selectors.is_member(request.user, org):
        messages.info(request, gettext("You are already a member of this organization."))
        return redirect("hall:org_detail", pk=org.pk)
    pending = selectors.pending_request(request.user, org)
    if pending is not None:
        messages.info(request, gettext("Your request to join is already waiting for review."))
        return redirect("hall:org_join_result", pk=org.pk)
    problem = ""
    if request.method == "POST":
        form = JoinAnswersForm(org.join_form, request.POST, request.FILES)
        message_form = JoinMessageForm(request.POST)
        if message_form.is_valid():
            try:
                if invitation is not None:
                    from xiaoyou.organizations.services.invitations import invitation_accept

                    invitation_accept(
                        actor=request.user,
                        code=invitation.code,
                        answers=request.POST,  # type: ignore[arg-type]
                        files=request.FILES,  # type: ignore[arg-type]
                    )
                else:
                    services.join_request_submit(
                        actor=request.user,
                        org=org,
                        answers=request.POST,
                        files=request.FILES,
                        message=message_form.cleaned_data["join_message"],
                    )
            except services.JoinFormInvalid:
                form.is_valid()  # the same rules: the form shows each field's message inline
                problem = gettext("Please correct the errors in the join form.")
            except ApplicationError as error:
                problem = error.text()
            else:
                return redirect("hall:org_join_result", pk=org.pk)
    else:
        form = JoinAnswersForm(org.join_form)
        message_form = JoinMessageForm()
    return render(
        request,
        "organizations/hall/join.html",
        {
            "org": org,
            "form": form,
            "message_form": message_form,
            "problem": problem,
            "invitation": invitation,
        },
        status=400 if problem else 200,
    )


@login_required
def org_join_result(request: HttpRequest, pk: int) -> HttpResponse:
    """After joining: a member now (with "you may want to join" after the main association),
    or waiting for review."""
    org = Organization.objects.filter(pk=pk, is_active=True).first()
    if org is None:
        raise Http404
    latest = selectors.my_join_requests(request.user).filter(org=org, is_update=False).first()
    member = selectors.is_member(request.user, org)
    if latest is None and not member:
        return redirect("hall:org_detail", pk=org.pk)
    recommendations = (
        selectors.recommendations_for(request.user) if member and org.parent_id is None else []
    )
    return render(
        request,
        "organizations/hall/join_result.html",
        {
            "org": org,
            "join_request": latest,
            "is_member": member,
            "recommendations": recommendations,
        },
    )


@require_POST
def org_quick_join(request: HttpRequest, pk: int) -> HttpResponse:
    """One-tap join (from a recommendation): submits empty answers when the join form asks
    nothing required, else opens the join form."""
    org = _org_or_404(request, pk)
    if not request.user.is_authenticated:
        return redirect(
            f"{reverse('account_login')}?{urlencode({'next': reverse('hall:org_detail', args=[pk])})}"
        )
    if has_required_fields(org.join_form):
        return redirect("hall:org_join", pk=org.pk)
    try:
        services.join_request_submit(actor=request.user, org=org, answers={}, files={})
    except services.JoinFormInvalid:
        return redirect("hall:org_join", pk=org.pk)
    except ApplicationError as error:
        messages.error(request, error.text())
        return redirect("hall:org_detail", pk=org.pk)
    return redirect("hall:org_join_result", pk=org.pk)


# --- My organizations ---------------------------------------------------------------------------


@login_required
def my_orgs(request: HttpRequest) -> HttpResponse:
    """我的组织: the organizations I belong to, with links to my information and leaving."""
    return render(
        request,
        "organizations/hall/my_orgs.html",
        {
            "memberships": list(selectors.my_memberships(request.user)),
            "pending_count": selectors.my_join_requests(request.user)
            .filter(status=JoinRequestStatus.PENDING)
            .count(),
            "recommendations": selectors.recommendations_for(request.user),
        },
    )


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    """我的申请: every request to join (or to change my information), with its status."""
    page = Paginator(selectors.my_join_requests(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "organizations/hall/my_applications.html", {"page": page})


@login_required
def my_info_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-edit my join information; re-reviewed when the organization reviews joins."""
    org = Organization.objects.filter(pk=pk, is_active=True).first()
    membership = selectors.active_membership(request.user, org) if org is not None else None
    if org is None or membership is None:
        raise Http404
    pending = selectors.pending_request(request.user, org)
    problem = ""
    if request.method == "POST" and pending is None:
        form = JoinAnswersForm(
            org.join_form, request.POST, request.FILES, existing=membership.answers
        )
        try:
            join_request = services.member_info_update(
                actor=request.user, org=org, answers=request.POST, files=request.FILES
            )
        except services.JoinFormInvalid:
            form.is_valid()
            problem = gettext("Please correct the errors in the join form.")
        except ApplicationError as error:
            problem = error.text()
        else:
            if join_request.status == JoinRequestStatus.PENDING:
                messages.success(request, gettext("Your changes were sent for review."))
            else:
                messages.success(request, gettext("Your information was saved."))
            return redirect("hall:my_orgs")
    else:
        form = JoinAnswersForm(org.join_form, existing=membership.answers)
    return render(
        request,
        "organizations/hall/my_info.html",
        {
            "org": org,
            "form": form,
            "pending": pending,
            "problem": problem,
            "rows": answer_rows(org.join_form, membership.answers),
            "reviewed": org.approval_mode in services.REVIEWED_MODES,
        },
        status=400 if problem else 200,
    )


@login_required
def org_leave(request: HttpRequest, pk: int) -> HttpResponse:
    """Leave an organization (and its sub-organizations), after a confirmation."""
    org = Organization.objects.filter(pk=pk).first()
    if org is None or not selectors.is_member(request.user, org):
        raise Http404
    if request.method == "POST":
        try:
            services.membership_leave(actor=request.user, org=org)
        except ApplicationError as error:
            messages.error(request, error.text())
            return redirect("hall:my_orgs")
        messages.success(request, gettext("You left %(org)s.") % {"org": org.name})
        return redirect("hall:my_orgs")
    also = [
        membership.org
        for membership in selectors.my_memberships(request.user).filter(
            org__path__startswith=org.path
        )
        if membership.org_id != org.pk
    ]
    return render(request, "organizations/hall/leave.html", {"org": org, "also": also})


# --- Registry entries ---------------------------------------------------------------------------


def my_orgs_entry(request: HttpRequest) -> str:
    if not request.user.is_authenticated:
        return ""
    count = selectors.my_memberships(request.user).count()
    return render_to_string(
        "components/menu_entry.html",
        {
            "url": reverse("hall:my_orgs"),
            "label": _("My organizations"),
            "text": gettext("%(count)d organizations · my applications") % {"count": count},
            "icon": "org",
        },
        request=request,
    )


def recommendations_section(request: HttpRequest) -> str:
    """ "You may want to join" on the hall home: members of the main association only."""
    if not request.user.is_authenticated:
        return ""
    recommendations = selectors.recommendations_for(request.user)
    if not recommendations:
        return ""
    return render_to_string(
        "organizations/hall/_recommendations.html",
        {"recommendations": recommendations, "with_title": True},
        request=request,
    )
