"""Demo events for `xiaoyou seed-demo`: four events of different organizations, made through
the events services as their admins would.

- an upcoming free gathering with open registration and confirmed sign-ups;
- an upcoming paid forum with two ticket types whose sign-ups wait for approval;
- a past match with its attendees checked in and a prize drawn among them;
- an upcoming online talk.

Idempotent: an event is found by its organization and title, a ticket type by its event and
name, a registration by its event and person. A past event's history (sign-ups, check-ins,
draw) is written only when the event is created: its registration has closed since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile

from xiaoyou.core.demo import Palette, local_time, picture
from xiaoyou.core.errors import ApplicationError
from xiaoyou.events.models import (
    CheckInSource,
    Event,
    EventKind,
    EventStatus,
    LotteryPrize,
    Registration,
    RegistrationStatus,
    TicketType,
)
from xiaoyou.events.services.events import (
    event_create,
    event_publish,
    event_update,
    ticket_type_save,
)
from xiaoyou.events.services.lottery import lottery_draw, prize_create
from xiaoyou.events.services.registrations import registration_create, registration_window_check
from xiaoyou.events.services.tickets import check_in, ticket_payload

ORDER = 20
ENDED = (
    RegistrationStatus.CANCELLED,
    RegistrationStatus.REJECTED,
    RegistrationStatus.ASKED_TO_LEAVE,
)


@dataclass(frozen=True)
class Ticket:
    name: str
    price: int = 0  # fen
    capacity: int | None = None
    description: str = ""


@dataclass(frozen=True)
class DemoEvent:
    org_key: str
    admin_key: str  # the demo account that runs it (the platform admin when missing)
    title: str
    summary: str
    description: str
    days: int  # from today; negative: in the past
    hours: tuple[tuple[int, int], tuple[int, int]]  # (start, end) as (hour, minute)
    tickets: tuple[Ticket, ...]
    attendees: slice  # of the demo alumni
    kind: str = EventKind.OFFLINE
    place: str = ""
    address: str = ""
    online_url: str = ""
    capacity: int | None = None
    requires_approval: bool = False
    tags: tuple[str, ...] = ()
    palette: Palette = field(default_factory=Palette)
    prize: tuple[str, str, int] | None = None  # (name, description, quantity), drawn

    @property
    def is_past(self) -> bool:
        return self.days < 0


EVENTS = (
    DemoEvent(
        org_key="北京", admin_key="beijing_admin",
        title="北京校友年度联谊会",
        summary="老朋友叙旧，新朋友相识：北京地区校友一年一度的相聚。",
        description=(
            "<p>一年一度的北京校友联谊会如期而至。欢迎在京工作、生活的各届校友携家人参加，"
            "共叙同窗情谊，交流行业动态。</p>"
            "<h3>活动安排</h3><ul><li>14:00 签到入场</li><li>14:30 校友会工作报告</li>"
            "<li>15:30 行业圆桌：新质生产力与职业发展</li><li>16:30 自由交流、合影留念</li></ul>"
            "<p>活动免费，名额有限，请提前报名并凭电子票入场。</p>"
        ),
        days=12, hours=((14, 0), (17, 30)),
        tickets=(Ticket("普通票", description="含茶歇"),),
        attendees=slice(0, 6),
        place="北京国际会议中心 3 层多功能厅", address="北京市朝阳区北辰东路 8 号",
        capacity=150, tags=("联谊", "北京"),
        palette=Palette(sky="#E5E5E5", sun="#C8102E"),
    ),
    DemoEvent(
        org_key="上海", admin_key="shanghai_admin",
        title="上海校友金融科技论坛暨晚宴",
        summary="金融科技的下一个十年：校友嘉宾主题分享与圆桌对话，会后晚宴。",
        description=(
            "<p>本次论坛邀请在金融、科技领域深耕多年的校友嘉宾，分享行业洞察与实践经验。</p>"
            "<p><strong>论坛票</strong>含下午论坛与茶歇；<strong>论坛+晚宴票</strong>另含当晚校友晚宴。"
            "报名经校友会审核通过后付款，名额确认后不予转让。</p>"
        ),
        days=20, hours=((13, 30), (21, 0)),
        tickets=(
            Ticket("论坛票", 9900, 120, "下午论坛与茶歇"),
            Ticket("论坛+晚宴票", 29900, 60, "论坛、茶歇与校友晚宴"),
        ),
        attendees=slice(6, 9),
        place="上海中心大厦 37 层会议厅", address="上海市浦东新区银城中路 501 号",
        capacity=180, requires_approval=True, tags=("论坛", "金融"),
        palette=Palette(sky="#F5F5F5", sun="#9E9E9E"),
    ),
    DemoEvent(
        org_key="badminton", admin_key="platform_admin",
        title="校友羽毛球友谊赛",
        summary="以球会友：各届校友混合双打友谊赛，赛后抽奖。",
        description=(
            "<p>校友羽毛球俱乐部秋季友谊赛，采用混合双打小组循环赛制，欢迎各水平校友参加。</p>"
            "<p>赛后在签到的校友中抽取幸运奖。</p>"
        ),
        days=-18, hours=((9, 0), (12, 0)),
        tickets=(Ticket("参赛票"),),
        attendees=slice(0, 10),
        place="示范大学体育馆", address="示范大学主校区体育馆二层",
        capacity=40, tags=("运动", "俱乐部"),
        palette=Palette(sky="#E5E5E5", ground="#C8E6C9"),
        prize=("羽毛球拍", "校友俱乐部定制羽毛球拍一支", 2),
    ),
    DemoEvent(
        org_key="CS", admin_key="cs_admin",
        title="人工智能前沿线上分享会",
        summary="大模型时代的软件工程：计算机学院校友线上分享。",
        description=(
            "<p>本期邀请在人工智能领域工作的校友，分享大模型在软件工程中的实践与思考，"
            "并在线回答提问。</p><p>报名后可在活动页面看到直播链接。</p>"
        ),
        days=6, hours=((20, 0), (21, 30)),
        tickets=(Ticket("线上参与"),),
        attendees=slice(2, 12, 2),
        kind=EventKind.ONLINE, online_url="https://meeting.example.com/j/ai-talk",
        tags=("线上", "人工智能"),
        palette=Palette(sky="#111111", sun="#FFFFFF", ground="#616161"),
    ),
)  # fmt: skip


def seed(
    result: Any,
    *,
    root: Any,
    org_by_key: dict[str, Any],
    accounts: dict[str, Any],
    alumni: list[Any],
    **_: Any,
) -> None:
    """Creates whatever part of the demo events is missing (see the module)."""
    for index, spec in enumerate(EVENTS):
        org = org_by_key.get(spec.org_key)
        if org is None:
            continue
        admin = accounts.get(spec.admin_key) or accounts["platform_admin"]
        _event(result, spec, index, org=org, admin=admin, alumni=alumni[spec.attendees])


def _event(
    result: Any, spec: DemoEvent, index: int, *, org: Any, admin: Any, alumni: list[Any]
) -> None:
    (start_hour, start_minute), (end_hour, end_minute) = spec.hours
    starts_at = local_time(spec.days, start_hour, start_minute)
    ends_at = local_time(spec.days, end_hour, end_minute)
    event = Event.objects.filter(org=org, title=spec.title).first()
    created = event is None
    if event is None:
        cover = picture(
            title=spec.title,
            subtitle=org.short_name or org.name,
            variant=index,
            palette=spec.palette,
        )
        event = event_create(
            actor=admin,
            org=org,
            title=spec.title,
            summary=spec.summary,
            description=spec.description,
            cover=ContentFile(cover, name="cover.jpg"),
            kind=spec.kind,
            starts_at=starts_at,
            ends_at=ends_at,
            place=spec.place,
            address=spec.address,
            online_url=spec.online_url,
            capacity=spec.capacity,
            requires_approval=spec.requires_approval,
            tags=list(spec.tags),
            # A past event takes its sign-ups now, then closes (below).
            registration_opens_at=local_time(min(spec.days, 0) - 10, 9),
            registration_closes_at=(
                local_time(1, 0) if spec.is_past else starts_at - dt.timedelta(hours=2)
            ),
        )
        result.add("events")
    tickets = _tickets(result, spec, event, admin)
    if event.status == EventStatus.DRAFT:
        event_publish(actor=admin, event=event)
    if spec.is_past and not created:
        return
    registrations = _sign_ups(result, event, tickets, alumni)
    if spec.is_past:
        _attend(result, spec, event, admin, registrations, starts_at)
        event_update(
            actor=admin,
            event=event,
            registration_opens_at=starts_at - dt.timedelta(days=14),
            registration_closes_at=starts_at - dt.timedelta(days=1),
        )


def _tickets(result: Any, spec: DemoEvent, event: Event, admin: Any) -> list[TicketType]:
    existing = {ticket.name: ticket for ticket in event.ticket_types.all()}
    tickets = []
    for position, ticket in enumerate(spec.tickets):
        found = existing.get(ticket.name)
        if found is None:
            found = ticket_type_save(
                actor=admin,
                event=event,
                name=ticket.name,
                description=ticket.description,
                price=ticket.price,
                capacity=ticket.capacity,
                position=position,
            )
            result.add("ticket types")
        tickets.append(found)
    return tickets


def _sign_ups(
    result: Any, event: Event, tickets: list[TicketType], alumni: list[Any]
) -> list[Registration]:
    """Signs the demo alumni up (each once), alternating between the ticket types."""
    try:
        registration_window_check(event)
    except ApplicationError:
        return []  # closed since the demo was first loaded: nothing to add
    live = {
        registration.user_id: registration
        for registration in Registration.objects.filter(event=event).exclude(status__in=ENDED)
    }
    registrations = []
    for index, user in enumerate(alumni):
        registration = live.get(user.pk)
        if registration is None:
            registration = registration_create(
                event=event,
                ticket_type=tickets[index % len(tickets)],
                user=user,
                name=user.display_name or str(user),
            )
            result.add("registrations")
        registrations.append(registration)
    return registrations


def _attend(
    result: Any,
    spec: DemoEvent,
    event: Event,
    admin: Any,
    registrations: list[Registration],
    starts_at: dt.datetime,
) -> None:
    """The past event's day: most attendees' tickets scanned at the door (two never came),
    then the prize drawn among those checked in."""
    present = registrations[: max(len(registrations) - 2, 1)] if registrations else []
    for minute, registration in enumerate(present):
        check_in(
            event=event,
            token=ticket_payload(registration),
            actor=admin,
            source=CheckInSource.SCAN,
            device="demo",
            scanned_at=starts_at - dt.timedelta(minutes=30 - minute * 2),
        )
        result.add("check-ins")
    if spec.prize is None or not present:
        return
    name, description, quantity = spec.prize
    prize = LotteryPrize.objects.filter(event=event, name=name).first()
    if prize is None:
        prize = prize_create(
            actor=admin, event=event, name=name, description=description, quantity=quantity
        )
        result.add("lottery prizes")
    lottery_draw(actor=admin, prize=prize, count=min(quantity, len(present)))
    result.add("lottery draws")


def register() -> None:
    from xiaoyou.core.registry import demo_seeder

    demo_seeder(ORDER, seed)
