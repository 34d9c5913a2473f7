"""Alumni records (校友档案): one module per concept; every model is importable from here."""

from __future__ import annotations

from xiaoyou.alumni.models.campaigns import CollectionCampaign, CollectionResponse, ResponseStatus
from xiaoyou.alumni.models.custom_fields import CustomField, CustomFieldType
from xiaoyou.alumni.models.departments import Department, DepartmentAlias, DepartmentKind, Major
from xiaoyou.alumni.models.history import RecordChange
from xiaoyou.alumni.models.identity import (
    ClaimStatus,
    DuplicateCandidate,
    DuplicateStatus,
    RecordClaim,
)
from xiaoyou.alumni.models.imports import ImportBatch, ImportMapping, ImportStatus
from xiaoyou.alumni.models.records import (
    AlumniRecord,
    ContactKind,
    ContactPoint,
    DegreeEntry,
    DegreeLevel,
    Gender,
    RecordSource,
    RecordStatus,
    Tag,
    VerificationState,
)
from xiaoyou.alumni.models.searches import SavedSearch
from xiaoyou.alumni.models.stats import CoverageSnapshot

__all__ = [
    "AlumniRecord",
    "ClaimStatus",
    "CollectionCampaign",
    "CollectionResponse",
    "ContactKind",
    "ContactPoint",
    "CoverageSnapshot",
    "CustomField",
    "CustomFieldType",
    "DegreeEntry",
    "DegreeLevel",
    "Department",
    "DepartmentAlias",
    "DepartmentKind",
    "DuplicateCandidate",
    "DuplicateStatus",
    "Gender",
    "ImportBatch",
    "ImportMapping",
    "ImportStatus",
    "Major",
    "RecordChange",
    "RecordClaim",
    "RecordSource",
    "RecordStatus",
    "ResponseStatus",
    "SavedSearch",
    "Tag",
    "VerificationState",
]
