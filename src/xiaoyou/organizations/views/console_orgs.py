"""Console pages of organization management (组织管理): tree and table, create and edit (with the
join-form builder), detail with cross links and leaders, archive and restore, statistics.

Organizations are looked up among those the user administers (selectors_orgs), so another
branch's organization is a 404; actions the policy refuses inside the branch are a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from xiaoyou.console.context import current_org, in_current_org
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.registry import org_counters
from xiaoyou.core.tables import Column, DataTable, Filter
from xiaoyou.organizations import selectors_orgs
from xiaoyou.organizations.forms_orgs import (
    PROVINCES,
    ArchiveForm,
    JoinFieldFormSet,
    LinkForm,
    OrganizationForm,
    join_formset_initial,
)
from xiaoyou.organizations.models import (
    JoinFieldType,
    Organization,
    OrganizationKind,
    OrganizationLink,
)
from xiaoyou.organizations.selectors import administered_organizations
from xiaoyou.organizations.services import (
    organization_archive,
    organization_create,
    organization_link_create,
    organization_link_delete,
    organization_move,
    organization_restore,
    organization_update,
)
from xiaoyou.organizations.services.join_forms import JoinFormError

STATUS_ACTIVE = "active"
STATUS_ARCHIVED = "archived"
JOIN_PREFIX = "join"


def _managed(request: HttpRequest, pk: int) -> Organization:
    org = selectors_orgs.managed_organizations(request.user).select_related("parent").filter(pk=pk)
    found = org.first()
    if found is None:
        raise Http404
    return found


def _detail_url(org: Organization) -> str:
    return reverse("console:org_detail", args=[org.pk])


# --- List: table and tree -------------------------------------------------------------------


def _status_filter(queryset: Any, value: str) -> Any:
    return queryset.filter(is_active=value == STATUS_ACTIVE)


def organization_table(request: HttpRequest) -> tuple[DataTable, dict[str, dict[int, int]]]:
    """The table of the organizations in the user's scope (narrowed to the switcher's org).

    The members and pending-request counts are subqueries of the page's one query; each
    registered org counter adds one query for the whole page. The returned dict is filled
    with those counts by `fill_counts` before the rows are rendered.
    """
    scoped = in_current_org(selectors_orgs.managed_organizations(request.user), request, field="")
    counts: dict[str, dict[int, int]] = {}

    def counted(key: str) -> Callable[[Organization], int]:
        return lambda org: counts.get(key, {}).get(org.pk, 0)

    columns = [
        # "Name" reads as a person's name (姓名) in Chinese: the column says 组织名称.
        Column("name", _("Organization name"), sort="name", link=_detail_url),
        Column("kind", _("Type"), sort="kind", badge=True),
        Column("parent__name", _("Parent organization")),
        Column("city", _("City"), sort="city"),
        Column("members_count", _("Members"), sort="members_count", align="num"),
        Column(
            "pending_requests_count",
            _("Pending requests"),
            sort="pending_requests_count",
            align="num",
        ),
        *[
            Column(
                f"counter_{counter.key}", counter.label, accessor=counted(counter.key), align="num"
            )
            for counter in org_counters.all()
        ],
        Column(
            "is_active",
            _("Status"),
            sort="is_active",
            accessor=lambda org: gettext("Active") if org.is_active else gettext("Archived"),
        ),
    ]
    table = DataTable(
        request,
        selectors_orgs.with_counts(scoped),
        columns=columns,
        filters=[
            Filter(
                "kind",
                _("Type"),
                kind="select",
                lookup="kind",
                choices=OrganizationKind.choices,
            ),
            Filter(
                "status",
                _("Status"),
                kind="select",
                lookup=_status_filter,
                choices=[(STATUS_ACTIVE, _("Active")), (STATUS_ARCHIVED, _("Archived"))],
            ),
        ],
        search_fields=["name", "short_name"],
        search_placeholder=_("Organization name"),
        default_sort="path",
        per_page=50,
        per_page_options=(50, 100, 200),
        export_formats=("xlsx",),
        empty_title=_("No organizations"),
        row_actions=lambda org: [(_("Edit"), reverse("console:org_edit", args=[org.pk]))],
    )
    return table, counts


def fill_counts(counts: dict[str, dict[int, int]], org_ids: list[int]) -> None:
    counts.update(selectors_orgs.registered_counts(org_ids))


def org_list(request: HttpRequest) -> HttpResponse:
    view = "tree" if request.GET.get("view") == "tree" else "table"
    table, counts = organization_table(request)
    if table.export_format:
        fill_counts(counts, list(table.queryset.values_list("pk", flat=True)[:50_000]))
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return table.export_response(f"organizations-{stamp}")
    context: dict[str, Any] = {"view": view, "can_create": _may_create(request)}
    if view == "tree":
        show_archived = request.GET.get("archived") == "1"
        orgs = table.base_queryset if show_archived else table.base_queryset.filter(is_active=True)
        context["tree"] = selectors_orgs.build_tree(orgs.order_by("path"))
        context["show_archived"] = show_archived
    else:
        page = table.page
        page.object_list = list(page.object_list)  # one query, reused by the counts and rows
        fill_counts(counts, [org.pk for org in page.object_list])
        context["table"] = table
    return render(request, "organizations/console/orgs/list.html", context)


def _may_create(request: HttpRequest) -> bool:
    return administered_organizations(request.user).exists()


# --- Create and edit --------------------------------------------------------------------------


def _join_formset(request: HttpRequest, org: Organization | None) -> Any:
    if request.method == "POST":
        return JoinFieldFormSet(request.POST, prefix=JOIN_PREFIX)
    return JoinFieldFormSet(initial=join_formset_initial(org), prefix=JOIN_PREFIX)


def _apply_service_error(exc: ApplicationError, form: OrganizationForm, formset: Any) -> None:
    """Puts a service's refusal next to the field it concerns, else on top of the form."""
    if isinstance(exc, JoinFormError):
        forms = [
            f for f in formset.ordered_forms if f.has_changed() and f not in formset.deleted_forms
        ]
        for problem in exc.problems:
            target = (
                forms[problem.index]
                if problem.index is not None and problem.index < len(forms)
                else None
            )
            if target is not None and problem.attribute in target.fields:
                target.add_error(problem.attribute, problem.message)
            else:
                form.add_error(None, problem.message)
        return
    form.add_error(None, exc.text())


