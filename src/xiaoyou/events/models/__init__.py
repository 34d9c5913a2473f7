"""Events models: one module per concept; every model is importable from here."""

from __future__ import annotations

from xiaoyou.events.models.access import BlacklistEntry, InvitationCode
from xiaoyou.events.models.engagement import EventComment, EventFavorite
from xiaoyou.events.models.events import (
    DiscussionMode,
    Event,
    EventKind,
    EventStatus,
    TicketType,
    Visibility,
)
from xiaoyou.events.models.lottery import LotteryDraw, LotteryPrize, LotteryWinner
from xiaoyou.events.models.notice import EventNotice, EventNoticeRecipient, NoticeRecipientStatus
from xiaoyou.events.models.online import (
    Challenge,
    ChallengeReport,
    GiftClaim,
    GiftClaimStatus,
    GiftOffer,
    WallKind,
    WallPost,
)
from xiaoyou.events.models.registrations import (
    SEAT_HOLDING,
    CheckIn,
    CheckInSource,
    Registration,
    RegistrationStatus,
)

__all__ = [
    "SEAT_HOLDING",
    "BlacklistEntry",
    "Challenge",
    "ChallengeReport",
    "CheckIn",
    "CheckInSource",
    "DiscussionMode",
    "Event",
    "EventComment",
    "EventFavorite",
    "EventKind",
    "EventNotice",
    "EventNoticeRecipient",
    "EventStatus",
    "GiftClaim",
    "GiftClaimStatus",
    "GiftOffer",
    "InvitationCode",
    "LotteryDraw",
    "LotteryPrize",
    "LotteryWinner",
    "NoticeRecipientStatus",
    "Registration",
    "RegistrationStatus",
    "TicketType",
    "Visibility",
    "WallKind",
    "WallPost",
]
