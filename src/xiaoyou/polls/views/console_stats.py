"""Console pages of one poll beyond its form: canvassing links with their votes (拉票), the
statistics (数据统计: live results, votes over time, by voter attributes, by link, suspicious
votes) with the Excel export, and the comments' moderation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.excel import export_response
from xiaoyou.polls import selectors
from xiaoyou.polls.models import PollComment
from xiaoyou.polls.selectors import PollStatistics
from xiaoyou.polls.views.console import managed_poll


def flag_label(reason: str) -> str:
    if reason == "ip":
        return _("Same IP address, several accounts")
    if reason == "device":
        return _("Same browser, several accounts")
    return reason


def canvass_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("hall:poll_canvass", args=[token]))


@require_GET
def poll_links(request: HttpRequest, pk: int) -> HttpResponse:
    """拉票: each option's link (with its QR code) and every link alumni shared, with votes."""
    poll = managed_poll(request, pk)
    links = list(selectors.canvass_links(poll))
    for link in links:
        link.url = canvass_url(request, link.token)  # type: ignore[attr-defined]
    official = [link for link in links if link.sharer_id is None]
    shared = [link for link in links if link.sharer_id is not None]
    return render(
        request,
        "polls/console/links.html",
        {
            "poll": poll,
            "official": sorted(official, key=lambda link: (link.option.position, link.pk)),
            "shared": shared,
            "poll_url": request.build_absolute_uri(reverse("hall:poll", args=[poll.pk])),
        },
    )


def _charts(poll: Any, stats: PollStatistics) -> dict[str, Any]:
    return {
        "options": {
            "title": _("Votes per option"),
            "labels": [label for label, _n in stats.by_option],
            "values": [count for _label, count in stats.by_option],
            "name": _("Votes"),
        },
        "hours": {
            "title": _("Votes over time"),
            "labels": [label for label, _n in stats.by_hour],
            "values": [count for _label, count in stats.by_hour],
            "name": _("Votes"),
        },
        "verified": {
            "title": _("Verified alumni"),
            "labels": [str(_("Verified alumni")), str(_("Not verified"))],
            "values": [stats.verified, stats.total - stats.verified],
        },
        "years": {
            "title": _("By class year"),
            "labels": [label for label, _n in stats.by_class_year],
            "values": [count for _label, count in stats.by_class_year],
            "name": _("Votes"),
        },
    }


@require_GET
def poll_statistics(request: HttpRequest, pk: int) -> HttpResponse:
    poll = managed_poll(request, pk)
    stats = selectors.poll_statistics(poll)
    return render(
        request,
        "polls/console/statistics.html",
        {
            "poll": poll,
            "stats": stats,
            "charts": _charts(poll, stats),
            "results": selectors.results(poll),
            "flagged": [
                (vote, flag_label(vote.flag_reason)) for vote in selectors.flagged_votes(poll)[:100]
            ],
        },
    )


@require_GET
def poll_results_json(request: HttpRequest, pk: int) -> JsonResponse:
    """Live results for the console's page (polled every few seconds): two queries."""
    poll = managed_poll(request, pk)
    return JsonResponse(
        {
            "total": poll.vote_count,
            "status": poll.status,
            "options": [
                {"id": item.option.pk, "label": item.option.label, "votes": item.votes}
                for item in selectors.results(poll)
            ],
            "at": timezone.now().isoformat(),
        }
    )


def statistics_rows(stats: PollStatistics) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [_("Totals"), _("Votes"), stats.total],
        [_("Totals"), _("Verified alumni"), stats.verified],
        [_("Totals"), _("Through canvassing links"), stats.through_links],
        [_("Totals"), _("Suspicious"), stats.flagged],
    ]
    rows += [[_("Votes per option"), label, count] for label, count in stats.by_option]
    rows += [[_("Votes per day"), day, count] for day, count in stats.by_day]
    rows += [[_("By class year"), year, count] for year, count in stats.by_class_year]
    rows += [[_("By department"), name, count] for name, count in stats.by_department]
    rows += [[_("By canvassing link"), label, count] for label, count in stats.by_link]
    return rows


@require_GET
def poll_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The statistics as an Excel file (the export right of the poll's organization)."""
    poll = managed_poll(request, pk)
    policy.require(request.user, "export", poll)
    stats = selectors.poll_statistics(poll)
    return export_response(
        f"{poll.title}-{_('statistics')}",
        [_("Figure"), _("Item"), _("Value")],
        statistics_rows(stats),
        "xlsx",
    )


@require_GET
def poll_votes_export(request: HttpRequest, pk: int) -> HttpResponse:
    """投票记录: every vote (time, voter, alumni attributes, options, link, suspicion) as an
    Excel file. The IP address and browser are kept only as keyed hashes, so they are not in
    it."""
    poll = managed_poll(request, pk)
    policy.require(request.user, "export", poll)
    rows = [
        [
            vote.created_at,
            str(vote.user),
            _("Yes") if vote.is_verified else _("No"),
            vote.class_year or "",
            vote.department,
            ", ".join(option.label for option in vote.options.all()),
            vote.canvass_link.token if vote.canvass_link else "",
            str(vote.canvass_link.sharer or "") if vote.canvass_link else "",
            flag_label(vote.flag_reason) if vote.is_flagged else "",
        ]
        for vote in selectors.vote_records(poll)
    ]
    return export_response(
        f"{poll.title}-{_('votes')}",
        [
            _("Time"),
            _("Voter"),
            _("Verified alumni"),
            _("Class year"),
            _("Department"),
            _("Options"),
            _("Canvassing link"),
            _("Shared by"),
            _("Suspicious"),
        ],
        rows,
        "xlsx",
    )


@require_GET
def poll_comments(request: HttpRequest, pk: int) -> HttpResponse:
    poll = managed_poll(request, pk)
    status = request.GET.get("status", "")
    if status not in ModerationStatus.values:
        status = ""
    return render(
        request,
        "polls/console/comments.html",
        {
            "poll": poll,
            "comments": list(selectors.comments_to_moderate(poll, status)[:200]),
            "status": status,
            "statuses": [choice for choice in ModerationStatus.choices if choice[0] != "deleted"],
        },
    )


@require_POST
def poll_comment_moderate(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    from xiaoyou.polls.services.comments import comment_moderate

    poll = managed_poll(request, pk)
    comment = PollComment.objects.filter(pk=comment_pk, poll=poll).first()
    if comment is None:
        return redirect("console:poll_comments", pk=poll.pk)
    try:
        comment_moderate(actor=request.user, comment=comment, action=request.POST.get("action", ""))
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Done."))
    return redirect(
        reverse("console:poll_comments", args=[poll.pk])
        + "?status="
        + request.POST.get("status", "")
    )
