"""Browser journeys of discovery (issue 12):
- staff run a crawl of the four sources (served by the local fixture sites, with a timeout, a
  500, a changed layout and a robots.txt refusal among them) on the desktop console, read the
  problems in the crawl's log, open a candidate with its evidence, confirm it as a notable
  alumnus and link it to an alumni record;
- a verified alumnus posts a job on a phone, the association approves it in the to-do list,
  another alumnus finds it on the job board by city and applies with a resume, and the poster
  reads the application.
"""

from __future__ import annotations

import os

import pytest

from tests.discovery.fixture_server import fixture_sites
from tests.factories import AlumniRecordFactory, DepartmentFactory, UserFactory
from xiaoyou.core.models import ReviewItem
from xiaoyou.discovery.models import (
    CandidateStatus,
    JobApplication,
    JobPosting,
    NotableAlumnus,
    NotableCandidate,
    PostingStatus,
)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def sites(settings):
    with fixture_sites(slow_seconds=1.0) as running:
        settings.DISCOVERY_SOURCE_URLS = {key: site.url for key, site in running.items()}
        settings.DISCOVERY_SCHOOL_QID = "Q999001"
        settings.DISCOVERY_TIMEOUT = 0.3
        settings.DISCOVERY_RETRIES = 1
        settings.DISCOVERY_BACKOFF = 0.0
        settings.DISCOVERY_RATE_LIMIT = 0.0
        yield running


def test_staff_crawl_confirm_and_link_a_notable_alumnus(
    desktop_page, sign_in, screenshot, sites, org_tree, college_admin
):
    department = DepartmentFactory(name="中文系", org=org_tree.college)
    record = AlumniRecordFactory(
        org=org_tree.root, name="陈明", department=department, graduation_year=1997
    )
    page = desktop_page
    sign_in(page, college_admin)
    page.goto("/console/discovery/crawls/")
    page.locator('[data-action="start-crawl"]').click()
    page.wait_for_url("**/console/discovery/crawls/*/")
    for _attempt in range(40):
        if page.locator('[data-run-status="finished"]').count():
            break
        page.wait_for_timeout(500)
        page.reload()
    assert page.locator('[data-figure="candidates"]').inner_text() == "8"
    page.goto(page.url + "?problems=1")
    # 刘洋 too slow, 周杰 a 500, 赵强's page and a scanned annual report changed layout, a
    # profile behind robots.txt.
    expected = {"timeout": 1, "http_error": 1, "layout": 2, "robots": 1}
    for kind, count in expected.items():
        assert page.locator(f'tr[data-kind="{kind}"]').count() == count, kind
    screenshot(page, "discovery-crawl-log-desktop", full_page=True)

    page.locator('[data-action="candidates"]').click()
    page.wait_for_url("**/console/discovery/candidates/")
    candidate = NotableCandidate.objects.get(name="陈明")
    page.locator(f'a[href="/console/discovery/candidates/{candidate.pk}/"]').click()
    evidence = page.locator("[data-evidence]").inner_text()
    assert evidence == "1993年毕业于示范大学中文系，曾任《西湖》杂志编辑。"
    assert page.locator("[data-source-url]").inner_text().endswith("/wiki/%E9%99%88%E6%98%8E")
    # Graduated 1993 by the text, 1997 in the archive: offered to staff, not linked by itself.
    assert page.locator("[data-matched-record]").get_attribute("data-matched-record") == ""
    screenshot(page, "discovery-candidate-desktop", full_page=True)

    page.select_option("#id_visibility", "public")
    page.locator('[data-action="confirm"]').click()
    page.locator("[data-notable]").wait_for()
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.CONFIRMED

    page.locator(f'tr[data-record="{record.pk}"] [data-action="link-record"]').click()
    page.locator(f'[data-matched-record="{record.pk}"]').wait_for()
    notable = NotableAlumnus.objects.get(candidate=candidate)
    assert (notable.record, notable.visibility, notable.department) == (
        record,
        "public",
        department,
    )

    page.goto("/console/discovery/notables/?field=arts")
    assert page.locator("#notable-table").inner_text().count("陈明") == 1


def test_an_alumnus_posts_a_job_and_another_applies(
    browser,
    live_server,
    mobile_page,
    desktop_page,
    sign_in,
    screenshot,
    tmp_path,
    settings,
    org_tree,
    platform_admin,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    poster = UserFactory(display_name="孙伟")
    AlumniRecordFactory(org=org_tree.root, name="孙伟", user=poster, verification="verified")
    phone = mobile_page
    sign_in(phone, poster)
    phone.goto("/jobs/")
    phone.locator('[data-action="new-job"]').click()
    phone.wait_for_url("**/jobs/new")
    phone.fill("#id_company", "华源集团")
    phone.fill("#id_title", "后端工程师")
    phone.select_option("#id_kind", "internship")
    phone.fill("#id_city", "上海")
    phone.fill("#id_industry", "互联网")
    phone.fill("#id_description", "负责交易系统。")
    screenshot(phone, "discovery-job-form-mobile", full_page=True)
    phone.locator('[data-action="submit-job"]').click()
    posting = JobPosting.objects.get()
    phone.wait_for_url(f"**/jobs/{posting.pk}/")
    assert phone.locator('[data-status="pending"]').count() == 1

    console = desktop_page
    sign_in(console, platform_admin)
    console.goto("/console/todos/")
    item = ReviewItem.objects.get(object_id=str(posting.pk))
    console.locator(f"#review-{item.pk}").locator('button[type="submit"]').first.click()
    console.locator(f"#review-{item.pk}.review-approved").wait_for()
    posting.refresh_from_db()
    assert posting.status == PostingStatus.PUBLISHED

    applicant = UserFactory(display_name="小王")
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="zh-CN"
    )
    try:
        other = context.new_page()
        other.set_default_timeout(10_000)
        sign_in(other, applicant)
        other.goto("/jobs/")
        other.fill('input[name="city"]', "上海")
        other.locator('[data-action="filter"]').click()
        other.locator(f'[data-job="{posting.pk}"] a').click()
        other.wait_for_url(f"**/jobs/{posting.pk}/")
        resume = tmp_path / "简历.pdf"
        resume.write_bytes(PDF)
        other.set_input_files("#id_resume", str(resume))
        other.fill("#id_message", "我对这个实习很感兴趣。")
        other.locator('[data-action="apply"]').click()
        other.locator("[data-applied]").wait_for()
        screenshot(other, "discovery-job-applied-mobile", full_page=True)
    finally:
        context.close()
    application = JobApplication.objects.get()
    assert (application.applicant, application.resume_name) == (applicant, "简历.pdf")

    phone.goto("/jobs/mine/")
    assert phone.locator(f'[data-job="{posting.pk}"] [data-applications="1"]').count() == 1
    phone.locator(f'[data-job="{posting.pk}"] [data-applications]').click()
    phone.locator(f'[data-application="{application.pk}"]').wait_for()
    assert (
        "我对这个实习很感兴趣。"
        in phone.locator(f'[data-application="{application.pk}"]').inner_text()
    )
