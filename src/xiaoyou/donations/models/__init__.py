"""Donations models: one module per concept; every model is importable from here."""

from __future__ import annotations

from xiaoyou.donations.models.campaigns import (
    ChallengeKind,
    GivingChallenge,
    GivingDay,
    GivingDayStatus,
)
from xiaoyou.donations.models.community import (
    BeneficiaryPost,
    PostReply,
    PostStatus,
    ProjectBeneficiary,
)
from xiaoyou.donations.models.gifts import Donation, DonationStatus, Pledge, PledgeStatus
from xiaoyou.donations.models.projects import (
    DonationProject,
    ProjectReport,
    ProjectStatus,
    ProjectVisibility,
)

__all__ = [
    "BeneficiaryPost",
    "ChallengeKind",
    "Donation",
    "DonationProject",
    "DonationStatus",
    "GivingChallenge",
    "GivingDay",
    "GivingDayStatus",
    "Pledge",
    "PledgeStatus",
    "PostReply",
    "PostStatus",
    "ProjectBeneficiary",
    "ProjectReport",
    "ProjectStatus",
    "ProjectVisibility",
]
