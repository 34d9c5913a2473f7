"""Console pages of one alumni record (档案): detail with history, create/edit with the degree
formset, soft delete and restore, the audited reveal of the ID number.

The record list is the search page (console:alumni_search). Records outside the admin's scope
are a 404 (alumni.policy.record_scope); console/urls.py wraps every page in console_required.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from xiaoyou.alumni import sensitive
from xiaoyou.alumni.custom_fields import active_custom_fields, custom_value_display
from xiaoyou.alumni.forms_records import DegreeFormSet, RecordForm, degree_rows
from xiaoyou.alumni.models import (
    AlumniRecord,
    ContactPoint,
    CustomField,
    DegreeEntry,
    RecordChange,
    RecordSource,
)
from xiaoyou.alumni.policy import record_can, record_scope
from xiaoyou.alumni.services import records as record_services
from xiaoyou.console.context import current_org
from xiaoyou.core import policy
from xiaoyou.organizations.models import Membership, Organization

HISTORY_LIMIT = 200


def visible_record(request: HttpRequest, pk: int, *, include_deleted: bool = True) -> AlumniRecord:
    queryset = record_scope(
        AlumniRecord.objects.select_related("department", "major", "org", "user"), request.user
    )
    if not include_deleted:
        queryset = queryset.filter(deleted_at__isnull=True)
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def field_label(name: str, custom: dict[str, CustomField]) -> str:
    """A history row's field as people read it."""
    if name.startswith("custom:"):
        field = custom.get(name[len("custom:") :])
        return field.label if field else name[len("custom:") :]
    labels = {
        "created": gettext("Record created"),
        "deleted": gettext("Deleted"),
        "degrees": gettext("Degrees"),
        "tags": gettext("Tags"),
        "national_id": gettext("National ID number"),
        "degree_level": gettext("Degree level"),
        "merged": gettext("Merged"),
    }
    if name in labels:
        return labels[name]
    try:
        return str(getattr(AlumniRecord._meta.get_field(name), "verbose_name", name))
    except Exception:
        return name


def history_rows(record: AlumniRecord) -> list[dict[str, Any]]:
    custom = {field.key: field for field in CustomField.objects.all()}
    sources = dict(RecordSource.choices)
    changes = RecordChange.objects.filter(record=record).select_related("actor")[:HISTORY_LIMIT]
    return [
        {
            "change": change,
            "label": field_label(change.field, custom),
            "source": sources.get(change.source, change.source),
            "old": _show(change.old_value),
            "new": _show(change.new_value),
        }
        for change in changes
    ]


def _show(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return gettext("Yes")
    if value is False:
        return gettext("No")
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):
                parts.append(
                    " ".join(
                        str(item.get(key) or "")
                        for key in ("level", "department", "major", "enrollment_year")
                        if item.get(key)
                    )
                )
            else:
                parts.append(str(item))
        return "；".join(parts) or "—"
    return str(value)


def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = visible_record(request, pk)
    degrees = DegreeEntry.objects.filter(record=record).select_related("department", "major")
    contacts = ContactPoint.objects.filter(record=record).order_by("kind", "-is_current", "id")
    custom = [
        (field, custom_value_display(field, (record.custom_data or {}).get(field.key)))
        for field in active_custom_fields()
    ]
    # Memberships matched to the record, and those of the linked account.
    linked = Q(alumni_record=record) | (Q(user_id=record.user_id) if record.user_id else Q())
    memberships = list(
        Membership.objects.filter(linked).select_related("org").order_by("org__path").distinct()
    )
    return render(
        request,
        "alumni/console/records/detail.html",
        {
            "record": record,
            "degrees": degrees,
            "contacts": contacts,
            "custom": custom,
            "tags": list(record.tags.values_list("name", flat=True)),
            "memberships": memberships,
            "history": history_rows(record),
            "national_id": sensitive.national_id_display(request.user, record),
            "may_reveal": sensitive.can_view_sensitive(request.user)
            and bool(record.national_id_encrypted),
            "may_change": record_can(request.user, "change", record),
            "may_delete": record_can(request.user, "delete", record),
        },
    )