def org_create(request: HttpRequest) -> HttpResponse:
    parents = administered_organizations(request.user)
    if not parents.exists():
        raise PermissionDenied("administers no organization")
    initial_parent = request.GET.get("parent") or getattr(current_org(request), "pk", None)
    form = OrganizationForm(
        request.POST or None,
        request.FILES or None,
        parents=parents,
        initial={"parent": initial_parent, "kind": OrganizationKind.REGIONAL},
    )
    formset = _join_formset(request, None)
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        try:
            org = organization_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                parent=form.cleaned_data["parent"],
                **{
                    key: value
                    for key, value in form.profile_changes().items()
                    if key not in ("name", "kind")
                },
                join_form=formset.fields_in_order(),
            )
        except ApplicationError as exc:
            _apply_service_error(exc, form, formset)
        else:
            messages.success(
                request, gettext("Organization created: %(name)s") % {"name": org.name}
            )
            return redirect(_detail_url(org))
    return _render_form(request, form, formset, None)


def org_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk)
    # Moving (reparenting) is for platform admins: only they get the parent field.
    parents = None
    if policy.can(request.user, "move", org) and org.parent_id is not None:
        parents = Organization.objects.filter(is_active=True).exclude(path__startswith=org.path)
    form = OrganizationForm(
        request.POST or None,
        request.FILES or None,
        instance=org,
        parents=parents,
        initial={"parent": org.parent_id} if parents is not None else None,
    )
    formset = _join_formset(request, org)
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        try:
            with transaction.atomic():
                new_parent = form.cleaned_data.get("parent")
                if new_parent is not None and new_parent.pk != org.parent_id:
                    organization_move(actor=request.user, org=org, parent=new_parent)
                updated = organization_update(
                    actor=request.user,
                    org=org,
                    changes={**form.profile_changes(), "join_form": formset.fields_in_order()},
                )
        except ApplicationError as exc:
            _apply_service_error(exc, form, formset)
        else:
            messages.success(request, gettext("Saved."))
            return redirect(_detail_url(updated))
    return _render_form(request, form, formset, org)


