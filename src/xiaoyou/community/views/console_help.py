"""Console: mutual-help posts of the current organization and below — list with filters
(status, type, category, reported), a post with its replies and reports, moderation."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.community import selectors
from xiaoyou.community.models import HelpCategory, HelpKind, HelpPost, HelpReply, ModerationStatus
from xiaoyou.community.services import help as services
from xiaoyou.console.context import current_org, in_current_org
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import Column, DataTable, Filter

REPORTED_CHOICES = [("1", gettext_lazy("Reported")), ("0", gettext_lazy("Not reported"))]


def _reported(queryset, value):  # type: ignore[no-untyped-def]
    if value == "1":
        return queryset.filter(report_count__gt=0)
    if value == "0":
        return queryset.filter(report_count=0)
    return queryset


def help_table(request: HttpRequest) -> DataTable:
    def detail_url(post: HelpPost) -> str:
        return reverse("console:community_help_post", args=[post.pk])

    return DataTable(
        request,
        in_current_org(selectors.help_console(request.user), request),
        columns=[
            Column("created_at", gettext_lazy("Posted"), sort="created_at"),
            Column("title", gettext_lazy("Title"), link=detail_url),
            Column("kind", gettext_lazy("Type"), accessor=lambda p: p.get_kind_display()),
            Column(
                "category", gettext_lazy("Category"), accessor=lambda p: p.get_category_display()
            ),
            Column("city", gettext_lazy("City")),
            Column("author", gettext_lazy("Author"), accessor=lambda p: str(p.author)),
            Column(
                "status",
                gettext_lazy("Status"),
                accessor=lambda p: p.get_status_display(),
                badge=True,
            ),
            Column("report_count", gettext_lazy("Reports"), sort="report_count", align="num"),
        ],
        filters=[
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=[c for c in ModerationStatus.choices if c[0] != ModerationStatus.DELETED],
            ),
            Filter(
                "kind", gettext_lazy("Type"), kind="select", lookup="kind", choices=HelpKind.choices
            ),
            Filter(
                "category",
                gettext_lazy("Category"),
                kind="select",
                lookup="category",
                choices=HelpCategory.choices,
            ),
            Filter(
                "reported",
                gettext_lazy("Reports"),
                kind="select",
                lookup=_reported,
                choices=REPORTED_CHOICES,
            ),
        ],
        search_fields=["title", "body", "city"],
        search_placeholder=gettext_lazy("Title, text or city"),
        default_sort="-created_at",
        empty_title=gettext_lazy("No mutual-help posts yet"),
        empty_text=gettext_lazy("Requests and offers alumni post show here."),
    )


def help_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "community/console/help_list.html",
        {"table": help_table(request), "org": current_org(request)},
    )


def _get(request: HttpRequest, pk: int) -> HelpPost:
    post = selectors.help_console_detail(request.user, pk)
    if post is None:
        raise Http404
    return post


def help_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = _get(request, pk)
    return render(
        request,
        "community/console/help_detail.html",
        {
            "post": post,
            "replies": list(selectors.help_replies(post, include_hidden=True)),
            "reports": post.report_list,  # type: ignore[attr-defined]
        },
    )


@require_POST
def help_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    post = _get(request, pk)
    try:
        services.help_post_moderate(
            actor=request.user, post=post, action=request.POST.get("action", "")
        )
    except ApplicationError as error:
        messages.error(request, error.text())
        return redirect("console:community_help_post", pk=post.pk)
    messages.success(request, _("Saved."))
    if request.POST.get("action") == "delete":
        return redirect("console:community_help")
    return redirect("console:community_help_post", pk=post.pk)


@require_POST
def help_reply_hide(request: HttpRequest, pk: int) -> HttpResponse:
    reply = HelpReply.objects.filter(
        pk=pk, post__in=selectors.help_console(request.user).values("pk")
    ).first()
    if reply is None:
        raise Http404
    services.help_reply_set_hidden(
        actor=request.user, reply=reply, hidden=request.POST.get("hidden", "1") == "1"
    )
    messages.success(request, _("Saved."))
    return redirect("console:community_help_post", pk=reply.post_id)