def _degree_initial(record: AlumniRecord) -> list[dict[str, Any]]:
    return [
        {
            "id": entry.pk,
            "level": entry.level,
            "department": entry.department_id,
            "major": entry.major_id,
            "class_name": entry.class_name,
            "student_id": entry.student_id,
            "enrollment_year": entry.enrollment_year,
            "graduation_year": entry.graduation_year,
            "is_primary": entry.is_primary,
        }
        for entry in record.degrees.order_by("id")
    ]


def _save_form(
    request: HttpRequest, record: AlumniRecord | None, form: RecordForm, formset: Any
) -> AlumniRecord | None:
    try:
        with transaction.atomic():
            if record is None:
                record = record_services.record_create(
                    actor=request.user,
                    org=_keeping_org(request),
                    data=form.changes(),
                    degrees=degree_rows(formset),
                    tags=form.tag_names(),
                )
            else:
                record = record_services.record_update(
                    actor=request.user,
                    record=record,
                    changes=form.changes(),
                    degrees=degree_rows(formset),
                )
                current = set(record.tags.values_list("name", flat=True))
                wanted = set(form.tag_names())
                if wanted - current:
                    record_services.record_tags_add(
                        actor=request.user, record=record, names=sorted(wanted - current)
                    )
                if current - wanted:
                    record_services.record_tags_remove(
                        actor=request.user, record=record, names=sorted(current - wanted)
                    )
    except ValidationError as error:
        form.apply_errors(error)
        return None
    return record


def _keeping_org(request: HttpRequest) -> Organization | None:
    """New records are kept by the organization the admin works in (the main association for
    platform admins without a choice)."""
    org = current_org(request)
    if org is None:
        org = Organization.objects.filter(parent__isnull=True).order_by("id").first()
    return org


def record_create(request: HttpRequest) -> HttpResponse:
    org = _keeping_org(request)
    if org is None or not policy.can(request.user, "change", AlumniRecord, org=org):
        raise PermissionDenied("create denied")
    custom_fields = list(active_custom_fields())
    form = RecordForm(
        request.POST or None, custom_fields=custom_fields, initial={"status": "alive"}
    )
    formset = DegreeFormSet(request.POST or None, prefix="degrees")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        record = _save_form(request, None, form, formset)
        if record is not None:
            messages.success(request, gettext("Record created."))
            return redirect("console:alumni_record_detail", pk=record.pk)
    return render(
        request,
        "alumni/console/records/form.html",
        {"form": form, "formset": formset, "record": None},
        status=422 if request.method == "POST" else 200,
    )


def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = visible_record(request, pk, include_deleted=False)
    if not record_can(request.user, "change", record):
        raise PermissionDenied("change denied")
    custom_fields = list(active_custom_fields())
    form = RecordForm(
        request.POST or None,
        custom_fields=custom_fields,
        initial=RecordForm.initial_for(record),
    )
    formset = DegreeFormSet(request.POST or None, prefix="degrees", initial=_degree_initial(record))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved = _save_form(request, record, form, formset)
        if saved is not None:
            messages.success(request, gettext("Record saved."))
            return redirect("console:alumni_record_detail", pk=record.pk)
    return render(
        request,
        "alumni/console/records/form.html",
        {
            "form": form,
            "formset": formset,
            "record": record,
            "national_id": sensitive.national_id_display(request.user, record),
        },
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def record_delete(request: HttpRequest, pk: int) -> HttpResponse:
    record = visible_record(request, pk)
    record_services.record_soft_delete(actor=request.user, record=record)
    messages.success(request, gettext("Record deleted. It can be restored from its page."))
    return redirect("console:alumni_record_detail", pk=record.pk)


@require_POST
def record_undelete(request: HttpRequest, pk: int) -> HttpResponse:
    record = visible_record(request, pk)
    record_services.record_restore(actor=request.user, record=record)
    messages.success(request, gettext("Record restored."))
    return redirect("console:alumni_record_detail", pk=record.pk)


@require_POST
def record_reveal_national_id(request: HttpRequest, pk: int) -> HttpResponse:
    """Shows the clear number once, to platform admins; the reveal is audited."""
    record = visible_record(request, pk)
    number = sensitive.national_id_reveal(actor=request.user, record=record)
    return render(
        request,
        "alumni/console/records/_national_id.html",
        {"record": record, "number": number},
    )
