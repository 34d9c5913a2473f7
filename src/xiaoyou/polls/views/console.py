"""Console: the poll list (投票管理) of the current organization and below, create and edit a
poll with its options (发起投票), and the admin actions (publish, pause, resume, close, show,
hide, delete) through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.console.context import current_org, in_current_org, org_choices
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import Column, DataTable, Filter
from xiaoyou.polls.forms import (
    OptionFormSet,
    PollForm,
    options_initial,
    poll_initial,
)
from xiaoyou.polls.models import Poll, PollStatus
from xiaoyou.polls.selectors import poll_options, polls_managed

ACTIONS = ("publish", "pause", "resume", "close", "show", "hide", "delete")


def managed_poll(request: HttpRequest, pk: int) -> Poll:
    """One poll the user manages (404 otherwise: no hint that it exists)."""
    poll = polls_managed(request.user).filter(pk=pk).first()
    if poll is None:
        raise Http404
    return poll


def poll_list(request: HttpRequest) -> HttpResponse:
    """投票管理: one query for the page whatever its length (organization joined)."""

    def edit_url(poll: Poll) -> str:
        return reverse("console:poll_edit", args=[poll.pk])

    def row_actions(poll: Poll) -> list[tuple[Any, str]]:
        return [
            (_("Statistics"), reverse("console:poll_statistics", args=[poll.pk])),
            (_("Canvassing"), reverse("console:poll_links", args=[poll.pk])),
        ]

    table = DataTable(
        request,
        in_current_org(polls_managed(request.user), request),
        columns=[
            Column("title", gettext_lazy("Title"), link=edit_url, sort="title"),
            Column("org__name", gettext_lazy("Organizer")),
            Column("ends_at", gettext_lazy("Voting closes"), sort="ends_at"),
            Column("vote_count", gettext_lazy("Votes"), sort="vote_count", align="num"),
            Column(
                "is_visible",
                gettext_lazy("Shown"),
                accessor=lambda poll: _("Shown") if poll.is_visible else _("Hidden"),
            ),
            Column("status", gettext_lazy("Status"), badge=True),
        ],
        filters=[
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=PollStatus.choices,
            ),
        ],
        search_fields=["title"],
        default_sort="-created_at",
        empty_title=gettext_lazy("No polls yet"),
        empty_text=gettext_lazy("Create a poll and share it to alumni groups."),
        row_actions=row_actions,
    )
    return render(request, "polls/console/poll_list.html", {"table": table})


def poll_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


def poll_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, managed_poll(request, pk))


def _edit(request: HttpRequest, poll: Poll | None) -> HttpResponse:
    from xiaoyou.polls.services.polls import poll_create as create
    from xiaoyou.polls.services.polls import poll_update

    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    options = poll_options(poll) if poll is not None else []
    if poll is None:
        org = current_org(request)
        initial: dict[str, Any] = {"org": getattr(org, "pk", "")}
        rows: list[dict[str, Any]] = [{}, {}]
    else:
        initial, rows = poll_initial(poll), options_initial(options)
    form = PollForm(data, files, initial=initial, orgs=org_choices(request))
    if poll is not None:
        form.fields["org"].disabled = True
    formset = OptionFormSet(data, files, initial=rows, prefix="options")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            if poll is None:
                poll = create(
                    actor=request.user,
                    org=form.cleaned_data["org"],
                    options=formset.options(),
                    **form.poll_fields(),
                )
            else:
                poll_update(
                    actor=request.user,
                    poll=poll,
                    options=formset.options(),
                    **form.poll_fields(),
                )
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Saved."))
            return redirect("console:poll_edit", pk=poll.pk)
    return render(
        request,
        "polls/console/poll_form.html",
        {"poll": poll, "form": form, "formset": formset, "options": options},
    )


@require_POST
def poll_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Publish, pause, resume, close, show, hide or delete one poll."""
    from xiaoyou.polls.services import polls as services

    poll = managed_poll(request, pk)
    if action not in ACTIONS:
        raise Http404
    try:
        if action in ("show", "hide"):
            services.poll_set_visible(actor=request.user, poll=poll, is_visible=action == "show")
        elif action == "delete":
            services.poll_delete(actor=request.user, poll=poll)
        else:
            services.poll_transition(actor=request.user, poll=poll, action=action)
    except ApplicationError as error:
        messages.error(request, error.text())
        return redirect("console:poll_edit", pk=poll.pk)
    done = {
        "publish": _("The poll is published."),
        "pause": _("Voting is paused."),
        "resume": _("Voting is open again."),
        "close": _("The poll is closed."),
        "show": _("The poll is shown in the hall."),
        "hide": _("The poll is hidden from the hall."),
        "delete": _("The poll is deleted."),
    }[action]
    messages.success(request, done)
    if action == "delete":
        return redirect("console:polls")
    return redirect("console:poll_edit", pk=poll.pk)
