"""Console page of the department tree (院系设置): create, rename (the old name kept), merge,
deactivate, and link a college to its alumni association (platform admins)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from xiaoyou.alumni.forms_records import DepartmentEditForm, DepartmentForm, DepartmentMergeForm
from xiaoyou.alumni.models import Department
from xiaoyou.alumni.services import departments as services
from xiaoyou.core import policy


def _require(request: HttpRequest) -> None:
    if not policy.can(request.user, "change", Department):
        raise PermissionDenied("departments denied")


def _tree() -> list[dict[str, Any]]:
    """Depth-first rows of the tree with their former names and record counts."""
    units = list(
        Department.objects.select_related("org", "merged_into")
        .prefetch_related("aliases")
        .annotate(
            records=Count("alumni_records", filter=Q(alumni_records__deleted_at__isnull=True))
        )
        .order_by("code")
    )
    children: dict[int | None, list[Department]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    rows: list[dict[str, Any]] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in children.get(parent, []):
            rows.append({"unit": unit, "depth": depth, "indent": depth * 24})
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return rows


def department_tree(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.department_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for key, errors in error.message_dict.items():
                form.add_error(key if key in form.fields else None, errors)
        else:
            messages.success(request, gettext("Unit created."))
            return redirect("console:alumni_departments")
    return render(
        request,
        "alumni/console/departments/tree.html",
        {"rows": _tree(), "form": form},
        status=422 if request.method == "POST" else 200,
    )


def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    unit = get_object_or_404(Department, pk=pk)
    form = DepartmentEditForm(request.POST or None, initial={"name": unit.name, "org": unit.org})
    merge_form = DepartmentMergeForm(department=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.department_rename(
                actor=request.user,
                department=unit,
                name=form.cleaned_data["name"],
                until_year=form.cleaned_data["until_year"],
            )
            if form.cleaned_data["org"] != unit.org:
                services.department_link_org(
                    actor=request.user, department=unit, org=form.cleaned_data["org"]
                )
        except ValidationError as error:
            for key, errors in error.message_dict.items():
                form.add_error(key if key in form.fields else None, errors)
        else:
            messages.success(request, gettext("Unit saved."))
            return redirect("console:alumni_departments")
    return render(
        request,
        "alumni/console/departments/edit.html",
        {"unit": unit, "form": form, "merge_form": merge_form},
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def department_merge(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    unit = get_object_or_404(Department, pk=pk)
    form = DepartmentMergeForm(request.POST, department=unit)
    if form.is_valid():
        try:
            services.department_merge(
                actor=request.user, department=unit, into=form.cleaned_data["into"]
            )
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, gettext("Unit merged."))
            return redirect("console:alumni_departments")
    return render(
        request,
        "alumni/console/departments/edit.html",
        {"unit": unit, "form": DepartmentEditForm(initial={"name": unit.name}), "merge_form": form},
        status=422,
    )


@require_POST
def department_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    unit = get_object_or_404(Department, pk=pk)
    try:
        services.department_set_active(
            actor=request.user, department=unit, active=not unit.is_active
        )
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    return redirect("console:alumni_departments")
