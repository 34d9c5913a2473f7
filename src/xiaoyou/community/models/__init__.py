"""Community models: the message board (留言/咨询), mutual help (互助) and their settings."""

from xiaoyou.community.models.board import BoardMessage, BoardReply, BoardVisibility
from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.community.models.help import (
    ContactPreference,
    HelpCategory,
    HelpKind,
    HelpPost,
    HelpReply,
    HelpReport,
    ReportStatus,
)
from xiaoyou.community.models.settings import CommunitySettings

__all__ = [
    "BoardMessage",
    "BoardReply",
    "BoardVisibility",
    "CommunitySettings",
    "ContactPreference",
    "HelpCategory",
    "HelpKind",
    "HelpPost",
    "HelpReply",
    "HelpReport",
    "ModerationStatus",
    "ReportStatus",
]
