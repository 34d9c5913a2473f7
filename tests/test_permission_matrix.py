"""Permission matrix: an admin of one organization never reaches another organization's objects.

For every console URL and every API path that takes an id, the regional admin (Shanghai
association) asks for an object of the College of Computing and must get 403 or 404, while the
college admin gets the page (200, or the redirect that follows a successful POST).

The routes are enumerated from Django's URL resolver ("console" namespace) and from the API's
OpenAPI paths. A route with an id that is missing from the tables below fails
`test_every_route_with_an_id_is_in_the_matrix`: whoever adds such a route adds a row here,
saying how to make an object of the college.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import OrgTree
from tests.factories import (
    AuditEntryFactory,
    NotificationFactory,
    ReviewItemFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class World:
    tree: OrgTree
    college_admin: Any  # the right admin: administers tree.college (and its club)
    regional_admin: Any  # the wrong admin: administers tree.regional only


@dataclass(frozen=True)
class Case:
    """How to reach one route for an object of the college.

    `make(world)` creates the object and returns the URL's keyword arguments (console) or path
    parameters (API); `data(world)` is the body of a POST (sent as JSON with `json=True`, the
    API's bodies); `allowed` is the status the right admin gets (for API writes: 201, 204).
    """

    make: Callable[[World], dict[str, Any]]
    method: str = "get"
    data: Callable[[World], dict[str, Any]] | None = None
    json: bool = False
    allowed: int = 200


# --- How to make an object of the college, per route ------------------------------------------


def _college_job(world: World, **fields: Any) -> dict[str, Any]:
    from xiaoyou.core.models import Job, JobStatus

    job = Job.objects.create(
        kind="audit.verify",
        title="核对",
        org=world.tree.college,
        created_by=world.college_admin,
        status=fields.get("status", JobStatus.SUCCEEDED),
    )
    return {"pk": job.pk}


def _college_failed_job(world: World) -> dict[str, Any]:
    from xiaoyou.core.models import JobStatus

    return _college_job(world, status=JobStatus.FAILED)


def _college_audit_entry(world: World) -> dict[str, Any]:
    entry = AuditEntryFactory(
        actor=world.college_admin, obj=world.tree.club, org=world.tree.college
    )
    return {"pk": entry.pk}


def _college_review_item(world: World) -> dict[str, Any]:
    from tests.factories import JoinRequestFactory

    item = ReviewItemFactory(join_request=JoinRequestFactory(org=world.tree.college))
    assert item.org_id == world.tree.college.pk
    return {"pk": item.pk}


def _college_organization(world: World) -> dict[str, Any]:
    return {"organization_id": world.tree.college.pk}


def _college_club(world: World) -> dict[str, Any]:
    # Archiving is decided by the admins above an organization: the club is the college's.
    return {"pk": world.tree.club.pk}


def _archived_college_club(world: World) -> dict[str, Any]:
    from xiaoyou.organizations.services import organization_archive

    organization_archive(actor=None, org=world.tree.club, reason="停止活动")
    return {"pk": world.tree.club.pk}


def _college_link(world: World) -> dict[str, Any]:
    from tests.factories import OrganizationLinkFactory

    link = OrganizationLinkFactory(from_org=world.tree.college, to_org=world.tree.other_college)
    return {"pk": world.tree.college.pk, "link_pk": link.pk}


def _college_org_pk(world: World) -> dict[str, Any]:
    return {"pk": world.tree.college.pk}


def _api(make: Callable[[World], dict[str, Any]]) -> Callable[[World], dict[str, Any]]:
    """The console maker's arguments under the API's parameter names."""
    names = {"pk": "organization_id", "link_pk": "link_id"}
    return lambda world: {names[key]: value for key, value in make(world).items()}


def _college_invitation(world: World) -> dict[str, Any]:
    from tests.factories import InvitationFactory

    invitation = InvitationFactory(org=world.tree.college, created_by=world.college_admin)
    return {"pk": invitation.pk}


def _college_invitation_id(world: World) -> dict[str, Any]:
    return {"invitation_id": _college_invitation(world)["pk"]}


def _college_admins_notification(world: World) -> dict[str, Any]:
    # A notification belongs to a person: the college admin's inbox is theirs alone.
    return {"notification_id": NotificationFactory(user=world.college_admin).pk}


def _college_saved_search(world: World) -> dict[str, Any]:
    # The college admin's own (unshared) saved search: nobody else lists or changes it.
    from xiaoyou.alumni.models import SavedSearch

    saved = SavedSearch.objects.create(
        org=world.tree.college, owner=world.college_admin, name="mine", query={"q": "zsf"}
    )
    return {"pk": saved.pk}


CONSOLE_CASES: dict[str, Case] = {
    "console:invitation_detail": Case(_college_invitation),
    "console:invitation_poster": Case(_college_invitation),
    "console:invitation_revoke": Case(_college_invitation, method="post"),
    "console:audit_detail": Case(_college_audit_entry),
    "console:job_detail": Case(_college_job),
    "console:job_progress": Case(_college_job),
    "console:job_retry": Case(_college_failed_job, method="post"),
    "console:review_detail": Case(_college_review_item),
    "console:review_decide": Case(
        _college_review_item, method="post", data=lambda world: {"decision": "approve"}
    ),
    "console:org_detail": Case(_college_org_pk),
    "console:org_edit": Case(_college_org_pk),
    "console:org_stats": Case(_college_org_pk),
    "console:org_archive": Case(
        _college_club, method="post", data=lambda world: {"reason": "并入学院校友会"}
    ),
    "console:org_restore": Case(_archived_college_club, method="post"),
    "console:org_link_add": Case(
        _college_org_pk,
        method="post",
        data=lambda world: {"to_org": world.tree.other_college.pk, "kind": "sister"},
    ),
    "console:org_link_delete": Case(_college_link, method="post"),
    "console:alumni_saved_search": Case(_college_saved_search, allowed=302),
    "console:alumni_saved_search_share": Case(
        _college_saved_search, method="post", data=lambda world: {"shared": "1"}, allowed=302
    ),
    "console:alumni_saved_search_delete": Case(_college_saved_search, method="post", allowed=302),
}

API_CASES: dict[str, Case] = {
    "GET /api/v1/organizations/{organization_id}/invitations": Case(_college_organization),
    "POST /api/v1/organizations/{organization_id}/invitations": Case(
        _college_organization,
        method="post",
        json=True,
        data=lambda world: {"kind": "join", "validity_days": 7},
        allowed=201,
    ),
    "GET /api/v1/invitations/{invitation_id}": Case(_college_invitation_id),
    "POST /api/v1/invitations/{invitation_id}/revoke": Case(_college_invitation_id, method="post"),
    "GET /api/v1/organizations/{organization_id}": Case(_college_organization),
    "PATCH /api/v1/organizations/{organization_id}": Case(
        _college_organization, method="patch", json=True, data=lambda world: {"phone": "010-1"}
    ),
    "POST /api/v1/organizations/{organization_id}/archive": Case(
        _api(_college_club), method="post", json=True, data=lambda world: {"reason": "并入"}
    ),
    "POST /api/v1/organizations/{organization_id}/restore": Case(
        _api(_archived_college_club), method="post"
    ),
    "GET /api/v1/organizations/{organization_id}/links": Case(_college_organization),
    "POST /api/v1/organizations/{organization_id}/links": Case(
        _college_organization,
        method="post",
        json=True,
        data=lambda world: {"to_organization_id": world.tree.other_college.pk},
        allowed=201,
    ),
    "DELETE /api/v1/organizations/{organization_id}/links/{link_id}": Case(
        _api(_college_link), method="delete", allowed=204
    ),
    "GET /api/v1/organizations/{organization_id}/stats": Case(_college_organization),
    "POST /api/v1/notifications/{notification_id}/read": Case(
        _college_admins_notification, method="post"
    ),
}


# --- Membership (members, groups, join files, import reports, my memberships) -------------------


def _college_member(world: World) -> Any:
    from tests.factories import MembershipFactory

    return MembershipFactory(org=world.tree.college)


def _college_member_pk(world: World) -> dict[str, Any]:
    return {"pk": _college_member(world).pk}


def _college_member_id(world: World) -> dict[str, Any]:
    return {"membership_id": _college_member(world).pk}


def _college_join_file(world: World) -> dict[str, Any]:
    from tests.factories import JoinRequestFactory, JoinRequestFileFactory

    return {"pk": JoinRequestFileFactory(request=JoinRequestFactory(org=world.tree.college)).pk}


def _college_group(world: World) -> dict[str, Any]:
    from tests.factories import MemberGroupFactory

    return {"pk": MemberGroupFactory(org=world.tree.college).pk}


def _college_group_id(world: World) -> dict[str, Any]:
    return {"group_id": _college_group(world)["pk"]}


def _college_admins_import_report(world: World) -> dict[str, Any]:
    # A report belongs to the admin who uploaded the file (kept in the cache under their id).
    from django.core.cache import cache

    cache.set(f"member-import-report:{world.college_admin.pk}:matrix", b"xlsx", 60)
    return {"token": "matrix"}


def _college_admins_membership(world: World) -> dict[str, Any]:
    # One's own membership: the college admin's, in the college.
    from tests.factories import MembershipFactory
    from xiaoyou.organizations.models import Membership

    membership = Membership.objects.filter(
        org=world.tree.college, user=world.college_admin, status="active"
    ).first() or MembershipFactory(org=world.tree.college, user=world.college_admin)
    return {"membership_id": membership.pk}


CONSOLE_CASES.update(
    {
        "console:member_detail": Case(_college_member_pk),
        "console:member_remove": Case(
            _college_member_pk, method="post", data=lambda world: {"reason": "矩阵"}
        ),
        "console:member_ban": Case(
            _college_member_pk, method="post", data=lambda world: {"reason": "矩阵"}
        ),
        "console:member_file": Case(_college_join_file),
        "console:member_group_edit": Case(
            _college_group, method="post", data=lambda world: {"name": "改名"}
        ),
        "console:member_group_delete": Case(_college_group, method="post"),
        "console:member_import_report": Case(_college_admins_import_report),
    }
)
API_CASES.update(
    {
        "GET /api/v1/organizations/{organization_id}/members": Case(_college_organization),
        "POST /api/v1/members/{membership_id}/remove": Case(
            _college_member_id, method="post", json=True, data=lambda world: {"reason": "矩阵"}
        ),
        "POST /api/v1/members/{membership_id}/ban": Case(
            _college_member_id, method="post", json=True, data=lambda world: {"reason": "矩阵"}
        ),
        "GET /api/v1/organizations/{organization_id}/groups": Case(_college_organization),
        "POST /api/v1/organizations/{organization_id}/groups": Case(
            _college_organization,
            method="post",
            json=True,
            data=lambda world: {"name": "矩阵组"},
            allowed=201,
        ),
        "POST /api/v1/groups/{group_id}/members": Case(
            _college_group_id, method="post", json=True, data=lambda world: {"member_ids": []}
        ),
        "POST /api/v1/me/memberships/{membership_id}/leave": Case(
            _college_admins_membership, method="post"
        ),
        "POST /api/v1/me/memberships/{membership_id}/info": Case(
            _college_admins_membership, method="post", json=True, data=lambda world: {"answers": {}}
        ),
    }
)


# --- Alumni records, custom fields, departments (issue 4) --------------------------------------


def _college_record(world: World) -> dict[str, Any]:
    # Kept by the main association, filed under a department linked to the college's association.
    from tests.factories import AlumniRecordFactory, DepartmentFactory

    department = DepartmentFactory(org=world.tree.college)
    return {"pk": AlumniRecordFactory(org=world.tree.root, department=department).pk}


def _college_record_id(world: World) -> dict[str, Any]:
    return {"record_id": _college_record(world)["pk"]}


def _deleted_college_record_id(world: World) -> dict[str, Any]:
    from xiaoyou.alumni.models import AlumniRecord

    made = _college_record_id(world)
    AlumniRecord.objects.filter(pk=made["record_id"]).update(deleted_at="2026-01-01T00:00Z")
    return made


def _custom_field(world: World) -> dict[str, Any]:
    from tests.factories import CustomFieldFactory

    return {"pk": CustomFieldFactory().pk}


def _college_department(world: World) -> dict[str, Any]:
    from tests.factories import DepartmentFactory

    return {"pk": DepartmentFactory(org=world.tree.college).pk}


# Custom fields, departments and the ID-number reveal are the platform admins' alone: the college
# admin is refused too (allowed=403).
CONSOLE_CASES.update(
    {
        "console:alumni_record_detail": Case(_college_record),
        "console:alumni_record_edit": Case(_college_record),
        "console:alumni_record_delete": Case(_college_record, method="post"),
        "console:alumni_record_undelete": Case(_college_record, method="post"),
        "console:alumni_record_reveal_national_id": Case(
            _college_record, method="post", allowed=403
        ),
        "console:alumni_field_edit": Case(_custom_field, allowed=403),
        "console:alumni_department_edit": Case(_college_department, allowed=403),
        "console:alumni_department_merge": Case(_college_department, method="post", allowed=403),
        "console:alumni_department_toggle": Case(_college_department, method="post", allowed=403),
    }
)
API_CASES.update(
    {
        "GET /api/v1/alumni/records/{record_id}": Case(_college_record_id),
        "PATCH /api/v1/alumni/records/{record_id}": Case(
            _college_record_id, method="patch", json=True, data=lambda world: {"city": "杭州"}
        ),
        "DELETE /api/v1/alumni/records/{record_id}": Case(
            _college_record_id, method="delete", allowed=204
        ),
        "POST /api/v1/alumni/records/{record_id}/restore": Case(
            _deleted_college_record_id, method="post"
        ),
        "GET /api/v1/alumni/records/{record_id}/history": Case(_college_record_id),
    }
)


# --- Enumeration ------------------------------------------------------------------------------


def _takes_parameters(pattern: URLPattern) -> bool:
    route = pattern.pattern
    return bool(getattr(route, "converters", None)) or bool(route.regex.groupindex)


def console_routes_with_ids() -> set[str]:
    found: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = (
                    f"{namespace}:{entry.namespace}"
                    if namespace and entry.namespace
                    else (entry.namespace or namespace)
                )
                walk(entry.url_patterns, inner)
            elif (
                isinstance(entry, URLPattern)
                and (namespace == "console" or namespace.startswith("console:"))
                and entry.name
                and _takes_parameters(entry)
            ):
                found.add(f"{namespace}:{entry.name}")

    walk(get_resolver().url_patterns, "")
    return found


def api_operations_with_ids() -> set[str]:
    from xiaoyou.api.main import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    found = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if any(parameter["in"] == "path" for parameter in operation.get("parameters", [])):
                found.add(f"{method.upper()} {path}")
    return found


# --- Alumni import batches and duplicate pairs ----------------------------------------------


def _college_import_batch(world: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xiaoyou.alumni.services.importing import import_upload

    upload = SimpleUploadedFile(
        "校友.csv", "姓名,学号\n张伟,2001001\n".encode(), content_type="text/csv"
    )
    batch = import_upload(org=world.tree.college, actor=world.college_admin, upload=upload)
    return {"pk": batch.pk}


def _college_import_with_report(world: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xiaoyou.alumni.models import ImportBatch
    from xiaoyou.alumni.services.importing import import_run_now, import_upload

    # The second row has no name, so the dry run rejects it and writes a report.
    upload = SimpleUploadedFile(
        "校友.csv", "姓名,学号\n张伟,2001001\n,2001002\n".encode(), content_type="text/csv"
    )
    batch = import_upload(org=world.tree.college, actor=world.college_admin, upload=upload)
    import_run_now(batch=batch, actor=world.college_admin, dry_run=True)
    assert ImportBatch.objects.get(pk=batch.pk).report
    return {"pk": batch.pk}


def _college_duplicate_pair(world: World) -> dict[str, Any]:
    from tests.factories import AlumniRecordFactory, DuplicateCandidateFactory

    first = AlumniRecordFactory(org=world.tree.root, department=_college_unit(world))
    second = AlumniRecordFactory(org=world.tree.root, department=_college_unit(world))
    return {"pk": DuplicateCandidateFactory(first=first, second=second).pk}


def _college_unit(world: World) -> Any:
    from tests.factories import DepartmentFactory

    return DepartmentFactory(org=world.tree.college)


def _merged_college_record(world: World) -> dict[str, Any]:
    from xiaoyou.alumni.models import AlumniRecord

    kept = _college_record(world)["pk"]
    made = _college_record(world)
    AlumniRecord.objects.filter(pk=made["pk"]).update(
        deleted_at="2026-01-01T00:00Z", merged_into_id=kept
    )
    return made


CONSOLE_CASES.update(
    {
        "console:alumni_import_detail": Case(_college_import_batch),
        "console:alumni_import_mapping": Case(_college_import_batch),
        "console:alumni_import_preview": Case(_college_import_batch),
        "console:alumni_import_report": Case(_college_import_with_report),
        "console:alumni_import_run": Case(_college_import_batch, method="post"),
        "console:alumni_import_undo": Case(_college_import_batch),
        "console:alumni_duplicate_merge": Case(_college_duplicate_pair),
        "console:alumni_duplicate_dismiss": Case(_college_duplicate_pair, method="post"),
        "console:alumni_record_restore": Case(_merged_college_record, method="post"),
    }
)


def _college_duplicate_pair_id(world: World) -> dict[str, Any]:
    return {"candidate_id": _college_duplicate_pair(world)["pk"]}


def _merged_college_record_id(world: World) -> dict[str, Any]:
    return {"record_id": _merged_college_record(world)["pk"]}


def _college_duplicates_job(world: World) -> dict[str, Any]:
    from xiaoyou.alumni.duplicates import FIND_DUPLICATES_JOB
    from xiaoyou.core.models import Job

    job = Job.objects.create(
        kind=FIND_DUPLICATES_JOB, org=world.tree.college, created_by=world.college_admin
    )
    return {"job_id": job.pk}


API_CASES.update(
    {
        "GET /api/v1/alumni/duplicates/{candidate_id}": Case(_college_duplicate_pair_id),
        "POST /api/v1/alumni/duplicates/{candidate_id}/merge": Case(
            _college_duplicate_pair_id, method="post", json=True, data=lambda world: {}
        ),
        "POST /api/v1/alumni/duplicates/{candidate_id}/dismiss": Case(
            _college_duplicate_pair_id, method="post", json=True, data=lambda world: {}
        ),
        "GET /api/v1/alumni/duplicates/jobs/{job_id}": Case(_college_duplicates_job),
        "POST /api/v1/alumni/merged-records/{record_id}/restore": Case(
            _merged_college_record_id, method="post", json=True, data=lambda world: {}
        ),
    }
)


# 校友统计: a chart's Excel export filtered to an organization the admin administers.
CONSOLE_CASES["console:alumni_stats_export"] = Case(
    lambda world: {"org": world.tree.college.pk, "chart": "college"}
)


# --- Information campaigns (信息采集, issue 4) -------------------------------------------------


def _college_campaign(world: World) -> dict[str, Any]:
    from xiaoyou.alumni.services.campaigns import campaign_create

    campaign = campaign_create(
        actor=world.college_admin,
        org=world.tree.college,
        title="计算机051",
        audience={"class_name": "计算机051"},
        fields=["city"],
    )
    return {"pk": campaign.pk}


def _college_campaign_id(world: World) -> dict[str, Any]:
    return {"campaign_id": _college_campaign(world)["pk"]}


def _college_unmatched_response(world: World) -> dict[str, Any]:
    from xiaoyou.alumni.models import CollectionCampaign
    from xiaoyou.alumni.services.campaign_answers import response_submit

    campaign = CollectionCampaign.objects.get(pk=_college_campaign(world)["pk"])
    response = response_submit(
        campaign=campaign,
        user=None,
        identity={"name": "无档案", "student_id": "NONE1"},
        answers={"city": "杭州"},
    )
    return {"pk": response.pk}


CONSOLE_CASES.update(
    {
        "console:alumni_campaign_detail": Case(_college_campaign),
        "console:alumni_campaign_edit": Case(_college_campaign),
        "console:alumni_campaign_export": Case(_college_campaign),
        "console:alumni_campaign_toggle": Case(_college_campaign, method="post"),
        "console:alumni_campaign_response_link": Case(
            _college_unmatched_response,
            method="post",
            data=lambda world: {"record_id": _college_record(world)["pk"]},
        ),
        "console:alumni_campaign_response_new_record": Case(
            _college_unmatched_response, method="post"
        ),
    }
)
API_CASES.update(
    {
        "GET /api/v1/alumni/campaigns/{campaign_id}": Case(_college_campaign_id),
        "GET /api/v1/alumni/campaigns/{campaign_id}/responses": Case(_college_campaign_id),
        "POST /api/v1/alumni/campaigns/{campaign_id}/close": Case(
            _college_campaign_id, method="post", json=True, data=lambda world: {}
        ),
    }
)


# --- Community (message board, mutual help) ---------------------------------------------------


def _college_private_question(world: World) -> dict[str, Any]:
    # A private question is seen only by its author and the college's admins (and above).
    from tests.community.factories import BoardMessageFactory

    message = BoardMessageFactory(org=world.tree.college, visibility="private")
    return {"pk": message.pk}


def _college_board_reply(world: World) -> dict[str, Any]:
    from tests.community.factories import BoardReplyFactory

    message_pk = _college_private_question(world)["pk"]
    return {"pk": BoardReplyFactory(message_id=message_pk).pk}


def _college_help_post(world: World, **fields: Any) -> dict[str, Any]:
    # Written by the college admin: the author may reply and close; moderation is the college's.
    from tests.community.factories import HelpPostFactory

    post = HelpPostFactory(org=world.tree.college, author=world.college_admin, **fields)
    return {"pk": post.pk}


def _college_help_reply(world: World) -> dict[str, Any]:
    from tests.community.factories import HelpReplyFactory

    return {"pk": HelpReplyFactory(post_id=_college_help_post(world)["pk"]).pk}


def _pending_college_help_post_id(world: World) -> dict[str, Any]:
    return {"post_id": _college_help_post(world, status="pending")["pk"]}


def _college_help_post_id(world: World) -> dict[str, Any]:
    return {"post_id": _college_help_post(world)["pk"]}


def _college_private_question_id(world: World) -> dict[str, Any]:
    return {"message_id": _college_private_question(world)["pk"]}


CONSOLE_CASES.update(
    {
        "console:community_message": Case(_college_private_question),
        "console:community_message_reply": Case(
            _college_private_question, method="post", data=lambda world: {"body": "已收到"}
        ),
        "console:community_message_moderate": Case(
            _college_private_question, method="post", data=lambda world: {"action": "pin"}
        ),
        "console:community_reply_hide": Case(_college_board_reply, method="post"),
        "console:community_help_post": Case(_college_help_post),
        "console:community_help_moderate": Case(
            _college_help_post, method="post", data=lambda world: {"action": "hide"}
        ),
        "console:community_help_reply_hide": Case(_college_help_reply, method="post"),
    }
)
API_CASES.update(
    {
        "GET /api/v1/community/board/messages/{message_id}": Case(_college_private_question_id),
        "POST /api/v1/community/board/messages/{message_id}/replies": Case(
            _college_private_question_id,
            method="post",
            json=True,
            data=lambda world: {"body": "已收到"},
            allowed=201,
        ),
        "GET /api/v1/community/help/posts/{post_id}": Case(_pending_college_help_post_id),
        "POST /api/v1/community/help/posts/{post_id}/replies": Case(
            _college_help_post_id,
            method="post",
            json=True,
            data=lambda world: {"body": "补充"},
            allowed=201,
        ),
        "POST /api/v1/community/help/posts/{post_id}/close": Case(
            _college_help_post_id, method="post", json=True, data=lambda world: {}
        ),
    }
)


# --- Directory and business cards (the directory is for verified alumni) -----------------------


def _verified(user: Any) -> Any:
    from tests.directory.factories import make_alumnus
    from xiaoyou.alumni.models import AlumniRecord

    found = AlumniRecord.objects.filter(user=user).first()
    return found if found is not None else make_alumnus(user=user)[1]


def _directory_record_id(world: World) -> dict[str, Any]:
    # The college admin is a verified alumnus here; the regional admin and outsiders are not.
    from tests.directory.factories import make_alumnus

    _verified(world.college_admin)
    return {"record_id": make_alumnus()[1].pk}


def _college_address_book(world: World) -> dict[str, Any]:
    return {"organization_id": world.tree.college.pk}


def _card_to_college_admin(world: World, status: str = "pending") -> dict[str, Any]:
    from tests.directory.factories import CardExchangeFactory, make_alumnus

    _verified(world.college_admin)
    requester, _record = make_alumnus()
    exchange = CardExchangeFactory(
        requester=requester, recipient=world.college_admin, status=status
    )
    return {"exchange_id": exchange.pk}


def _card_exchanged_with_college_admin(world: World) -> dict[str, Any]:
    return _card_to_college_admin(world, status="accepted")


API_CASES.update(
    {
        "GET /api/v1/directory/alumni/{record_id}": Case(_directory_record_id),
        "GET /api/v1/directory/organizations/{organization_id}/members": Case(
            _college_address_book
        ),
        "POST /api/v1/directory/alumni/{record_id}/card-requests": Case(
            _directory_record_id, method="post", json=True, data=lambda world: {}, allowed=201
        ),
        "POST /api/v1/directory/cards/{exchange_id}/accept": Case(
            _card_to_college_admin, method="post"
        ),
        "POST /api/v1/directory/cards/{exchange_id}/decline": Case(
            _card_to_college_admin, method="post"
        ),
        "GET /api/v1/directory/cards/{exchange_id}/vcard": Case(_card_exchanged_with_college_admin),
    }
)


# --- Payments: offline recording (paycore) ------------------------------------------------------


def _college_payment_order(world: World) -> dict[str, Any]:
    from xiaoyou.payments.models import PaymentRequest
    from xiaoyou.payments.services.orders import order_create

    fee = PaymentRequest.objects.create(org=world.tree.college, title="会费", amount=10000)
    order = order_create(payable=fee, amount=10000, subject="会费", org=world.tree.college)
    return {"pk": order.pk}


CONSOLE_CASES.update({"console:payments_offline_record": Case(_college_payment_order)})


def test_every_route_with_an_id_is_in_the_matrix():
    console = console_routes_with_ids()
    api = api_operations_with_ids()
    assert console, "the console has routes with ids; the enumeration found none"
    assert api, "the API has paths with ids; the enumeration found none"
    missing = sorted((console - set(CONSOLE_CASES)) | (api - set(API_CASES)))
    assert not missing, (
        "Routes that take an id but are not in tests/test_permission_matrix.py: "
        f"{missing}. Add each to CONSOLE_CASES or API_CASES."
    )
    stale = sorted((set(CONSOLE_CASES) - console) | (set(API_CASES) - api))
    assert not stale, f"Rows for routes that no longer exist: {stale}"


# --- Payments console (issue 6) -------------------------------------------------------------


def _college_paid_order(world: World) -> dict[str, Any]:
    from tests.payments.factories import paid_order

    return {"pk": paid_order(org=world.tree.club).pk}


def _college_payment_request(world: World) -> dict[str, Any]:
    from xiaoyou.payments.models import PaymentRequest

    item = PaymentRequest.objects.create(org=world.tree.club, title="会费", amount=100)
    return {"pk": item.pk}


def _reconciliation_report(world: World) -> dict[str, Any]:
    from tests.payments.factories import ReconciliationReportFactory

    return {"pk": ReconciliationReportFactory().pk}


CONSOLE_CASES.update(
    {
        "console:payments_order": Case(_college_paid_order),
        # An empty form: the college admin reaches the form's errors (400), never the service.
        "console:payments_order_refund": Case(_college_paid_order, method="post", allowed=400),
        "console:payments_order_receipt": Case(_college_paid_order),
        "console:payments_order_receipt_pdf": Case(_college_paid_order),
        "console:payments_request": Case(_college_payment_request),
        "console:payments_request_edit": Case(_college_payment_request),
        # Reports are the school's provider accounts: only main-association admins see them.
        "console:payments_report": Case(_reconciliation_report, allowed=403),
        "console:payments_report_download": Case(_reconciliation_report, allowed=403),
    }
)


# --- Events console (issue 7, evui) ------------------------------------------------------------


def _college_event(world: World) -> dict[str, Any]:
    from tests.events.factories import EventFactory, TicketTypeFactory
    from xiaoyou.events.models import EventStatus

    event = EventFactory(org=world.tree.club, status=EventStatus.DRAFT)
    TicketTypeFactory(event=event)
    return {"pk": event.pk}


def _college_registration(world: World) -> dict[str, Any]:
    from tests.events.factories import RegistrationFactory
    from xiaoyou.events.models import Event, RegistrationStatus

    event = Event.objects.get(pk=_college_event(world)["pk"])
    registration = RegistrationFactory(
        event=event,
        ticket_type=event.ticket_types.get(),
        status=RegistrationStatus.PENDING_REVIEW,
    )
    return {"pk": event.pk, "registration_pk": registration.pk}


def _approve(world: World) -> dict[str, Any]:
    return {"action": "approve"}


CONSOLE_CASES.update(
    {
        "console:event_edit": Case(_college_event),
        "console:event_publish": Case(_college_event, method="post"),
        "console:event_cancel": Case(_college_event),
        "console:event_copy": Case(_college_event, method="post"),
        "console:event_registrations": Case(_college_event),
        "console:event_registrations_bulk": Case(_college_event, method="post", data=_approve),
        "console:event_registration": Case(_college_registration),
        "console:event_registration_decide": Case(
            _college_registration, method="post", data=_approve
        ),
    }
)


def _weekly(world: World) -> dict[str, Any]:
    return {"frequency": "weekly", "count": "1"}


def _session_title(world: World) -> dict[str, Any]:
    return {"title": "分论坛"}


CONSOLE_CASES.update(
    {
        "console:event_series_extend": Case(_college_event, method="post", data=_weekly),
        "console:event_session_add": Case(_college_event, method="post", data=_session_title),
    }
)


# --- Events: discussion, notices and online activities (issue 7 items 7, 12, 15) -------------


def _college_published_event(world: World) -> Any:
    from tests.events.factories import EventFactory

    return EventFactory(org=world.tree.club)


def _college_event_comment(world: World) -> dict[str, Any]:
    from xiaoyou.events.models import EventComment

    event = _college_published_event(world)
    comment = EventComment.objects.create(event=event, author=UserFactory(), body="什么时候开始？")
    return {"pk": event.pk, "comment_pk": comment.pk}


def _college_gift(world: World) -> dict[str, Any]:
    from xiaoyou.events.models import GiftOffer

    event = _college_published_event(world)
    gift = GiftOffer.objects.create(event=event, name="校友月饼", stock=5, claimed=1)
    return {"pk": event.pk, "gift_pk": gift.pk}


def _college_gift_claim(world: World) -> dict[str, Any]:
    from xiaoyou.events.models import GiftClaim, GiftOffer

    keys = _college_gift(world)
    claim = GiftClaim.objects.create(
        offer=GiftOffer.objects.get(pk=keys["gift_pk"]),
        user=UserFactory(),
        name="校友",
        phone="13800000000",
        address="北京市海淀区",
    )
    return {"pk": keys["pk"], "claim_pk": claim.pk}


def _college_challenge(world: World) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    from xiaoyou.events.models import Challenge

    event = _college_published_event(world)
    now = timezone.now()
    challenge = Challenge.objects.create(
        event=event,
        name="线上毅行",
        unit="km",
        max_per_report=50,
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=1),
    )
    return {"pk": event.pk, "challenge_pk": challenge.pk}


def _college_challenge_report(world: World) -> dict[str, Any]:
    from xiaoyou.events.models import Challenge, ChallengeReport

    keys = _college_challenge(world)
    report = ChallengeReport.objects.create(
        challenge=Challenge.objects.get(pk=keys["challenge_pk"]), user=UserFactory(), amount=10
    )
    return {"pk": keys["pk"], "report_pk": report.pk}


def _hide(world: World) -> dict[str, Any]:
    return {"action": "hide"}


def _official_reply(world: World) -> dict[str, Any]:
    return {"body": "下午两点开始。"}


def _tracking(world: World) -> dict[str, Any]:
    return {"tracking_number": "SF1234567890"}


def _publish_none(world: World) -> dict[str, Any]:
    return {"action": "publish", "ids": []}


CONSOLE_CASES.update(
    {
        "console:event_discussion": Case(_college_event),
        "console:event_discussion_bulk": Case(_college_event, method="post", data=_publish_none),
        "console:event_comment": Case(_college_event_comment),
        "console:event_comment_moderate": Case(_college_event_comment, method="post", data=_hide),
        "console:event_comment_reply": Case(
            _college_event_comment, method="post", data=_official_reply
        ),
        "console:event_notices": Case(_college_event),
        "console:event_online": Case(_college_event),
        "console:event_wall_moderate": Case(_college_event, method="post", data=_publish_none),
        "console:event_gift_create": Case(_college_event),
        "console:event_gift_edit": Case(_college_gift),
        "console:event_gift_claims": Case(_college_event),
        "console:event_gift_claim": Case(_college_gift_claim),
        "console:event_gift_claim_ship": Case(_college_gift_claim, method="post", data=_tracking),
        "console:event_gift_claim_cancel": Case(_college_gift_claim, method="post"),
        "console:event_challenge_create": Case(_college_event),
        "console:event_challenge": Case(_college_challenge),
        "console:event_challenge_report_void": Case(_college_challenge_report, method="post"),
    }
)


# --- Donations (issue 9) ---------------------------------------------------------------------


def _college_project(world: World) -> dict[str, Any]:
    from tests.donations.factories import ProjectFactory

    return {"pk": ProjectFactory(org=world.tree.club).pk}


def _college_paid_gift(world: World) -> dict[str, Any]:
    from django.utils import timezone

    from tests.donations.factories import ProjectFactory
    from xiaoyou.donations.models import Donation, DonationStatus

    gift = Donation.objects.create(
        project=ProjectFactory(org=world.tree.club),
        donor_name="校友",
        amount=5000,
        status=DonationStatus.PAID,
        paid_at=timezone.now(),
    )
    gift.certificate_number = f"JZ2026-{gift.pk:06d}"
    gift.save(update_fields=["certificate_number"])
    return {"pk": gift.pk}


def _publish(world: World) -> dict[str, Any]:
    return {"action": "publish"}


def _report(world: World) -> dict[str, Any]:
    return {"title": "年度报告", "spent": "10"}


CONSOLE_CASES.update(
    {
        "console:donation_project": Case(_college_project),
        "console:donation_project_status": Case(_college_project, method="post", data=_publish),
        "console:donation_report_add": Case(_college_project, method="post", data=_report),
        "console:donation_certificate": Case(_college_paid_gift),
    }
)


# --- Donations: giving days and beneficiaries (issue 9 items 6 and 7, giving) -------------------


def _college_giving_day(world: World) -> dict[str, Any]:
    from django.utils import timezone

    from xiaoyou.donations.models import GivingDay

    now = timezone.now()
    day = GivingDay.objects.create(
        org=world.tree.club, title="捐赠日", starts_at=now, ends_at=now + timezone.timedelta(days=1)
    )
    return {"pk": day.pk}


def _college_giving_challenge(world: World) -> dict[str, Any]:
    from xiaoyou.donations.models import GivingChallenge

    pk = _college_giving_day(world)["pk"]
    challenge = GivingChallenge.objects.create(
        giving_day_id=pk, title="百人捐", kind="donors", threshold=100
    )
    return {"pk": pk, "challenge_pk": challenge.pk}


def _challenge_body(world: World) -> dict[str, Any]:
    return {"title": "百人捐", "kind": "donors", "threshold": "100"}


def _college_beneficiary(world: World) -> dict[str, Any]:
    from tests.donations.factories import ProjectFactory
    from xiaoyou.donations.models import ProjectBeneficiary

    beneficiary = ProjectBeneficiary.objects.create(
        project=ProjectFactory(org=world.tree.club), user=UserFactory()
    )
    return {"pk": beneficiary.project_id, "beneficiary_pk": beneficiary.pk}


def _college_beneficiary_post(world: World) -> dict[str, Any]:
    from tests.donations.factories import ProjectFactory
    from xiaoyou.donations.models import BeneficiaryPost

    post = BeneficiaryPost.objects.create(
        project=ProjectFactory(org=world.tree.club), author=UserFactory(), body="谢谢"
    )
    return {"pk": post.project_id, "post_pk": post.pk}


def _beneficiary_contact(world: World) -> dict[str, Any]:
    return {"contact": UserFactory().email}


CONSOLE_CASES.update(
    {
        "console:giving_day": Case(_college_giving_day),
        "console:giving_day_status": Case(_college_giving_day, method="post", data=_publish),
        "console:giving_challenge_add": Case(
            _college_giving_day, method="post", data=_challenge_body
        ),
        "console:giving_challenge_remove": Case(_college_giving_challenge, method="post"),
        "console:donation_beneficiaries": Case(_college_project),
        "console:donation_beneficiary_add": Case(
            _college_project, method="post", data=_beneficiary_contact
        ),
        "console:donation_beneficiary_remove": Case(_college_beneficiary, method="post"),
        "console:donation_post_moderate": Case(
            _college_beneficiary_post, method="post", data=_publish
        ),
    }
)


# --- Donations: monthly pledges and donors' replies (issue 9, don) ------------------------------


def _college_post_reply(world: World) -> dict[str, Any]:
    from tests.donations.factories import ProjectFactory
    from xiaoyou.donations.models import BeneficiaryPost, PostReply

    post = BeneficiaryPost.objects.create(
        project=ProjectFactory(org=world.tree.club), author=UserFactory(), body="谢谢"
    )
    reply = PostReply.objects.create(post=post, author=UserFactory(), body="加油")
    return {"pk": post.project_id, "reply_pk": reply.pk}


CONSOLE_CASES.update(
    {
        "console:donation_pledges": Case(_college_project),
        "console:donation_reply_moderate": Case(_college_post_reply, method="post", data=_publish),
    }
)


# --- Events check-in, badges and seats (issue 7, evcheckin) ------------------------------------


def _college_checkin_event(world: World) -> dict[str, Any]:
    from tests.events.factories import EventFactory

    return {"pk": EventFactory(org=world.tree.club).pk}


def _college_checkin_registration(world: World) -> dict[str, Any]:
    from tests.events.factories import EventFactory, RegistrationFactory

    registration = RegistrationFactory(event=EventFactory(org=world.tree.club))
    return {"pk": registration.event_id, "registration_pk": registration.pk}


def _scan_body(world: World) -> dict[str, Any]:
    return {"token": "ABCDEFGHJK.AAAAAAAAAAAAAAAA", "device": "matrix"}


def _sync_body(world: World) -> dict[str, Any]:
    return {"device": "matrix", "scans": []}


def _seat_body(world: World) -> dict[str, Any]:
    return {"seat": "1"}


CONSOLE_CASES.update(
    {
        "console:events_checkin": Case(_college_checkin_event),
        "console:events_checkin_scan": Case(
            _college_checkin_event, method="post", data=_scan_body, json=True
        ),
        "console:events_checkin_search": Case(_college_checkin_event),
        "console:events_checkin_counts": Case(_college_checkin_event),
        "console:events_checkin_manual": Case(
            _college_checkin_registration, method="post", data=_sync_body, json=True
        ),
        "console:events_checkin_bundle": Case(_college_checkin_event),
        "console:events_checkin_sync": Case(
            _college_checkin_event, method="post", data=_sync_body, json=True
        ),
        "console:events_checkin_venue_qr": Case(_college_checkin_event),
        "console:events_badges_pdf": Case(_college_checkin_event),
        "console:events_seats": Case(_college_checkin_event),
        "console:events_seats_export": Case(_college_checkin_event),
        "console:events_seat_set": Case(
            _college_checkin_registration, method="post", data=_seat_body
        ),
    }
)


# --- Content: albums and photos (issue 8; event photos, issue 7 item 8) ------------------------


def _college_album(world: World) -> dict[str, Any]:
    from tests.content.factories import AlbumFactory, PhotoFactory

    album = AlbumFactory(org=world.tree.club)
    PhotoFactory(album=album)
    return {"pk": album.pk}


def _album_zip(world: World) -> dict[str, Any]:
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.content.images import png_bytes

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.png", png_bytes())
    return {"archive": SimpleUploadedFile("a.zip", buffer.getvalue())}


CONSOLE_CASES.update(
    {
        "console:content_album": Case(_college_album),
        "console:content_album_edit": Case(_college_album),
        "console:content_album_export": Case(_college_album),
        "console:content_album_delete": Case(_college_album, method="post"),
        "console:content_album_bulk": Case(
            _college_album, method="post", data=lambda world: {"action": "hide"}
        ),
        "console:content_album_import": Case(_college_album, method="post", data=_album_zip),
        "console:event_photos": Case(_college_event),
    }
)


# --- Content: face search (issue 8 item 4) -----------------------------------------------------


def _college_face(world: World) -> dict[str, Any]:
    from tests.content.factories import AlbumFactory, PhotoFactory
    from xiaoyou.content.models import DetectedFace

    photo = PhotoFactory(album=AlbumFactory(org=world.tree.club))
    face = DetectedFace.objects.create(
        photo=photo, top=1, left=1, right=20, bottom=20, encoding=bytes(512)
    )
    return {"pk": face.pk, "photo_pk": photo.pk}


CONSOLE_CASES.update(
    {
        "console:content_photo_faces": Case(lambda world: {"pk": _college_face(world)["photo_pk"]}),
        "console:content_face_tag": Case(
            lambda world: {"pk": _college_face(world)["pk"]},
            method="post",
            data=lambda world: {"person": ""},
        ),
    }
)


# --- Events lottery and statistics (issue 7 items 11 and 13) ----------------------------------


def _college_prize(world: World) -> dict[str, Any]:
    from xiaoyou.events.models import LotteryPrize

    event = _college_event(world)
    prize = LotteryPrize.objects.create(event_id=event["pk"], name="一等奖", quantity=1)
    return {"pk": event["pk"], "prize_pk": prize.pk}


def _college_draw(world: World) -> dict[str, Any]:
    from django.utils import timezone

    from tests.events.factories import RegistrationFactory
    from xiaoyou.events.models import Event, LotteryPrize
    from xiaoyou.events.services.lottery import lottery_draw

    event = Event.objects.get(pk=_college_event(world)["pk"])
    RegistrationFactory(
        event=event, ticket_type=event.ticket_types.get(), checked_in_at=timezone.now()
    )
    prize = LotteryPrize.objects.create(event=event, name="一等奖", quantity=1)
    draw = lottery_draw(actor=world.college_admin, prize=prize, count=1)
    return {"pk": event.pk, "draw_pk": draw.pk}


CONSOLE_CASES.update(
    {
        "console:event_lottery": Case(_college_event),
        "console:event_lottery_draw_record": Case(_college_draw),
        "console:event_lottery_prize_add": Case(
            _college_event, method="post", data=lambda world: {"name": "一等奖", "quantity": "1"}
        ),
        "console:event_lottery_prize_edit": Case(_college_prize),
        "console:event_lottery_prize_delete": Case(_college_prize, method="post"),
        "console:event_lottery_draw": Case(_college_event, method="post"),
        "console:event_lottery_screen": Case(_college_event),
        "console:event_lottery_export": Case(_college_event),
        "console:event_statistics": Case(_college_event),
        "console:event_statistics_export": Case(_college_event),
    }
)


# --- Polls (issue 9 items 8-12) -----------------------------------------------------------------


def _college_poll(world: World) -> dict[str, Any]:
    from tests.polls.factories import poll_with_options

    return {"pk": poll_with_options(world.tree.club).pk}


def _college_poll_comment(world: World) -> dict[str, Any]:
    from tests.polls.factories import PollCommentFactory, poll_with_options

    poll = poll_with_options(world.tree.club)
    return {"pk": poll.pk, "comment_pk": PollCommentFactory(poll=poll).pk}


CONSOLE_CASES.update(
    {
        "console:poll_edit": Case(_college_poll),
        "console:poll_action": Case(
            lambda world: {**_college_poll(world), "action": "pause"}, method="post"
        ),
        "console:poll_links": Case(_college_poll),
        "console:poll_statistics": Case(_college_poll),
        "console:poll_results_json": Case(_college_poll),
        "console:poll_export": Case(_college_poll),
        "console:poll_votes_export": Case(_college_poll),
        "console:poll_comments": Case(_college_poll),
        "console:poll_comment_moderate": Case(
            _college_poll_comment, method="post", data=lambda world: {"action": "hide"}
        ),
    }
)


# --- Articles (文章, issue 8 item 1) -------------------------------------------------------------


def _college_article(world: World) -> dict[str, Any]:
    from xiaoyou.content.services.articles import article_create

    article = article_create(
        actor=world.college_admin, org=world.tree.club, title="俱乐部新闻", body="<p>正文</p>"
    )
    return {"pk": article.pk}


def _college_article_attachment(world: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xiaoyou.content.models import Article
    from xiaoyou.content.services.article_files import attachment_add

    article = Article.objects.get(pk=_college_article(world)["pk"])
    attachment = attachment_add(
        actor=world.college_admin, article=article, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4")
    )
    return {"pk": attachment.pk}


def _college_article_revision(world: World) -> dict[str, Any]:
    from xiaoyou.content.models import ArticleRevision

    revision = ArticleRevision.objects.get(article_id=_college_article(world)["pk"])
    return {"pk": revision.pk}


def _college_article_comment(world: World) -> dict[str, Any]:
    from xiaoyou.content.models import Article
    from xiaoyou.content.services.article_comments import comment_post
    from xiaoyou.content.services.articles import article_publish

    article = Article.objects.get(pk=_college_article(world)["pk"])
    article = article_publish(actor=world.college_admin, article=article)
    comment = comment_post(actor=UserFactory(), article=article, body="好文章")
    return {"pk": comment.pk}


def _college_article_category(world: World) -> dict[str, Any]:
    from xiaoyou.content.services.articles import category_create

    category = category_create(actor=world.college_admin, org=world.tree.club, name="赛事")
    return {"pk": category.pk}


def _pdf_upload(world: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("b.pdf", b"%PDF-1.4")}


CONSOLE_CASES.update(
    {
        "console:content_article_edit": Case(_college_article),
        "console:content_article_action": Case(
            _college_article, method="post", data=lambda world: {"action": "pin"}
        ),
        "console:content_article_attachment_upload": Case(
            _college_article, method="post", data=_pdf_upload
        ),
        "console:content_article_attachment_delete": Case(
            _college_article_attachment, method="post"
        ),
        "console:content_article_revisions": Case(_college_article),
        "console:content_article_revision_restore": Case(_college_article_revision, method="post"),
        "console:content_article_comments": Case(_college_article),
        "console:content_article_comment_moderate": Case(
            _college_article_comment, method="post", data=lambda world: {"action": "approve"}
        ),
        "console:content_article_category_delete": Case(_college_article_category, method="post"),
    }
)


# --- Content API: albums, photos, articles (issue 8 item 5) ------------------------------------


def _college_members_album_id(world: World) -> dict[str, Any]:
    # For the club's members only: another organization's admin does not see it at all.
    from tests.content.factories import AlbumFactory, PhotoFactory
    from xiaoyou.content.models import ViewPermission

    album = AlbumFactory(org=world.tree.club, view_permission=ViewPermission.MEMBERS)
    PhotoFactory(album=album)
    return {"album_id": album.pk}


def _college_members_photo_id(world: World) -> dict[str, Any]:
    from xiaoyou.content.models import Photo

    album_id = _college_members_album_id(world)["album_id"]
    return {"photo_id": Photo.objects.get(album_id=album_id).pk}


def _college_album_photo_ids(world: World) -> dict[str, Any]:
    from xiaoyou.content.models import Photo

    photos = Photo.objects.filter(album__org=world.tree.club).values_list("pk", flat=True)
    return {"action": "hide", "photo_ids": list(photos)}


def _photo_upload(world: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.content.images import jpeg_bytes

    return {"photos": SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg")}


def _college_article_id(world: World) -> dict[str, Any]:
    # A draft: seen by the club's and the college's admins only.
    return {"article_id": _college_article(world)["pk"]}


def _deleted_college_article_id(world: World) -> dict[str, Any]:
    from xiaoyou.content.models import Article
    from xiaoyou.content.services.articles import article_delete

    article = Article.objects.get(pk=_college_article(world)["pk"])
    article_delete(actor=world.college_admin, article=article)
    return {"article_id": article.pk}


API_CASES.update(
    {
        "GET /api/v1/content/albums/{album_id}": Case(_college_members_album_id),
        "PATCH /api/v1/content/albums/{album_id}": Case(
            _college_members_album_id, method="patch", json=True, data=lambda world: {"title": "改"}
        ),
        "DELETE /api/v1/content/albums/{album_id}": Case(
            _college_members_album_id, method="delete", allowed=204
        ),
        "GET /api/v1/content/albums/{album_id}/photos": Case(_college_members_album_id),
        "POST /api/v1/content/albums/{album_id}/photos": Case(
            _college_members_album_id, method="post", data=_photo_upload, allowed=201
        ),
        "POST /api/v1/content/albums/{album_id}/photos/bulk": Case(
            _college_members_album_id, method="post", json=True, data=_college_album_photo_ids
        ),
        "GET /api/v1/content/photos/{photo_id}": Case(_college_members_photo_id),
        "DELETE /api/v1/content/photos/{photo_id}": Case(
            _college_members_photo_id, method="delete", allowed=204
        ),
        "GET /api/v1/content/articles/{article_id}": Case(_college_article_id),
        "GET /api/v1/content/articles/{article_id}/comments": Case(_college_article_id),
        # Anyone signed in may comment on a published article (not an admin's right); on a
        # draft another organization's admin gets 404 and even its own admins a 403.
        "POST /api/v1/content/articles/{article_id}/comments": Case(
            _college_article_id,
            method="post",
            json=True,
            data=lambda world: {"body": "好"},
            allowed=403,
        ),
        "GET /api/v1/content/console/articles/{article_id}": Case(_college_article_id),
        "PATCH /api/v1/content/console/articles/{article_id}": Case(
            _college_article_id, method="patch", json=True, data=lambda world: {"title": "改"}
        ),
        "DELETE /api/v1/content/console/articles/{article_id}": Case(
            _college_article_id, method="delete"
        ),
        "POST /api/v1/content/console/articles/{article_id}/publish": Case(
            _college_article_id, method="post", json=True, data=lambda world: {}
        ),
        "POST /api/v1/content/console/articles/{article_id}/submit": Case(
            _college_article_id, method="post", json=True, data=lambda world: {}
        ),
        "POST /api/v1/content/console/articles/{article_id}/restore": Case(
            _deleted_college_article_id, method="post"
        ),
    }
)


# --- SMS campaigns (短信群发, issue 10 items 6-9) ---------------------------------------------------


def _college_sms_campaign(world: World) -> dict[str, Any]:
    from tests.messaging.sms_support import upload_campaign

    campaign = upload_campaign(world.college_admin, world.tree.club, ["13900000001"])
    return {"pk": campaign.pk}


def _sms_opt_out(world: World) -> int:
    from xiaoyou.messaging.models import SmsOptOut

    return SmsOptOut.objects.create(phone="13900000002", source="reply").pk


CONSOLE_CASES.update(
    {
        "console:messaging_sms_campaign_detail": Case(_college_sms_campaign),
        "console:messaging_sms_campaign_edit": Case(_college_sms_campaign),
        "console:messaging_sms_campaign_action": Case(
            lambda world: {**_college_sms_campaign(world), "action": "cancel"}, method="post"
        ),
        # The opt-out list is the platform admins': the college admin is refused too.
        "console:messaging_sms_opt_out_remove": Case(
            lambda world: {"pk": _sms_opt_out(world)}, method="post", allowed=403
        ),
    }
)


# --- Email campaigns (邮件群发, issue 10 items 1-5) ---------------------------------------------


def _college_email_campaign(world: World) -> dict[str, Any]:
    from xiaoyou.messaging.services.email_campaigns import email_campaign_create

    campaign = email_campaign_create(
        actor=world.college_admin,
        org=world.tree.club,
        name="通知",
        subject="{{ name }}您好",
        body_html="<p>内容</p>",
        audience_kind="upload",
        uploaded=[{"name": "王芳", "email": "wang@example.com"}],
    )
    return {"pk": campaign.pk}


def _college_email_template(world: World) -> dict[str, Any]:
    from xiaoyou.messaging.models import EmailTemplate

    template = EmailTemplate.objects.create(
        org=world.tree.college, name="素材", subject="主题", body_html="<p>正文</p>"
    )
    return {"pk": template.pk}


def _college_admins_upload_report(world: World) -> dict[str, Any]:
    import io

    from xiaoyou.messaging.audience_uploads import UploadInvalid, upload_parse

    file = io.BytesIO("邮箱\nnot-an-address\n".encode())
    file.name = "list.csv"
    try:
        upload_parse(file, "email", owner=world.college_admin)
    except UploadInvalid as error:
        return {"name": error.report_name}
    raise AssertionError("the list should be refused")


CONSOLE_CASES.update(
    {
        "console:messaging_email_campaign_detail": Case(_college_email_campaign),
        "console:messaging_email_campaign_edit": Case(_college_email_campaign),
        "console:messaging_email_campaign_preview": Case(_college_email_campaign),
        "console:messaging_email_campaign_test": Case(
            _college_email_campaign,
            method="post",
            data=lambda world: {"addresses": "me@example.com"},
        ),
        "console:messaging_email_campaign_schedule": Case(
            _college_email_campaign, method="post", data=lambda world: {"unschedule": "1"}
        ),
        "console:messaging_email_campaign_action": Case(
            lambda world: {**_college_email_campaign(world), "action": "cancel"}, method="post"
        ),
        "console:messaging_email_template_edit": Case(_college_email_template),
        "console:messaging_upload_report": Case(_college_admins_upload_report),
    }
)


# --- Cloud card (校友云卡, issue 11) -------------------------------------------------------------


def _college_card_partner(world: World) -> dict[str, Any]:
    from tests.cards.factories import CardProgramFactory, PartnerFactory

    return {"pk": PartnerFactory(program=CardProgramFactory(org=world.tree.club)).pk}


def _college_card(world: World) -> dict[str, Any]:
    from tests.cards.factories import CardFactory, CardProgramFactory

    return {"pk": CardFactory(program=CardProgramFactory(org=world.tree.club)).pk}


def _college_voucher_type(world: World) -> dict[str, Any]:
    from tests.cards.factories import CardProgramFactory, PartnerFactory, VoucherTypeFactory

    partner = PartnerFactory(program=CardProgramFactory(org=world.tree.club))
    return {"pk": VoucherTypeFactory(partner=partner).pk}


def _college_voucher_rule(world: World) -> dict[str, Any]:
    from tests.cards.factories import VoucherRuleFactory
    from xiaoyou.cards.models import VoucherType

    voucher_type = VoucherType.objects.get(pk=_college_voucher_type(world)["pk"])
    rule = VoucherRuleFactory(voucher_type=voucher_type)
    return {"pk": voucher_type.pk, "rule_pk": rule.pk}


CONSOLE_CASES.update(
    {
        "console:card_partner": Case(_college_card_partner),
        "console:card_partner_qr": Case(_college_card_partner),
        "console:card_partner_remove": Case(_college_card_partner, method="post"),
        "console:card_partner_reset_qr": Case(_college_card_partner, method="post"),
        "console:card_voucher_type": Case(_college_voucher_type),
        "console:card_voucher_issue": Case(
            _college_voucher_type, method="post", data=lambda world: {"recipients": "XY0"}
        ),
        "console:card_voucher_rule_add": Case(
            _college_voucher_type, method="post", data=lambda world: {"event": "0"}
        ),
        "console:card_voucher_rule_remove": Case(_college_voucher_rule, method="post"),
        "console:card_holder": Case(_college_card),
        "console:card_revoke": Case(_college_card, method="post"),
    }
)


# --- Discovery (知名校友, issue 12) ---------------------------------------------------------------


def _college_crawl_run(world: World) -> dict[str, Any]:
    from tests.factories import CrawlRunFactory

    return {"pk": CrawlRunFactory(org=world.tree.club).pk}


def _college_candidate(world: World) -> dict[str, Any]:
    from tests.factories import NotableCandidateFactory

    return {"pk": NotableCandidateFactory(org=world.tree.club).pk}


def _college_notable(world: World) -> dict[str, Any]:
    from tests.factories import NotableAlumnusFactory

    return {"pk": NotableAlumnusFactory(org=world.tree.club).pk}


CONSOLE_CASES.update(
    {
        "console:discovery_crawl": Case(_college_crawl_run),
        "console:discovery_candidate": Case(_college_candidate),
        "console:discovery_candidate_decide": Case(
            _college_candidate, method="post", data=lambda world: {"action": "reject"}
        ),
        "console:discovery_notable_visibility": Case(
            _college_notable, method="post", data=lambda world: {"visibility": "public"}
        ),
    }
)


# --- Shop (商品, 订单, 积分, issue 13) -------------------------------------------------------------


def _college_product(world: World) -> dict[str, Any]:
    from tests.shop.factories import ProductFactory

    return {"pk": ProductFactory(org=world.tree.club).pk}


def _college_shop_order(world: World) -> dict[str, Any]:
    from tests.shop.factories import ProductFactory, VariantFactory
    from xiaoyou.shop.services.orders import Item, order_checkout
    from xiaoyou.shop.services.points import points_credit

    buyer = UserFactory()
    points_credit(user=buyer, points=1000, reason="test", source="matrix:1")
    variant = VariantFactory(product=ProductFactory(org=world.tree.club))
    order = order_checkout(
        buyer=buyer, items=[Item(variant.pk, 1)], pay_method="points", delivery="pickup"
    )
    return {"pk": order.pk}


CONSOLE_CASES.update(
    {
        "console:shop_product": Case(_college_product),
        "console:shop_variant_save": Case(
            _college_product, method="post", data=lambda world: {"label": "L", "stock": "3"}
        ),
        "console:shop_order": Case(_college_shop_order),
        "console:shop_order_ship": Case(
            _college_shop_order, method="post", data=lambda world: {"shipping_number": ""}
        ),
        "console:shop_order_refund": Case(
            _college_shop_order, method="post", data=lambda world: {"reason": "退货"}
        ),
    }
)


def _college_off_shelf_product_id(world: World) -> dict[str, Any]:
    # Off the shelf: only its organization's admins preview it (anyone sees it once on sale).
    from tests.shop.factories import ProductFactory

    return {"product_id": ProductFactory(org=world.tree.club, is_on_shelf=False).pk}


def _college_admins_own_shop_order_id(world: World) -> dict[str, Any]:
    # "My orders": the college admin's own order; nobody else reads it through the API.
    from tests.shop.factories import ProductFactory, VariantFactory
    from xiaoyou.shop.services.orders import Item, order_checkout
    from xiaoyou.shop.services.points import points_credit

    points_credit(user=world.college_admin, points=1000, reason="test", source="matrix:2")
    variant = VariantFactory(product=ProductFactory(org=world.tree.club))
    order = order_checkout(
        buyer=world.college_admin,
        items=[Item(variant.pk, 1)],
        pay_method="points",
        delivery="pickup",
    )
    return {"order_id": order.pk}


API_CASES.update(
    {
        "GET /api/v1/shop/products/{product_id}": Case(_college_off_shelf_product_id),
        "GET /api/v1/shop/orders/{order_id}": Case(_college_admins_own_shop_order_id),
    }
)


# --- The matrix --------------------------------------------------------------------------------


@pytest.fixture
def world(org_tree, college_admin, regional_admin) -> World:
    from allauth.mfa.models import Authenticator

    # Staff need a TOTP authenticator before the console lets them in.
    for user in (college_admin, regional_admin):
        Authenticator.objects.get_or_create(
            user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "unused"}}
        )
    return World(tree=org_tree, college_admin=college_admin, regional_admin=regional_admin)


def _call(client, case: Case, url: str, world: World):
    data = case.data(world) if case.data else {}
    if case.json:
        return getattr(client, case.method)(url, data, content_type="application/json")
    if case.method == "post":
        return client.post(url, data)
    if case.method != "get":
        return getattr(client, case.method)(url)
    return client.get(url)


def _assert_allowed(response, case: Case) -> None:
    if case.method == "post" and response.status_code == 302:
        assert "/accounts/" not in response["Location"], response["Location"]
        return
    assert response.status_code == case.allowed, (response.status_code, response.content[:300])


@pytest.mark.parametrize("route", sorted(CONSOLE_CASES))
def test_console_route_is_closed_to_another_orgs_admin(client, world, route):
    case = CONSOLE_CASES[route]
    url = reverse(route, kwargs=case.make(world))

    client.force_login(world.regional_admin)
    refused = _call(client, case, url, world)
    assert refused.status_code in (403, 404), (route, refused.status_code)

    client.force_login(world.college_admin)
    _assert_allowed(_call(client, case, url, world), case)


@pytest.mark.parametrize("operation", sorted(API_CASES))
def test_api_path_is_closed_to_another_orgs_admin(client, world, operation):
    case = API_CASES[operation]
    method, path = operation.split(" ", 1)
    assert case.method == method.lower()
    url = path.format(**case.make(world))

    client.force_login(world.regional_admin)
    refused = _call(client, case, url, world)
    assert refused.status_code in (403, 404), (operation, refused.status_code)
    assert refused.json()["error"]["code"] in ("permission_denied", "not_found")

    client.force_login(world.college_admin)
    _assert_allowed(_call(client, case, url, world), case)


def test_an_outsider_gets_nothing_either(client, world):
    """A signed-in person with no role at all is refused on every API path with an id."""
    client.force_login(UserFactory())
    for operation, case in sorted(API_CASES.items()):
        _method, path = operation.split(" ", 1)
        response = _call(client, case, path.format(**case.make(world)), world)
        assert response.status_code in (403, 404), operation
