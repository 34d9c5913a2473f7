"""认证校友身份: automatic links, ambiguous claims to review, approve/reject, taken records."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils.translation import activate, gettext

from tests.factories import AlumniRecordFactory, DepartmentFactory, UserFactory
from xiaoyou.alumni import matching
from xiaoyou.alumni.models import (
    AlumniRecord,
    ClaimStatus,
    RecordChange,
    RecordClaim,
    VerificationState,
)
from xiaoyou.alumni.names import name_keys
from xiaoyou.alumni.services.claims import CLAIM_REVIEW_KIND, claim_submit
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import ReviewItem, ReviewStatus
from xiaoyou.core.reviews import review_decide

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    activate("en")


def _record(org, name, **fields):
    pinyin, initials = name_keys(name)
    return AlumniRecordFactory(
        org=org, name=name, name_pinyin=pinyin, name_initials=initials, **fields
    )


@pytest.fixture
def computing(db):
    return DepartmentFactory(name="计算机学院")


def test_student_number_and_name_link_at_once(org_tree):
    record = _record(org_tree.root, "王芳", student_id="20080101")
    _record(org_tree.root, "王芳", student_id="20080102")
    user = UserFactory()
    result = claim_submit(actor=user, evidence={"name": "王芳", "student_id": "20080101"})
    assert result.status == "matched"
    record.refresh_from_db()
    assert record.user == user
    assert record.verification == VerificationState.VERIFIED
    claim = RecordClaim.objects.get()
    assert (claim.status, claim.score, claim.record) == (ClaimStatus.MATCHED, 95, record)
    history = {
        change.field: (change.old_value, change.new_value, change.source)
        for change in RecordChange.objects.filter(record=record)
    }
    assert history == {
        "user": (None, user.pk, "self"),
        "verification": ("unverified", "verified", "self"),
    }
    assert not ReviewItem.objects.exists()


def test_name_year_and_department_link_when_unique(org_tree, computing):
    record = _record(
        org_tree.root, "李雷", enrollment_year=2005, department=computing, student_id=""
    )
    _record(org_tree.root, "李雷", enrollment_year=2006, department=computing, student_id="")
    user = UserFactory()
    result = claim_submit(
        actor=user, evidence={"name": "李雷", "enrollment_year": 2005, "department": "计算机"}
    )
    assert result.status == "matched"
    assert result.claim.score == 85
    assert AlumniRecord.objects.get(user=user) == record


def test_birth_date_raises_the_score_and_a_different_one_lowers_it(org_tree, computing):
    record = _record(
        org_tree.root,
        "韩梅梅",
        enrollment_year=2005,
        department=computing,
        birth_date=datetime.date(1987, 3, 1),
    )
    same = matching.Evidence(
        name="韩梅梅",
        enrollment_year=2005,
        department="计算机学院",
        birth_date=datetime.date(1987, 3, 1),
    )
    other = matching.Evidence(
        name="韩梅梅",
        enrollment_year=2005,
        department="计算机学院",
        birth_date=datetime.date(1988, 3, 1),
    )
    [best] = matching.match_candidates(same)
    assert (best.record, best.score) == (record, 95)
    assert best.reasons == ["name", "enrollment_year", "department", "birth_date"]
    [worse] = matching.match_candidates(other)
    assert worse.score == 45


def test_traditional_name_with_student_number_goes_to_review(org_tree):
    record = _record(org_tree.root, "张伟", student_id="S100")
    user = UserFactory()
    result = claim_submit(actor=user, evidence={"name": "張偉", "student_id": "S100"})
    assert result.status == "pending"
    claim = RecordClaim.objects.get()
    assert (claim.record, claim.score, claim.status) == (record, 80, ClaimStatus.PENDING)
    record.refresh_from_db()
    assert record.user is None
    assert record.verification == VerificationState.PENDING


def test_ambiguous_claim_goes_to_review_and_approval_links(org_tree, computing, platform_admin):
    first = _record(org_tree.root, "刘洋", enrollment_year=2010, department=computing)
    _record(org_tree.root, "刘洋", enrollment_year=2010, department=computing)
    user = UserFactory()
    result = claim_submit(
        actor=user, evidence={"name": "刘洋", "enrollment_year": 2010, "department": "计算机学院"}
    )
    assert result.status == "pending"
    item = ReviewItem.objects.get()
    assert (item.kind, item.org, item.submitter) == (CLAIM_REVIEW_KIND, org_tree.root, user)
    assert result.claim.record == first
    assert len(result.claim.evidence["candidates"]) == 2

    review_decide(item=item, actor=platform_admin, approved=True)
    first.refresh_from_db()
    result.claim.refresh_from_db()
    assert first.user == user
    assert first.verification == VerificationState.VERIFIED
    assert result.claim.status == ClaimStatus.APPROVED
    assert RecordChange.objects.get(record=first, field="user").source == "admin"


def test_rejection_needs_a_reason_and_resets_the_record(org_tree, computing, platform_admin):
    record = _record(org_tree.root, "陈静", enrollment_year=2001, department=computing)
    user = UserFactory()
    result = claim_submit(actor=user, evidence={"name": "陈静", "enrollment_year": 2001})
    assert (result.status, result.claim.score) == ("pending", 65)
    item = ReviewItem.objects.get()
    with pytest.raises(ApplicationError) as error:
        review_decide(item=item, actor=platform_admin, approved=False)
    assert error.value.code == "review_reason_required"
    review_decide(item=item, actor=platform_admin, approved=False, reason="学号不符")
    record.refresh_from_db()
    result.claim.refresh_from_db()
    assert result.claim.status == ClaimStatus.REJECTED
    assert record.user is None
    assert record.verification == VerificationState.UNVERIFIED
    assert ReviewItem.objects.get().status == ReviewStatus.REJECTED


def test_a_record_linked_to_another_account_is_never_linked_automatically(org_tree, platform_admin):
    owner = UserFactory()
    record = _record(org_tree.root, "赵敏", student_id="S200", user=owner)
    claimant = UserFactory()
    result = claim_submit(actor=claimant, evidence={"name": "赵敏", "student_id": "S200"})
    assert result.status == "pending"
    record.refresh_from_db()
    assert record.user == owner
    # Approving cannot take the record from its owner either.
    item = ReviewItem.objects.get()
    with pytest.raises(ApplicationError) as error:
        review_decide(item=item, actor=platform_admin, approved=True)
    assert error.value.code == "claim_record_taken"
    record.refresh_from_db()
    assert record.user == owner


def test_nothing_found_writes_nothing(org_tree):
    _record(org_tree.root, "孙悟空", student_id="S300")
    result = claim_submit(actor=UserFactory(), evidence={"name": "猪八戒", "student_id": "S999"})
    assert result.status == "not_found"
    assert RecordClaim.objects.count() == 0


def test_a_verified_account_or_a_pending_claim_cannot_claim_again(org_tree):
    user = UserFactory()
    _record(org_tree.root, "周杰", student_id="S400", user=user)
    with pytest.raises(ApplicationError) as error:
        claim_submit(actor=user, evidence={"name": "周杰", "student_id": "S400"})
    assert error.value.code == "claim_already_verified"
    other = UserFactory()
    _record(org_tree.root, "吴磊", student_id="")
    claim_submit(actor=other, evidence={"name": "吴磊", "enrollment_year": 2010})
    with pytest.raises(ApplicationError) as error:
        claim_submit(actor=other, evidence={"name": "吴磊", "enrollment_year": 2010})
    assert error.value.code == "claim_pending"


def test_hall_page_links_the_record(client, org_tree):
    record = _record(org_tree.root, "郑爽", student_id="S500")
    user = UserFactory()
    client.force_login(user)
    url = reverse("hall:alumni_claim")
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "郑爽", "student_id": "S500"})
    assert response.status_code == 200
    assert 'data-claim-status="matched"' in response.content.decode()
    record.refresh_from_db()
    assert record.user == user


def test_hall_form_requires_more_than_a_name(client, org_tree):
    client.force_login(UserFactory())
    response = client.post(reverse("hall:alumni_claim"), {"name": "郑爽"})
    assert response.status_code == 200
    assert RecordClaim.objects.count() == 0
    assert gettext("Give your student number, or your year of enrollment and department.") in (
        response.content.decode()
    )


def test_api_claim(client, org_tree):
    record = _record(org_tree.root, "钱多", student_id="S600")
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/api/v1/me/alumni-claim",
        {"name": "钱多", "student_id": "S600"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "matched",
        "claim_id": RecordClaim.objects.get().pk,
        "record_id": record.pk,
        "score": 95,
    }
    identity = client.get("/api/v1/me/alumni-identity").json()
    assert identity == {"verified": True, "record_id": record.pk, "pending_claim_id": None}
