"""Console pages of the audit log (管理日志): filtered list, entry detail with its diff, export."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import audit, excel
from xiaoyou.core.models import AuditEntry, Job
from xiaoyou.organizations.models import Organization
from xiaoyou.organizations.selectors import administered_organizations, role_paths

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
AUDIT_VERIFY_JOB = "audit.verify"


def may_see_audit_log(user: Any) -> bool:
    """Staff who administer some organization, and platform admins (superusers)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return bool(user.is_superuser or (user.is_staff and role_paths(user, "admin")))


def _audit_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_see_audit_log(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    org = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none(), required=False
    )
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, user: Any, entries: QuerySet[AuditEntry], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = administered_organizations(user).order_by("path")  # type: ignore[attr-defined]
        types = entries.order_by("object_type").values_list("object_type", flat=True).distinct()
        self.fields["object_type"].choices = [("", _("All")), *((t, t) for t in types if t)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def apply(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        if not self.is_valid():
            return entries.none()
        data = self.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor_label__icontains=data["actor"])
        if data["org"]:
            entries = entries.filter(org__path__startswith=data["org"].path)
        if data["object_type"]:
            entries = entries.filter(object_type=data["object_type"])
        if data["action"]:
            # A prefix: "review." finds every review decision.
            entries = entries.filter(action__startswith=data["action"])
        if data["date_from"]:
            entries = entries.filter(created_at__gte=_day_start(data["date_from"]))
        if data["date_to"]:
            entries = entries.filter(
                created_at__lt=_day_start(data["date_to"] + dt.timedelta(days=1))
            )
        return entries


def _day_start(day: dt.date) -> dt.datetime:
    # Dates are picked in Asia/Shanghai; entries are stored in UTC.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEntry]]:
    entries = audit.entries_for(request.user)
    form = AuditFilterForm(request.GET or None, user=request.user, entries=entries)
    if request.GET:
        entries = form.apply(entries)
    return form, entries.order_by("-id")


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _latest_verification(user: Any) -> dict[str, Any] | None:
    """The last chain verification (a background job), for platform admins."""
    if not user.is_superuser:
        return None
    job = Job.objects.filter(kind=AUDIT_VERIFY_JOB).order_by("-created_at", "-id").first()
    try:
        start_url = reverse("console:job_audit_verify")
    except NoReverseMatch:  # the job pages are not installed
        start_url = ""
    return {"job": job, "result": (job.result or {}) if job else {}, "start_url": start_url}


@_audit_page
def audit_list(request: HttpRequest) -> HttpResponse:
    form, entries = _filtered(request)
    export = request.GET.get("export", "")
    if export in excel.FORMATS:
        return _export(entries, export)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "console/audit/list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without(request, "page", "export"),
            "verification": _latest_verification(request.user),
        },
    )


@_audit_page
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Another organization's entry is "not found": its existence is not told.
    entry = audit.entries_for(request.user).filter(pk=pk).first()
    if entry is None:
        raise Http404
    changes = [
        {"field": field, "before": _show(values, 0), "after": _show(values, 1)}
        for field, values in sorted(entry.changes.items())
    ]
    return render(request, "console/audit/detail.html", {"entry": entry, "changes": changes})


def _show(values: Any, index: int) -> str:
    if not isinstance(values, list) or len(values) != 2:
        return json.dumps(values, ensure_ascii=False) if index else ""
    value = values[index]
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


EXPORT_HEADERS = [
    _("ID"),
    _("Time"),
    _("Actor"),
    _("Organization"),
    _("Action"),
    _("Object type"),
    _("Object ID"),
    _("Object"),
    _("Changes"),
    _("IP address"),
    _("Request ID"),
    _("Hash"),
]


def _export(entries: QuerySet[AuditEntry], fmt: str) -> HttpResponse:
    def rows() -> Iterator[list[Any]]:
        for entry in entries[:EXPORT_LIMIT].iterator(chunk_size=2000):
            yield [
                entry.pk,
                entry.created_at,
                entry.actor_label,
                entry.org.name if entry.org else "",
                entry.action,
                entry.object_type,
                entry.object_id,
                entry.object_repr,
                json.dumps(entry.changes, ensure_ascii=False, sort_keys=True),
                entry.ip or "",
                entry.request_id,
                entry.entry_hash,
            ]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return excel.export_response(f"audit-log-{stamp}", EXPORT_HEADERS, rows(), fmt)
