"""API of the community: the message board (留言/咨询) and mutual help (互助).

Reading follows the hall's rules (published public posts for everyone signed in; private
questions and posts under review for their author and the moderators); writes go through the
same services, so moderation, verification and rate limits apply alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from xiaoyou.api.pagination import PageNumber
from xiaoyou.community import selectors
from xiaoyou.community.models import (
    BoardMessage,
    BoardReply,
    BoardVisibility,
    ContactPreference,
    HelpCategory,
    HelpKind,
    HelpPost,
    HelpReply,
)
from xiaoyou.community.services import board as board_services
from xiaoyou.community.services import help as help_services
from xiaoyou.organizations.models import Organization
from xiaoyou.organizations.selectors_membership import hall_organization

router = Router(tags=["community"])


class MessageIn(Schema):
    org_id: int
    title: str = Field(..., max_length=100)
    body: str = Field(..., max_length=2000)
    visibility: BoardVisibility = BoardVisibility.PUBLIC


class MessageOut(Schema):
    id: int
    org_id: int
    org_name: str
    author_name: str
    visibility: str
    title: str
    body: str
    status: str
    is_pinned: bool
    reply_count: int
    is_answered: bool
    created_at: datetime

    @staticmethod
    def resolve_org_name(obj: Any) -> str:
        return obj.org.name

    @staticmethod
    def resolve_author_name(obj: Any) -> str:
        return str(obj.author)

    @staticmethod
    def resolve_is_answered(obj: Any) -> bool:
        return obj.answered_at is not None


class ReplyIn(Schema):
    body: str = Field(..., max_length=1000)


class ReplyOut(Schema):
    id: int
    author_name: str
    body: str
    is_official: bool = False
    created_at: datetime

    @staticmethod
    def resolve_author_name(obj: Any) -> str:
        return str(obj.author)


class MessageThreadOut(MessageOut):
    replies: list[ReplyOut]

    @staticmethod
    def resolve_replies(obj: Any) -> list[Any]:
        return list(selectors.board_replies(obj))


class HelpIn(Schema):
    kind: HelpKind
    category: HelpCategory
    title: str = Field(..., max_length=100)
    body: str = Field(..., max_length=2000)
    city: str = Field("", max_length=60)
    contact_preference: ContactPreference = ContactPreference.REPLY_ONLY
    contact: str = Field("", max_length=100)


class HelpOut(Schema):
    id: int
    kind: str
    category: str
    city: str
    title: str
    body: str
    author_name: str
    status: str
    is_solved: bool
    reply_count: int
    created_at: datetime

    @staticmethod
    def resolve_author_name(obj: Any) -> str:
        return str(obj.author)


class HelpDetailOut(HelpOut):
    contact: str
    replies: list[ReplyOut]

    @staticmethod
    def resolve_contact(obj: Any) -> str:
        # Set by the view: the contact only when the reader may see it.
        return getattr(obj, "visible_contact", "")

    @staticmethod
    def resolve_replies(obj: Any) -> list[Any]:
        return list(selectors.help_replies(obj))


class ReportIn(Schema):
    post_id: int
    reason: str = Field(..., max_length=300)


class ReportOut(Schema):
    id: int
    post_id: int
    status: str


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _message(request: HttpRequest, message_id: int) -> BoardMessage:
    message = selectors.board_message_for(_user(request), message_id)
    if message is None:
        raise Http404
    return message


def _post(request: HttpRequest, post_id: int) -> HelpPost:
    post = selectors.help_post_for(_user(request), post_id)
    if post is None:
        raise Http404
    return post


# --- Message board ------------------------------------------------------------------------------


@router.get(
    "/community/board/messages",
    response=list[MessageOut],
    summary="Published public board messages (of one organization with org_id)",
)
@paginate(PageNumber)
def board_messages(request: HttpRequest, org_id: int | None = None) -> Any:
    org = None
    if org_id is not None:
        org = hall_organization(_user(request), org_id)
        if org is None:
            raise Http404
    return selectors.board_public(org)


@router.post(
    "/community/board/messages", response={201: MessageOut}, summary="Post a message or question"
)
def board_message_post(request: HttpRequest, payload: MessageIn) -> Any:
    org = get_object_or_404(Organization, pk=payload.org_id, is_active=True)
    if hall_organization(_user(request), org.pk) is None:
        raise Http404
    message = board_services.board_message_post(
        actor=_user(request),
        org=org,
        title=payload.title,
        body=payload.body,
        visibility=payload.visibility,
    )
    return Status(201, message)


@router.get(
    "/community/board/messages/{message_id}",
    response=MessageThreadOut,
    summary="A message with its replies",
)
def board_message(request: HttpRequest, message_id: int) -> Any:
    return _message(request, message_id)


@router.post(
    "/community/board/messages/{message_id}/replies",
    response={201: ReplyOut},
    summary="Reply in a thread (official when written by the organization's staff)",
)
def board_reply(request: HttpRequest, message_id: int, payload: ReplyIn) -> Any:
    message = _message(request, message_id)
    reply: BoardReply = board_services.board_reply_post(
        actor=_user(request), message=message, body=payload.body
    )
    return Status(201, reply)


@router.get("/community/me/messages", response=list[MessageOut], summary="My board messages")
@paginate(PageNumber)
def my_messages(request: HttpRequest) -> Any:
    return selectors.board_by_author(_user(request)).select_related("author")


# --- Mutual help --------------------------------------------------------------------------------


@router.get("/community/help/posts", response=list[HelpOut], summary="Published mutual-help posts")
@paginate(PageNumber)
def help_posts(
    request: HttpRequest,
    # Plain str annotations: @paginate resolves them outside this module.
    kind: str = Query("", description="request or offer"),
    category: str = Query("", description="housing, referral, advice, item_donation, other"),
    city: str = Query("", max_length=60),
    q: str = Query("", max_length=100, description="Words in the title or text"),
) -> Any:
    return selectors.help_public(
        selectors.HelpFilters(
            kind=kind if kind in HelpKind.values else "",
            category=category if category in HelpCategory.values else "",
            city=city.strip(),
            text=q.strip(),
        )
    )


@router.post(
    "/community/help/posts",
    response={201: HelpOut},
    summary="Post a request or an offer (verified alumni)",
)
def help_post_create(request: HttpRequest, payload: HelpIn) -> Any:
    post = help_services.help_post_create(actor=_user(request), **payload.dict())
    return Status(201, post)


@router.get(
    "/community/help/posts/{post_id}",
    response=HelpDetailOut,
    summary="A mutual-help post with its replies; the contact shows to verified alumni only",
)
def help_post(request: HttpRequest, post_id: int) -> Any:
    user = _user(request)
    post = _post(request, post_id)
    shows_contact = post.contact_preference == ContactPreference.SHOW_CONTACT and (
        post.author_id == user.pk or selectors.is_verified_alumnus(user)
    )
    post.visible_contact = post.contact if shows_contact else ""  # type: ignore[attr-defined]
    return post


@router.post(
    "/community/help/posts/{post_id}/replies", response={201: ReplyOut}, summary="Reply to a post"
)
def help_reply(request: HttpRequest, post_id: int, payload: ReplyIn) -> Any:
    reply: HelpReply = help_services.help_reply_post(
        actor=_user(request), post=_post(request, post_id), body=payload.body
    )
    return Status(201, reply)


@router.post(
    "/community/help/posts/{post_id}/close",
    response=HelpOut,
    summary="Close my post as solved",
)
def help_close(request: HttpRequest, post_id: int) -> Any:
    return help_services.help_post_close(actor=_user(request), post=_post(request, post_id))


@router.post(
    "/community/help/reports", response={201: ReportOut}, summary="Report a post as abusive"
)
def help_report(request: HttpRequest, payload: ReportIn) -> Any:
    report = help_services.help_report_submit(
        actor=_user(request), post=_post(request, payload.post_id), reason=payload.reason
    )
    return Status(201, report)


@router.get("/community/me/help-posts", response=list[HelpOut], summary="My mutual-help posts")
@paginate(PageNumber)
def my_help_posts(request: HttpRequest) -> Any:
    return selectors.help_by_author(_user(request)).select_related("author")
