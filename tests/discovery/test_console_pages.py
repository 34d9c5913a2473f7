"""Console pages: start a crawl, read its log, review candidates (confirm, reject, link), the
notable alumni list with its filters and export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import AlumniRecordFactory, DepartmentFactory
from tests.organizations.org_support import console_login
from xiaoyou.core.models import AuditEntry
from xiaoyou.discovery.models import CandidateStatus, NotableAlumnus, NotableCandidate

pytestmark = pytest.mark.django_db


@pytest.fixture
def crawled(client, sites, org_tree, college_admin, django_capture_on_commit_callbacks):
    department = DepartmentFactory(name="计算机学院", org=org_tree.college)
    record = AlumniRecordFactory(
        org=org_tree.root,
        name="张三",
        department=department,
        enrollment_year=1981,
        graduation_year=1985,
    )
    console_login(client, college_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("console:discovery_crawls"), {"sources": ["government", "wikipedia"]}
        )
    assert response.status_code == 302
    return record


def test_a_crawl_started_in_the_console_shows_its_log(client, crawled):
    run_url = reverse("console:discovery_crawls")
    page = client.get(run_url)
    assert page.status_code == 200
    from xiaoyou.discovery.models import CrawlRun

    run = CrawlRun.objects.get()
    detail = client.get(reverse("console:discovery_crawl", args=[run.pk]) + "?problems=1")
    html = detail.content.decode()
    assert 'data-kind="timeout"' in html and 'data-kind="http_error"' in html
    assert 'data-kind="layout"' in html and 'data-kind="robots"' in html
    assert 'data-kind="fetched"' not in html
    assert 'data-figure="candidates">4<' in html


def test_candidates_list_filters_and_exports(client, crawled):
    url = reverse("console:discovery_candidates")
    html = client.get(url).content.decode()
    for name in ("张三", "李四", "李建国", "陈明"):
        assert name in html
    government = client.get(url, {"field": "government"}).content.decode()
    assert "张三" in government and "陈明" not in government
    by_year = client.get(url, {"year": "1993"}).content.decode()
    assert "陈明" in by_year and "张三" not in by_year
    by_college = client.get(url, {"college": str(crawled.department_id)}).content.decode()
    assert "张三" in by_college and "李四" not in by_college

    export = client.get(url, {"export": "xlsx", "field": "government"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    names = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["张三", "李四"]


def test_confirm_a_matched_candidate_makes_a_notable_alumnus(client, crawled):
    candidate = NotableCandidate.objects.get(name="张三")
    assert candidate.matched_record == crawled  # name + years + 计算机系
    detail = client.get(
        reverse("console:discovery_candidate", args=[candidate.pk])
    ).content.decode()
    assert "1981.09-1985.07 示范大学计算机系计算机软件专业学习" in detail
    response = client.post(
        reverse("console:discovery_candidate_decide", args=[candidate.pk]),
        {"action": "confirm", "visibility": "public"},
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.CONFIRMED
    notable = NotableAlumnus.objects.get(candidate=candidate)
    assert (notable.record, notable.visibility, notable.field) == (crawled, "public", "government")
    assert notable.department == crawled.department and notable.graduation_year == 1985
    assert AuditEntry.objects.filter(action="discovery.candidate.confirm").count() == 1

    notables = client.get(reverse("console:discovery_notables"), {"field": "government"})
    assert "张三" in notables.content.decode()
    assert (
        "张三"
        not in client.get(reverse("console:discovery_notables"), {"field": "arts"}).content.decode()
    )


def test_link_then_reject(client, crawled, org_tree):
    other = AlumniRecordFactory(
        org=org_tree.root,
        name="陈明",
        graduation_year=1993,
        department=DepartmentFactory(name="计算机系（旧）", org=org_tree.college),
    )
    candidate = NotableCandidate.objects.get(name="陈明")
    client.post(
        reverse("console:discovery_candidate_decide", args=[candidate.pk]),
        {"action": "link", "record": other.pk},
    )
    candidate.refresh_from_db()
    assert candidate.matched_record == other and candidate.match_reasons == ["linked_by_staff"]
    client.post(
        reverse("console:discovery_candidate_decide", args=[candidate.pk]), {"action": "reject"}
    )
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.REJECTED
    # Decided: a second decision is refused.
    client.post(
        reverse("console:discovery_candidate_decide", args=[candidate.pk]), {"action": "confirm"}
    )
    assert not NotableAlumnus.objects.filter(candidate=candidate).exists()
    assert list(
        AuditEntry.objects.filter(action__startswith="discovery.candidate")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["discovery.candidate.link", "discovery.candidate.reject"]


def test_another_orgs_admin_cannot_see_the_candidates(client, crawled, regional_admin):
    candidate = NotableCandidate.objects.get(name="张三")
    console_login(client, regional_admin)
    assert (
        client.get(reverse("console:discovery_candidate", args=[candidate.pk])).status_code == 404
    )
    assert "张三" not in client.get(reverse("console:discovery_candidates")).content.decode()


def test_only_public_notables_show_in_the_hall(client, org_tree):
    from tests.factories import NotableAlumnusFactory

    public = NotableAlumnusFactory(
        org=org_tree.root, name="李建国", visibility="public", field="academia"
    )
    internal = NotableAlumnusFactory(org=org_tree.root, name="孙伟", visibility="internal")
    html = client.get(reverse("hall:discovery_notables")).content.decode()
    assert "李建国" in html and "孙伟" not in html
    assert (
        "李建国"
        not in client.get(reverse("hall:discovery_notables"), {"field": "arts"}).content.decode()
    )
    assert client.get(reverse("hall:discovery_notable", args=[public.pk])).status_code == 200
    assert client.get(reverse("hall:discovery_notable", args=[internal.pk])).status_code == 404
