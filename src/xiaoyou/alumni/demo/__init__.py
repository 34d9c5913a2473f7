"""The demo school: organizations, departments, ~2,000 alumni records and demo accounts.

Idempotent: every object is found by a natural key (organization name under its parent,
department code, student number, username) before it is created, so running it twice leaves the
same rows. Passwords are random on first creation and kept only in var/demo-credentials.json
(mode 600), never in the repository.

One module per concept; the names are re-exported here.
"""

from __future__ import annotations

from xiaoyou.alumni.demo.accounts import (
    ACCOUNTS,
    CREDENTIALS_FILE_NAME,
    DemoAccount,
    credentials_path,
    read_credentials,
)
from xiaoyou.alumni.demo.profiles import (
    DISTRICTS,
    INDUSTRIES,
    PROVINCE_OF_REGION,
    SMS_ALLOCATIONS,
)
from xiaoyou.alumni.demo.records import INDUSTRY_WORDS, industry_of
from xiaoyou.alumni.demo.result import SeedResult
from xiaoyou.alumni.demo.school import (
    DEFAULT_RECORD_COUNT,
    DEFAULT_SCHOOL,
    REGIONS,
    demo_root,
    root_name,
    seed_demo,
)

__all__ = [
    "ACCOUNTS",
    "CREDENTIALS_FILE_NAME",
    "DEFAULT_RECORD_COUNT",
    "DEFAULT_SCHOOL",
    "DISTRICTS",
    "INDUSTRIES",
    "INDUSTRY_WORDS",
    "PROVINCE_OF_REGION",
    "REGIONS",
    "SMS_ALLOCATIONS",
    "DemoAccount",
    "SeedResult",
    "credentials_path",
    "demo_root",
    "industry_of",
    "read_credentials",
    "root_name",
    "seed_demo",
]
