"""Donations models: one module per concept; every model is importable from here."""

from __future__ import annotations

from xiaoyou.donations.models.gifts import Donation, DonationStatus, Pledge, PledgeStatus
from xiaoyou.donations.models.projects import (
    DonationProject,
    ProjectReport,
    ProjectStatus,
    ProjectVisibility,
)

__all__ = [
    "Donation",
    "DonationProject",
    "DonationStatus",
    "Pledge",
    "PledgeStatus",
    "ProjectReport",
    "ProjectStatus",
    "ProjectVisibility",
]
