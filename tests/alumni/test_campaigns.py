"""信息采集: matching answers to records, applying them, conflicts to review, duplicates of a
response, unmatched responses, progress, and the console and hall pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import activate, gettext

from tests.factories import AlumniRecordFactory, CustomFieldFactory, DepartmentFactory, UserFactory
from xiaoyou.alumni.models import (
    AlumniRecord,
    CollectionResponse,
    ContactPoint,
    RecordChange,
    RecordSource,
    ResponseStatus,
    VerificationState,
)
from xiaoyou.alumni.names import name_keys
from xiaoyou.alumni.selectors_campaigns import campaign_progress, liaison_roster
from xiaoyou.alumni.services.campaign_answers import (
    response_create_record,
    response_link,
    response_submit,
)
from xiaoyou.alumni.services.campaigns import (
    CONFLICT_REVIEW_KIND,
    campaign_create,
    campaign_set_open,
)
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import ReviewItem, ReviewStatus
from xiaoyou.core.reviews import review_decide

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    activate("en")
    cache.clear()


@pytest.fixture
def computing(org_tree):
    return DepartmentFactory(name="计算机学院", org=org_tree.college)


def _record(org, name, **fields):
    pinyin, initials = name_keys(name)
    fields.setdefault("source", RecordSource.IMPORT)
    return AlumniRecordFactory(
        org=org, name=name, name_pinyin=pinyin, name_initials=initials, **fields
    )


def _class(org_tree, computing):
    """Three classmates of 计算机051 (graduated 2009) and one of another class."""
    common = {"department": computing, "graduation_year": 2009, "enrollment_year": 2005}
    return [
        _record(org_tree.root, "赵一", student_id="C05001", class_name="计算机051", **common),
        _record(
            org_tree.root,
            "钱二",
            student_id="C05002",
            class_name="计算机051",
            city="北京",
            verification=VerificationState.VERIFIED,
            **common,
        ),
        _record(org_tree.root, "孙三", student_id="C05003", class_name="计算机051", **common),
        _record(org_tree.root, "李四", student_id="C05101", class_name="计算机052", **common),
    ]


@pytest.fixture
def campaign(org_tree, computing, college_admin):
    return campaign_create(
        actor=college_admin,
        org=org_tree.college,
        title="计算机051 信息更新",
        audience={"graduation_year": 2009, "department": computing.pk, "class_name": "计算机051"},
        fields=["phone", "email", "city", "employer", "name"],
    )


def test_only_admins_of_the_organization_create(org_tree, computing, regional_admin):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        campaign_create(
            actor=regional_admin,
            org=org_tree.college,
            title="x",
            audience={"graduation_year": 2009},
            fields=["city"],
        )


def test_fields_are_limited_to_the_fixed_list(org_tree, college_admin):
    with pytest.raises(ApplicationError):
        campaign_create(
            actor=college_admin,
            org=org_tree.college,
            title="x",
            audience={"graduation_year": 2009},
            fields=["national_id", "is_key_alumnus"],
        )


def test_anonymous_matched_by_student_number_fills_empty_fields(org_tree, computing, campaign):
    zhao = _class(org_tree, computing)[0]
    response = response_submit(
        campaign=campaign,
        user=None,
        identity={"name": "赵一", "student_id": "C05001"},
        answers={"city": "杭州", "employer": "西湖科技"},
    )
    assert (response.status, response.record_id, response.confidence) == ("applied", zhao.pk, 95)
    zhao.refresh_from_db()
    assert (zhao.city, zhao.employer) == ("杭州", "西湖科技")
    change = RecordChange.objects.get(record=zhao, field="city")
    assert (change.old_value, change.new_value, change.source) == ("", "杭州", "campaign")
    assert not ReviewItem.objects.exists()


def test_name_year_and_department_match_too(org_tree, computing, campaign):
    sun = _class(org_tree, computing)[2]
    response = response_submit(
        campaign=campaign,
        user=None,
        identity={"name": "孙三", "enrollment_year": 2005, "department": "计算机"},
        answers={"phone": "13900001111"},
    )
    assert response.record_id == sun.pk and response.status == ResponseStatus.APPLIED
    assert ContactPoint.objects.get(record=sun, kind="phone").value == "13900001111"


def test_identity_is_required_for_anonymous_visitors(org_tree, campaign):
    with pytest.raises(ApplicationError) as error:
        response_submit(campaign=campaign, user=None, identity={"name": "赵一"}, answers={})
    assert error.value.code == "campaign_identity_required"


def test_different_verified_value_is_a_conflict_that_review_applies(
    org_tree, computing, campaign, college_admin
):
    qian = _class(org_tree, computing)[1]
    response = response_submit(
        campaign=campaign,
        user=None,
        identity={"name": "钱二", "student_id": "C05002"},
        answers={"city": "深圳", "employer": "南山公司"},
    )
    qian.refresh_from_db()
    # The empty employer is filled; the verified city is not overwritten.
    assert (qian.city, qian.employer) == ("北京", "南山公司")
    assert response.status == ResponseStatus.CONFLICT
    assert response.conflicts == {"city": {"archive": "北京", "answer": "深圳"}}
    item = ReviewItem.objects.get(kind=CONFLICT_REVIEW_KIND)
    assert item.org == org_tree.college and item.status == ReviewStatus.PENDING

    review_decide(item=item, actor=college_admin, approved=True)
    qian.refresh_from_db()
    assert qian.city == "深圳"
    change = RecordChange.objects.get(record=qian, field="city")
    assert (change.old_value, change.new_value, change.actor) == ("北京", "深圳", college_admin)
    response.refresh_from_db()
    assert response.status == ResponseStatus.APPLIED
    assert response.conflicts["city"]["decision"] == "approved"


def test_rejected_conflict_keeps_the_archive(org_tree, computing, campaign, college_admin):
    qian = _class(org_tree, computing)[1]
    response_submit(
        campaign=campaign,
        user=None,
        identity={"name": "钱二", "student_id": "C05002"},
        answers={"city": "深圳"},
    )
    item = ReviewItem.objects.get(kind=CONFLICT_REVIEW_KIND)
    review_decide(item=item, actor=college_admin, approved=False, reason="未核实")
    qian.refresh_from_db()
    assert qian.city == "北京"
    assert not RecordChange.objects.filter(record=qian, field="city").exists()


def test_imported_value_of_an_unverified_record_is_a_conflict_too(org_tree, computing, campaign):
    zhao = _class(org_tree, computing)[0]
    AlumniRecord.objects.filter(pk=zhao.pk).update(city="上海")
    response = response_submit(
        campaign=campaign,
        user=None,
        identity={"name": "赵一", "student_id": "C05001"},
        answers={"city": "杭州"},
    )
    assert response.status == ResponseStatus.CONFLICT
    zhao.refresh_from_db()
    assert zhao.city == "上海"


def test_own_record_contact_replaces_the_old_one(org_tree, computing, campaign):
    records = _class(org_tree, computing)
    qian = records[1]
    user = UserFactory()
    AlumniRecord.objects.filter(pk=qian.pk).update(user=user, phone="13800000002")
    response = response_submit(
        campaign=campaign, user=user, identity={}, answers={"phone": "13911112222"}
    )
    qian.refresh_from_db()
    assert response.status == ResponseStatus.APPLIED and response.confidence == 100
    assert qian.phone == "13911112222"
    change = RecordChange.objects.get(record=qian, field="phone")
    assert (change.old_value, change.source) == ("13800000002", "self")
    retired = ContactPoint.objects.get(record=qian, value="13800000002")
    assert retired.is_current is False


def test_answering_twice_updates_the_response(org_tree, computing, campaign):
    _class(org_tree, computing)
    for city in ("杭州", "宁波"):
        response_submit(
            campaign=campaign,
            user=None,
            identity={"name": "赵一", "student_id": "C05001"},
            answers={"email": f"{city}@example.com"},
        )
    assert CollectionResponse.objects.count() == 1
    for _ in range(2):
        response_submit(
            campaign=campaign,
            user=None,
            identity={"name": "无名", "student_id": "X1"},
            answers={"city": "x"},
        )
    assert CollectionResponse.objects.filter(status=ResponseStatus.UNMATCHED).count() == 1


def test_unmatched_response_is_linked_or_becomes_a_record(
    org_tree, computing, campaign, college_admin
):
    sun = _class(org_tree, computing)[2]
    lost = response_submit(
        campaign=campaign,
        user=None,
        identity={"name": "孫三丰", "student_id": "Z9"},
        answers={"employer": "某公司"},
    )
    assert lost.status == ResponseStatus.UNMATCHED and lost.record is None
    response_link(actor=college_admin, response=lost, record=sun)
    sun.refresh_from_db()
    assert sun.employer == "某公司" and lost.status == ResponseStatus.APPLIED

    new = response_submit(
        campaign=campaign,
        user=None,
        identity={"name": "周五", "student_id": "C05009"},
        answers={"city": "成都", "name": "周五"},
    )
    record = response_create_record(actor=college_admin, response=new)
    assert (record.name, record.student_id, record.city) == ("周五", "C05009", "成都")
    assert (record.class_name, record.graduation_year, record.department) == (
        "计算机051",
        2009,
        computing,
    )
    new.refresh_from_db()
    assert new.status == ResponseStatus.NEW and new.record == record


def test_records_outside_the_campaign_reach_are_not_matched(org_tree, computing, college_admin):
    economics = DepartmentFactory(name="经济学院", org=org_tree.other_college)
    _record(org_tree.root, "吴六", student_id="E001", department=economics)
    campaign = campaign_create(
        actor=college_admin,
        org=org_tree.college,
        title="x",
        audience={"department": computing.pk},
        fields=["city"],
    )
    response = response_submit(
        campaign=campaign,
        user=None,
        identity={"name": "吴六", "student_id": "E001"},
        answers={"city": "x"},
    )
    assert response.status == ResponseStatus.UNMATCHED


def test_closed_or_expired_campaign_refuses_answers(org_tree, computing, campaign, college_admin):
    _class(org_tree, computing)
    campaign_set_open(actor=college_admin, campaign=campaign, is_active=False)
    with pytest.raises(ApplicationError) as error:
        response_submit(
            campaign=campaign,
            user=None,
            identity={"name": "赵一", "student_id": "C05001"},
            answers={},
        )
    assert error.value.code == "campaign_closed"
    campaign_set_open(actor=college_admin, campaign=campaign, is_active=True)
    campaign.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    campaign.save()
    with pytest.raises(ApplicationError):
        response_submit(
            campaign=campaign,
            user=None,
            identity={"name": "赵一", "student_id": "C05001"},
            answers={},
        )


def test_progress_counts_distinct_audience_records_per_class(org_tree, computing, college_admin):
    _class(org_tree, computing)
    campaign = campaign_create(
        actor=college_admin,
        org=org_tree.college,
        title="2009届",
        audience={"graduation_year": 2009, "department": computing.pk},
        fields=["city"],
    )
    for name, number in (("赵一", "C05001"), ("赵一", "C05001"), ("李四", "C05101")):
        response_submit(
            campaign=campaign,
            user=None,
            identity={"name": name, "student_id": number},
            answers={"city": "杭州"},
        )
    progress = campaign_progress(campaign)
    assert (progress.audience, progress.answered, progress.responses) == (4, 2, 2)
    assert [(c.class_name, c.total, c.answered) for c in progress.classes] == [
        ("计算机051", 3, 1),
        ("计算机052", 1, 1),
    ]
    roster = liaison_roster(campaign)
    assert [(row.name, row.answered) for row in roster] == [
        ("孙三", False),
        ("赵一", True),
        ("钱二", False),
        ("李四", True),
    ]


def test_custom_field_answers_go_through_the_validator(client, org_tree, computing, college_admin):
    CustomFieldFactory(key="hobby_count", label="爱好数", type="number", max_value=10)
    zhao = _class(org_tree, computing)[0]
    campaign = campaign_create(
        actor=college_admin,
        org=org_tree.college,
        title="x",
        audience={"class_name": "计算机051"},
        fields=["custom:hobby_count"],
    )
    url = reverse("hall:campaign_form", args=[campaign.code])
    identity = {"identity_name": "赵一", "identity_student_id": "C05001"}
    page = client.post(url, {**identity, "custom_hobby_count": "99"})
    assert page.status_code == 200 and not CollectionResponse.objects.exists()
    page = client.post(url, {**identity, "custom_hobby_count": "3"})
    assert page.status_code == 200
    zhao.refresh_from_db()
    assert zhao.custom_data["hobby_count"] == 3
    assert RecordChange.objects.get(record=zhao, field="custom:hobby_count").new_value == 3


# --- Hall pages -------------------------------------------------------------------------------


def test_public_form_anonymous_answer_and_bad_phone(client, org_tree, computing, campaign):
    zhao = _class(org_tree, computing)[0]
    url = reverse("hall:campaign_form", args=[campaign.code])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="identity_name"' in page.content.decode()
    assert 'property="og:title" content="计算机051 信息更新"' in page.content.decode()
    bad = client.post(
        url, {"identity_name": "赵一", "identity_student_id": "C05001", "phone": "12"}
    )
    assert gettext("Enter a valid mobile number.") in bad.content.decode()
    done = client.post(
        url,
        {"identity_name": "赵一", "identity_student_id": "C05001", "phone": "139 0000 1234"},
    )
    assert 'data-response-status="applied"' in done.content.decode()
    zhao.refresh_from_db()
    assert zhao.phone == "13900001234"


def test_public_form_is_rate_limited_per_address(client, org_tree, campaign, settings):
    from xiaoyou.alumni.views import hall_campaigns

    url = reverse("hall:campaign_form", args=[campaign.code])
    data = {"identity_name": "某人", "identity_student_id": "N1"}
    for _ in range(hall_campaigns.SUBMIT_LIMIT):
        assert client.post(url, data).status_code == 200
    assert client.post(url, data).status_code == 429


def test_closed_form_says_so(client, campaign, college_admin):
    campaign_set_open(actor=college_admin, campaign=campaign, is_active=False)
    page = client.get(reverse("hall:campaign_form", args=[campaign.code]))
    assert page.status_code == 200
    assert gettext("This form is closed") in page.content.decode()
    assert 'name="identity_name"' not in page.content.decode()


def test_liaison_sees_names_with_masked_phones(client, org_tree, computing, campaign):
    records = _class(org_tree, computing)
    AlumniRecord.objects.filter(pk=records[2].pk).update(phone="13812345678")
    liaison = UserFactory()
    campaign.liaisons.add(liaison)
    response_submit(
        campaign=campaign,
        user=None,
        identity={"name": "赵一", "student_id": "C05001"},
        answers={"city": "杭州"},
    )
    outsider = UserFactory()
    client.force_login(outsider)
    roster_url = reverse("hall:campaign_roster", args=[campaign.code])
    assert client.get(roster_url).status_code == 404
    client.force_login(liaison)
    me = client.get(reverse("hall:me")).content.decode()
    assert reverse("hall:campaigns_mine") in me
    mine = client.get(reverse("hall:campaigns_mine")).content.decode()
    assert gettext("%(answered)s of %(total)s answered") % {"answered": 1, "total": 3} in mine
    page = client.get(roster_url).content.decode()
    assert "孙三" in page and "138****5678" in page and "13812345678" not in page


# --- Console pages ----------------------------------------------------------------------------


def _console(client, user):
    from tests.organizations.org_support import console_login

    console_login(client, user)


def test_console_create_detail_toggle_and_export(client, org_tree, computing, college_admin):
    _class(org_tree, computing)
    _console(client, college_admin)
    assert client.get(reverse("console:alumni_campaigns")).status_code == 200
    create = client.post(
        reverse("console:alumni_campaign_create"),
        {
            "title": "计算机051 十周年",
            "graduation_year": "2009",
            "department": computing.pk,
            "class_name": "计算机051",
            "asked_fields": ["city", "phone"],
            "liaisons": "nobody@example.com",
        },
    )
    assert create.status_code == 200  # the unknown liaison is an error
    liaison = UserFactory(email="liaison@example.com")
    create = client.post(
        reverse("console:alumni_campaign_create"),
        {
            "title": "计算机051 十周年",
            "graduation_year": "2009",
            "department": computing.pk,
            "class_name": "计算机051",
            "asked_fields": ["city", "phone"],
            "liaisons": "liaison@example.com",
        },
    )
    assert create.status_code == 302
    from xiaoyou.alumni.models import CollectionCampaign

    campaign = CollectionCampaign.objects.get()
    assert list(campaign.liaisons.all()) == [liaison] and campaign.org == org_tree.college
    response_submit(
        campaign=campaign,
        user=None,
        identity={"name": "赵一", "student_id": "C05001"},
        answers={"city": '=HYPERLINK("http://x")'},
    )
    detail = client.get(reverse("console:alumni_campaign_detail", args=[campaign.pk]))
    page = detail.content.decode()
    assert detail.status_code == 200
    assert f"/c/{campaign.code}/" in page and "<svg" in page
    assert "1 / 3" in page
    export = client.get(reverse("console:alumni_campaign_export", args=[campaign.pk]))
    assert export.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(export.content)).active
    values = [cell.value for cell in list(sheet.rows)[1]]
    assert '\'=HYPERLINK("http://x")' in values
    toggle = client.post(reverse("console:alumni_campaign_toggle", args=[campaign.pk]))
    assert toggle.status_code == 302
    campaign.refresh_from_db()
    assert campaign.is_active is False


def test_console_list_has_fixed_queries(client, org_tree, college_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _console(client, college_admin)
    campaign_create(
        actor=college_admin,
        org=org_tree.college,
        title="a",
        audience={"class_name": "x"},
        fields=["city"],
    )
    client.get(reverse("console:alumni_campaigns"))  # warms the session and caches
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("console:alumni_campaigns"))
    for index in range(3):
        campaign_create(
            actor=college_admin,
            org=org_tree.college,
            title=f"b{index}",
            audience={"class_name": "x"},
            fields=["city"],
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("console:alumni_campaigns"))
    assert len(many) == len(one)
