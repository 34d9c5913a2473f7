"""What the polls app registers in the shells: the console sidebar entries, the hall menu
entry (投票) and the person's votes and comments in "download my data" (PIPL)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def my_votes(user: Any) -> list[dict[str, Any]]:
    """The person's votes (poll, options chosen, time); the hashes stay out: they identify no
    one and mean nothing outside the database."""
    from xiaoyou.polls.models import Vote

    votes = (
        Vote.objects.filter(user=user)
        .select_related("poll")
        .prefetch_related("options")
        .order_by("created_at", "id")
    )
    return [
        {
            "poll": vote.poll.title,
            "options": [option.label for option in vote.options.all()],
            "voted_at": timezone.localtime(vote.created_at).isoformat(),
        }
        for vote in votes
    ]


def my_comments(user: Any) -> list[dict[str, Any]]:
    from xiaoyou.polls.models import PollComment

    comments = (
        PollComment.objects.filter(author=user).select_related("poll").order_by("created_at", "id")
    )
    return [
        {
            "poll": comment.poll.title,
            "comment": comment.body,
            "status": comment.status,
            "created_at": timezone.localtime(comment.created_at).isoformat(),
        }
        for comment in comments
    ]


def register() -> None:
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import (
        PersonalDataExporter,
        QuickEntry,
        Section,
        console_nav_section,
        hall_home_sections,
        hall_menu,
        personal_data_exporters,
    )
    from xiaoyou.polls.services.polls import LIST_TOPIC
    from xiaoyou.polls.views import hall

    console_nav_section(
        _("Polls"),
        [
            ("polls", _("Polls"), "console:polls", "vote", 450),
            ("poll_create", _("New poll"), "console:poll_create", "plus", 451),
        ],
        permission=is_console_user,
    )
    hall_menu.add(
        QuickEntry(key="polls", label=_("Polls"), url_name="hall:polls", icon="vote", order=75)
    )
    hall_home_sections.add(
        Section(
            key="polls_open",
            label=_("Polls"),
            render=hall.home_section,
            order=75,
            cache_seconds=300,
            cache_topics=(LIST_TOPIC,),
        )
    )
    personal_data_exporters.add(
        PersonalDataExporter(key="poll_votes", label=_("My votes"), export=my_votes, order=200)
    )
    personal_data_exporters.add(
        PersonalDataExporter(
            key="poll_comments", label=_("My poll comments"), export=my_comments, order=201
        )
    )
