"""Hall: the poll list (投票), a poll's page (vote form, results under the poll's visibility
rule, share card and QR code, canvassing, comments), voting, the live results fragment, the
canvassing links (拉票) and comments. Mobile first."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xiaoyou.core import context, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.richtext import sanitize
from xiaoyou.polls import selectors
from xiaoyou.polls.forms import CommentForm
from xiaoyou.polls.models import CanvassLink, Poll, PollOption, PollStatus, Vote

PAGE_SIZE = 12
DEVICE_COOKIE = "xy_device"
DEVICE_COOKIE_AGE = 2 * 365 * 86_400
# The canvassing link a visitor arrived through, per poll, kept until they vote.
VIA_SESSION_KEY = "polls_via"


def _with_voted(queryset: QuerySet[Poll], user: Any) -> QuerySet[Poll]:
    if not getattr(user, "is_authenticated", False):
        return queryset
    return queryset.annotate(has_voted=Exists(Vote.objects.filter(poll=OuterRef("pk"), user=user)))


def poll_list(request: HttpRequest) -> HttpResponse:
    """投票: open polls first, then the others; search by title. One query for the page (the
    organization and the visitor's "voted" flag joined) plus the count."""
    queryset = selectors.polls_in_hall()
    text = request.GET.get("q", "").strip()[:100]
    if text:
        queryset = queryset.filter(title__icontains=text)
    page = Paginator(_with_voted(queryset, request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for poll in page.object_list:
        poll.is_open = selectors.is_open(poll)  # type: ignore[attr-defined]
    return render(request, "polls/hall/poll_list.html", {"page": page, "q": text})


def visible_poll(request: HttpRequest, pk: int) -> Poll:
    poll = Poll.objects.select_related("org").filter(pk=pk).first()
    if poll is None or not policy.can(request.user, "view", poll):
        raise Http404
    return poll


def _via(request: HttpRequest, poll: Poll) -> str:
    return str(request.session.get(VIA_SESSION_KEY, {}).get(str(poll.pk), ""))


def _device_id(request: HttpRequest) -> str:
    return request.COOKIES.get(DEVICE_COOKIE, "")[:64]


def _ensure_device_cookie(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if not request.COOKIES.get(DEVICE_COOKIE):
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(24),
            max_age=DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
        )
    return response


def _results_context(request: HttpRequest, poll: Poll, vote: Vote | None) -> dict[str, Any]:
    visible = selectors.results_visible(request.user, poll, has_voted=vote is not None)
    return {
        "poll": poll,
        "show_results": visible,
        "results": selectors.results(poll) if visible else [],
        "chosen": {choice.option_id for choice in vote.choices.all()} if vote else set(),
        "is_open": selectors.is_open(poll),
    }


def poll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.organizations import sharing

    poll = visible_poll(request, pk)
    options = selectors.poll_options(poll)
    vote = selectors.vote_of(request.user, poll)
    highlighted = request.GET.get("option", "")
    url = reverse("hall:poll", args=[poll.pk])
    card = sharing.share_card(
        request,
        title=poll.title,
        description=poll.description,
        image=poll.cover.url if poll.cover else "",
        url=url,
    )
    comments = list(selectors.comments_for(request.user, poll)[:50])
    response = render(
        request,
        "polls/hall/poll_detail.html",
        {
            **_results_context(request, poll, vote),
            "options": options,
            "vote": vote,
            "may_vote": policy.can(request.user, "vote", poll),
            "highlighted": int(highlighted) if highlighted.isdigit() else None,
            "via": _via(request, poll),
            "share_card": card,
            "share_url": request.build_absolute_uri(url),
            "description_html": mark_safe(sanitize(poll.description)),  # noqa: S308
            "comments": comments,
            "comment_form": CommentForm(),
            "may_comment": policy.can(request.user, "comment", poll),
        },
    )
    return _ensure_device_cookie(request, response)


@require_GET
def poll_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The results block alone (htmx polls it every few seconds while voting is open)."""
    poll = visible_poll(request, pk)
    vote = selectors.vote_of(request.user, poll)
    return render(request, "polls/hall/_results.html", _results_context(request, poll, vote))


@require_POST
def poll_vote(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.polls.services.voting import Origin, vote_cast

    poll = visible_poll(request, pk)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={reverse('hall:poll', args=[poll.pk])}")
    ids = [int(value) for value in request.POST.getlist("options") if value.isdigit()]
    origin = Origin(
        ip=context.current().ip or request.META.get("REMOTE_ADDR", "") or "",
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        device_id=_device_id(request),
    )
    try:
        vote_cast(
            actor=request.user,
            poll=poll,
            option_ids=ids,
            link_token=request.POST.get("via", "") or _via(request, poll),
            origin=origin,
        )
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Thank you, your vote is counted."))
        via = request.session.get(VIA_SESSION_KEY, {})
        if str(poll.pk) in via:
            via.pop(str(poll.pk))
            request.session[VIA_SESSION_KEY] = via
    return redirect(reverse("hall:poll", args=[poll.pk]) + "#poll-results")


@require_GET
def poll_canvass(request: HttpRequest, token: str) -> HttpResponse:
    """A canvassing link (拉票): remembers the link for the vote, opens the poll at its option."""
    link = CanvassLink.objects.select_related("poll").filter(token=token[:16]).first()
    if link is None or not policy.can(request.user, "view", link.poll):
        raise Http404
    via = dict(request.session.get(VIA_SESSION_KEY, {}))
    via[str(link.poll_id)] = link.token
    request.session[VIA_SESSION_KEY] = via
    target = reverse("hall:poll", args=[link.poll_id])
    return redirect(f"{target}?option={link.option_id}#option-{link.option_id}")


def poll_share(request: HttpRequest, pk: int, option_pk: int) -> HttpResponse:
    """拉票 for one option: the visitor's own link (signed in) or the organizer's, with a QR
    code to show and the text to copy into a WeChat group."""
    from xiaoyou.organizations import sharing
    from xiaoyou.polls.services.voting import canvass_link_share

    poll = visible_poll(request, pk)
    option = PollOption.objects.filter(pk=option_pk, poll=poll).select_related("poll").first()
    if option is None:
        raise Http404
    link: CanvassLink | None
    if request.user.is_authenticated:
        try:
            link = canvass_link_share(actor=request.user, option=option)
        except ApplicationError as error:
            messages.error(request, error.text())
            return redirect("hall:poll", pk=poll.pk)
    else:
        link = CanvassLink.objects.filter(option=option, sharer__isnull=True).first()
    if link is None:
        raise Http404
    url = request.build_absolute_uri(reverse("hall:poll_canvass", args=[link.token]))
    card = sharing.share_card(
        request,
        title=_("Vote for %(option)s: %(poll)s") % {"option": option.label, "poll": poll.title},
        description=option.description or poll.description,
        image=option.image.url if option.image else (poll.cover.url if poll.cover else ""),
        url=reverse("hall:poll_canvass", args=[link.token]),
    )
    return render(
        request,
        "polls/hall/share.html",
        {"poll": poll, "option": option, "link": link, "url": url, "share_card": card},
    )


@require_POST
def poll_comment(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.community.models.common import ModerationStatus
    from xiaoyou.polls.services.comments import comment_post

    poll = visible_poll(request, pk)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={reverse('hall:poll', args=[poll.pk])}")
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write a comment of at most 500 characters."))
        return redirect(reverse("hall:poll", args=[poll.pk]) + "#poll-comments")
    try:
        comment = comment_post(actor=request.user, poll=poll, body=form.cleaned_data["body"])
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        if comment.status == ModerationStatus.PENDING:
            messages.success(request, _("Thank you: your comment appears once it is reviewed."))
        else:
            messages.success(request, _("Your comment is published."))
    return redirect(reverse("hall:poll", args=[poll.pk]) + "#poll-comments")


# --- Registry entries (polls/ui_setup.py) ---------------------------------------------------

HOME_SECTION_SIZE = 3


def home_section(request: HttpRequest) -> str:
    """首页 → 投票: polls open for voting now, newest first, in one query ('' when none). The
    same for every visitor, so the hall caches it (topic polls.list, rebuilt on changes)."""
    from django.template.loader import render_to_string
    from django.utils import timezone

    now = timezone.now()
    polls = list(
        selectors.polls_in_hall().filter(
            status=PollStatus.PUBLISHED, starts_at__lte=now, ends_at__gt=now
        )[:HOME_SECTION_SIZE]
    )
    if not polls:
        return ""
    return render_to_string("polls/hall/_home_section.html", {"polls": polls}, request=request)
