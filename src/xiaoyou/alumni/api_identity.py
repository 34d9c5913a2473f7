"""API of identity claims (认证校友身份): the signed-in user claims their alumni record, and
sees where their claim stands."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from xiaoyou.alumni.models import AlumniRecord, ClaimStatus, RecordClaim
from xiaoyou.alumni.services.claims import claim_submit

router = Router(tags=["alumni identity"])


class ClaimIn(Schema):
    name: str = Field(..., max_length=50, description="The name as at school (姓名)")
    student_id: str = Field("", max_length=32, description="Student number (学号)")
    enrollment_year: int | None = Field(None, ge=1900, le=2100)
    department: str = Field("", max_length=100, description="Department or college as typed")
    birth_date: datetime.date | None = None


class ClaimOut(Schema):
    status: str = Field(..., description='"matched" (verified now), "pending" or "not_found"')
    claim_id: int | None = None
    record_id: int | None = Field(None, description="The linked record (only when matched)")
    score: int | None = Field(None, description="Confidence 0..100")


class IdentityOut(Schema):
    verified: bool
    record_id: int | None = None
    pending_claim_id: int | None = None


@router.post(
    "/me/alumni-claim",
    response={200: ClaimOut},
    summary="Claim my alumni record (automatic when certain, otherwise reviewed)",
)
def alumni_claim(request: HttpRequest, payload: ClaimIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    result = claim_submit(actor=user, evidence=payload.dict())
    return {
        "status": result.status,
        "claim_id": result.claim.pk if result.claim else None,
        "record_id": result.record.pk if result.status == "matched" and result.record else None,
        "score": result.claim.score if result.claim else None,
    }


@router.get("/me/alumni-identity", response=IdentityOut, summary="My verification state")
def alumni_identity(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    record = AlumniRecord.objects.filter(user=user, deleted_at__isnull=True).first()
    pending = RecordClaim.objects.filter(user=user, status=ClaimStatus.PENDING).first()
    return {
        "verified": record is not None,
        "record_id": record.pk if record else None,
        "pending_claim_id": pending.pk if pending else None,
    }