def _render_form(
    request: HttpRequest, form: OrganizationForm, formset: Any, org: Organization | None
) -> HttpResponse:
    return render(
        request,
        "organizations/console/orgs/form.html",
        {
            "form": form,
            "formset": formset,
            "org": org,
            "provinces": PROVINCES,
            "regional_kind": OrganizationKind.REGIONAL,
            "industry_kind": OrganizationKind.INDUSTRY,
            "college_kind": OrganizationKind.COLLEGE,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Detail, archive, restore, links ----------------------------------------------------------


def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk)
    children = selectors_orgs.with_counts(Organization.objects.filter(parent=org)).order_by(
        "-is_active", "path"
    )
    registered = selectors_orgs.registered_counts([org.pk])
    counters = [
        {"label": counter.label, "value": registered[counter.key].get(org.pk, 0)}
        for counter in org_counters.all()
    ]
    user = request.user
    return render(
        request,
        "organizations/console/orgs/detail.html",
        {
            "org": org,
            "join_fields": _join_fields_for_display(org),
            "figures": selectors_orgs.organization_figures(org),
            "counters": counters,
            "children": list(children),
            "links": selectors_orgs.links_of(org),
            "leaders": selectors_orgs.leaders(org),
            "link_form": LinkForm(candidates=selectors_orgs.link_candidates(org)),
            "archive_form": ArchiveForm(),
            "may_archive": org.parent_id is not None and policy.can(user, "archive", org),
            "may_view_stats": policy.can(user, "view_stats", org),
            "may_add_child": org.is_active and policy.can(user, "add_child", org),
            "hall_url": _hall_url(org),
        },
    )


def _join_fields_for_display(org: Organization) -> list[dict[str, Any]]:
    labels = dict(JoinFieldType.choices)
    return [
        {**field, "type_label": labels.get(str(field.get("type", "")), field.get("type"))}
        for field in org.join_form or []
        if isinstance(field, dict)
    ]


def _hall_url(org: Organization) -> str:
    for name in ("hall:org_detail", "hall:organization_detail", "hall:org_home"):
        try:
            return reverse(name, args=[org.pk])
        except NoReverseMatch:
            continue
    return ""


@require_POST
def org_archive(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk)
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Give the reason for archiving the organization."))
        return redirect(_detail_url(org))
    try:
        organization_archive(actor=request.user, org=org, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        messages.error(request, exc.text())
    else:
        messages.success(request, gettext("Archived: %(name)s") % {"name": org.name})
    return redirect(_detail_url(org))


@require_POST
def org_restore(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk)
    try:
        organization_restore(actor=request.user, org=org)
    except ApplicationError as exc:
        messages.error(request, exc.text())
    else:
        messages.success(request, gettext("Restored: %(name)s") % {"name": org.name})
    return redirect(_detail_url(org))


@require_POST
def org_link_add(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk)
    form = LinkForm(request.POST, candidates=selectors_orgs.link_candidates(org))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(_detail_url(org) + "#links")
    try:
        link = organization_link_create(
            actor=request.user,
            from_org=org,
            to_org=form.cleaned_data["to_org"],
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.text())
    else:
        messages.success(request, gettext("Linked to %(name)s.") % {"name": link.to_org.name})
    return redirect(_detail_url(org) + "#links")


@require_POST
def org_link_delete(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    org = _managed(request, pk)
    link = (
        OrganizationLink.objects.select_related("from_org", "to_org")
        .filter(Q(from_org=org) | Q(to_org=org), pk=link_pk)
        .first()
    )
    if link is None:
        raise Http404
    organization_link_delete(actor=request.user, link=link)
    messages.success(request, gettext("Link removed."))
    return redirect(_detail_url(org) + "#links")


# --- Statistics -------------------------------------------------------------------------------
