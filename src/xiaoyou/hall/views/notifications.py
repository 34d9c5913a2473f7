"""Hall pages of the user's notifications: the inbox and the channel preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from xiaoyou.core import notifications

PAGE_SIZE = 20


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    show = "unread" if request.GET.get("show") == "unread" else "all"
    items = notifications.inbox_for(request.user)
    if show == "unread":
        items = items.filter(read_at__isnull=True)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "hall/notifications/inbox.html",
        {"page": page, "show": show, "unread": notifications.unread_count(request.user)},
    )


@require_POST
@login_required
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the user's own notifications are found; another's is "not found".
    notification = notifications.inbox_for(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    notifications.notification_mark_read(actor=request.user, notification=notification)
    if getattr(request, "htmx", False):
        return render(request, "hall/notifications/_item.html", {"item": notification})
    if request.POST.get("open") == "1" and notification.url.startswith("/"):
        return redirect(notification.url)
    return redirect("hall:notifications")


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notifications.notification_mark_all_read(actor=request.user)
    messages.success(request, gettext("%(count)d notifications marked read.") % {"count": count})
    return redirect("hall:notifications")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """A checkbox per kind and channel; a checkbox left out of the post means "off"."""
    rows = notifications.preference_rows(request.user)
    if request.method == "POST":
        choices = {
            (row.kind.kind, cell.channel): f"{row.kind.kind}:{cell.channel}" in request.POST
            for row in rows
            for cell in row.cells
            if cell.is_available
        }
        notifications.notification_preferences_update(
            actor=request.user, user=request.user, choices=choices
        )
        messages.success(request, gettext("Your notification settings were saved."))
        return redirect("hall:notification_preferences")
    return render(request, "hall/notifications/preferences.html", {"rows": rows})


def center_entry(request: HttpRequest) -> str:
    """The personal-center (我的) entry: a link to the inbox with the unread count."""
    if not request.user.is_authenticated:
        return ""
    return render_to_string(
        "hall/notifications/_center_entry.html",
        {"unread": notifications.unread_count(request.user)},
        request=request,
    )
