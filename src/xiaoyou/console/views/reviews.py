"""Console to-do list (待办事项): pending reviews by type and organization, decisions, bulk."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from xiaoyou.core import reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import ReviewItem
from xiaoyou.organizations.models import Organization
from xiaoyou.organizations.selectors import administered_organizations, role_paths

PAGE_SIZE = 30
BULK_LIMIT = 200


def may_see_reviews(user: Any) -> bool:
    """Staff who administer some organization, and platform admins (superusers)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return bool(user.is_superuser or (user.is_staff and role_paths(user, "admin")))


def _reviews_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_see_reviews(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Please give a reason for the rejection."))
        return data

    @property
    def approved(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


def _selected_org(request: HttpRequest) -> Organization | None:
    raw = request.GET.get("org") or request.POST.get("org") or ""
    if not raw.isdigit():
        return None
    return administered_organizations(request.user).filter(pk=int(raw)).first()


def _pending_item(request: HttpRequest, pk: int) -> ReviewItem:
    # Another organization's item is "not found": its existence is not told.
    item = reviews.pending_for(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return _list_url()


def _list_url(kind: str = "", org: Organization | None = None) -> str:
    url = reverse("console:reviews")
    query = "&".join(
        part for part in (f"kind={kind}" if kind else "", f"org={org.pk}" if org else "") if part
    )
    return f"{url}?{query}" if query else url


@_reviews_page
def review_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    known = {item.kind for item in reviews.kinds()}
    if kind not in known:
        kind = ""
    org = _selected_org(request)
    counts = reviews.pending_counts_by_kind(request.user, org=org)
    tabs = [
        {"kind": item.kind, "label": item.label, "count": counts.get(item.kind, 0)}
        for item in reviews.kinds()
    ]
    page = Paginator(
        reviews.pending_for(request.user, kind=kind or None, org=org), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "console/reviews/list.html",
        {
            "page": page,
            "rows": [_row(item) for item in page.object_list],
            "tabs": tabs,
            "total": sum(counts.values()),
            "kind": kind,
            "org": org,
            "orgs": administered_organizations(request.user).order_by("path"),
        },
    )


def _row(item: ReviewItem, *, form: DecisionForm | None = None) -> dict[str, Any]:
    return {"item": item, "label": reviews.label_for(item.kind), "form": form}


@_reviews_page
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = reviews.decidable(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return render(
        request,
        "console/reviews/detail.html",
        {
            "item": item,
            "label": reviews.label_for(item.kind),
            "details": reviews.details_for(item),
            "form": DecisionForm(initial={"decision": "reject"}),
        },
    )


@require_POST
@_reviews_page
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """One decision. htmx gets the row back (decided, or with the inline error)."""
    item = _pending_item(request, pk)
    form = DecisionForm(request.POST)
    is_htmx = bool(getattr(request, "htmx", False))
    error = ""
    if form.is_valid():
        try:
            reviews.review_decide(
                item=item,
                actor=request.user,
                approved=form.approved,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            error = exc.text()
        else:
            if is_htmx:
                return render(request, "console/reviews/_row.html", {"row": _row(item)})
            if form.approved:
                messages.success(request, gettext("Approved: %(item)s") % {"item": item.summary})
            else:
                messages.success(request, gettext("Rejected: %(item)s") % {"item": item.summary})
            return redirect(_next_url(request))
    if error:
        form.add_error(None, error)
    if is_htmx:
        # 200 so that htmx swaps the row with its inline error in place.
        return render(request, "console/reviews/_row.html", {"row": _row(item, form=form)})
    return render(
        request,
        "console/reviews/detail.html",
        {
            "item": item,
            "label": reviews.label_for(item.kind),
            "details": reviews.details_for(item),
            "form": form,
        },
        status=400,
    )


@require_POST
@_reviews_page
def review_bulk(request: HttpRequest) -> HttpResponse:
    """Bulk approve/reject: the first post shows a confirmation, the confirmed post decides."""
    ids = [int(raw) for raw in request.POST.getlist("ids") if raw.isdigit()][:BULK_LIMIT]
    items = list(reviews.pending_for(request.user).filter(pk__in=ids))
    form = DecisionForm(request.POST)
    back = _next_url(request)
    if not items:
        messages.error(request, gettext("Select at least one pending item."))
        return redirect(back)
    if request.POST.get("confirmed") == "1" and form.is_valid():
        result = reviews.review_decide_bulk(
            items=items,
            actor=request.user,
            approved=form.approved,
            reason=form.cleaned_data["reason"],
        )
        if result.decided:
            messages.success(
                request,
                gettext("%(count)d items decided.") % {"count": len(result.decided)},
            )
        for item, error in result.failed:
            messages.error(request, f"{item.summary}: {error}")
        return redirect(back)
    decision = "reject" if request.POST.get("decision") == "reject" else "approve"
    if request.POST.get("confirmed") != "1":
        # First step: nothing is validated yet, the reason is asked on the confirmation page.
        form = DecisionForm(
            initial={"decision": decision, "reason": request.POST.get("reason", "")}
        )
    return render(
        request,
        "console/reviews/confirm_bulk.html",
        {
            "rows": [_row(item) for item in items],
            "form": form,
            "decision": decision,
            "next": back,
        },
        status=200 if request.POST.get("confirmed") != "1" else 400,
    )
