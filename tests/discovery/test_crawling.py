"""The crawl framework and the four notable-alumni sources against the local fixture sites."""

from __future__ import annotations

import time

import pytest

from xiaoyou.core.models import Job, JobStatus
from xiaoyou.discovery.crawling.base import School
from xiaoyou.discovery.crawling.fetcher import Fetcher, FetchError
from xiaoyou.discovery.crawling.runner import crawl
from xiaoyou.discovery.models import CachedResponse, CrawlLogEntry, CrawlStatus, NotableCandidate
from xiaoyou.discovery.services.crawls import crawl_start

pytestmark = pytest.mark.django_db

SCHOOL = School(names=("示范大学",), wikidata_qid="Q999001")
ALL = ["wikidata", "wikipedia", "baike", "government"]


def _people(outcome):
    return {(source, person.name): person for source, person in outcome.people}


def test_every_source_finds_its_people_with_evidence(sites):
    fetcher = Fetcher(cache_seconds=0)
    outcome = crawl(ALL, SCHOOL, fetcher=fetcher)
    people = _people(outcome)
    assert set(people) == {
        ("wikidata", "李建国"),
        ("wikidata", "王芳"),
        ("wikipedia", "李建国"),
        ("wikipedia", "陈明"),
        ("baike", "孙伟"),
        ("baike", "吴敏"),
        ("government", "张三"),
        ("government", "李四"),
    }
    li = people[("wikidata", "李建国")]
    assert (li.enrollment_year, li.graduation_year, li.department) == (1978, 1982, "计算机科学")
    assert li.external_key == "Q1001" and li.confidence == 90 and li.field == "academia"
    assert "P69" in li.evidence and li.photo_url.endswith("Li%20Jianguo.jpg")

    wiki = people[("wikipedia", "李建国")]
    assert wiki.evidence.startswith("母校：示范大学") and wiki.confidence == 85
    assert "1978年考入示范大学计算机系" in wiki.evidence
    assert (wiki.enrollment_year, wiki.graduation_year, wiki.department) == (1978, 1982, "计算机系")
    assert wiki.photo_url.startswith("https://upload.wikimedia.org/")

    chen = people[("wikipedia", "陈明")]
    assert chen.evidence == "1993年毕业于示范大学中文系，曾任《西湖》杂志编辑。"
    assert (chen.graduation_year, chen.department, chen.field) == (1993, "中文系", "arts")

    sun = people[("baike", "孙伟")]  # classic layout
    assert sun.evidence.startswith("毕业院校：示范大学") and sun.confidence == 85
    assert (sun.enrollment_year, sun.graduation_year, sun.department) == (1986, 1990, "经济系")
    assert sun.title == "华源集团董事长" and sun.field == "business"
    assert sun.photo_url == "https://bkimg.cdn.bcebos.com/pic/sunwei.jpg"

    wu = people[("baike", "吴敏")]  # 2023 layout
    assert wu.evidence == "1997年至2001年就读于示范大学音乐学院声乐系，2001年毕业。"
    assert (wu.enrollment_year, wu.graduation_year, wu.department) == (1997, 2001, "音乐学院")
    assert wu.field == "arts" and wu.confidence == 75

    zhang = people[("government", "张三")]  # year-range résumé
    assert zhang.evidence == "1981.09-1985.07 示范大学计算机系计算机软件专业学习"
    assert (zhang.enrollment_year, zhang.graduation_year, zhang.department) == (
        1981,
        1985,
        "计算机系",
    )
    assert (
        zhang.title == "省委副书记、省长" and zhang.field == "government" and zhang.confidence == 85
    )

    li_si = people[("government", "李四")]  # narrative résumé (TRS_Editor)
    assert li_si.evidence == "1992年毕业于示范大学经济学院，获经济学学士学位。"
    assert (li_si.graduation_year, li_si.department) == (1992, "经济学院")


def test_problems_are_logged_and_the_crawl_goes_on(sites):
    outcome = crawl(ALL, SCHOOL, fetcher=Fetcher(cache_seconds=0))
    problems = {
        (line.kind, line.url.rsplit("/", 1)[-1]) for line in outcome.log if line.level != "info"
    }
    assert problems == {
        ("timeout", "%E5%88%98%E6%B4%8B"),  # 刘洋: slower than the timeout, twice
        ("http_error", "%E5%91%A8%E6%9D%B0"),  # 周杰: 500, twice
        ("layout", "%E8%B5%B5%E5%BC%BA"),  # 赵强: a page after a skin change
        ("robots", "wangwu.html"),  # Disallow: /private/
    }
    # Retried once each (DISCOVERY_RETRIES = 1), and robots.txt kept the crawler out.
    assert sites["wikipedia"].hits["/wiki/刘洋"] == 2
    assert sites["wikipedia"].hits["/wiki/周杰"] == 2
    assert sites["government"].hits["/private/wangwu.html"] == 0
    assert sites["government"].hits["/robots.txt"] == 1
    # The non-alumnus (赵六) was fetched and gave no candidate; the page after the bad ones too.
    assert sites["government"].hits["/leaders/zhaoliu.html"] == 1
    assert outcome.problems == 4


def test_a_fresh_cached_page_is_not_fetched_again(sites):
    first = Fetcher(cache_seconds=3600)
    page = first.fetch(sites["baike"].url + "/item/%E7%A4%BA%E8%8C%83%E5%A4%A7%E5%AD%A6")
    assert not page.from_cache and "知名校友" in page.text
    second = Fetcher(cache_seconds=3600)
    again = second.fetch(sites["baike"].url + "/item/%E7%A4%BA%E8%8C%83%E5%A4%A7%E5%AD%A6")
    assert again.from_cache and again.text == page.text
    assert sites["baike"].hits["/item/示范大学"] == 1
    assert CachedResponse.objects.count() == 1


def test_requests_to_one_host_are_spaced(sites):
    fetcher = Fetcher(cache_seconds=0, min_interval=0.2)
    started = time.monotonic()
    for _ in range(3):
        fetcher.fetch(sites["government"].url + "/leaders/")
    # robots.txt + 3 pages: three gaps of 0.2 s at least.
    assert time.monotonic() - started >= 0.6


def test_an_unreachable_robots_txt_allows_nothing(settings):
    fetcher = Fetcher(cache_seconds=0, retries=0, timeout=0.5)
    with pytest.raises(FetchError) as raised:
        fetcher.fetch("http://127.0.0.1:9/anything")  # discard port: nothing listens
    assert raised.value.kind == "robots"


def test_a_crawl_run_is_a_job_with_progress_and_a_log(
    sites, org_tree, college_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = crawl_start(actor=college_admin, org=org_tree.college, sources=ALL)
    run.refresh_from_db()
    job = Job.objects.get(pk=run.job_id)
    assert job.status == JobStatus.SUCCEEDED
    assert job.done == job.total > 0
    assert run.status == CrawlStatus.FINISHED
    assert run.candidates_found == 8 and run.problem_count == 4
    assert set(
        CrawlLogEntry.objects.filter(run=run, level="error").values_list("kind", flat=True)
    ) == {
        "timeout",
        "http_error",
        "layout",
    }
    candidate = NotableCandidate.objects.get(source="government", name="张三")
    assert candidate.org == org_tree.college
    assert candidate.source_url.endswith("/leaders/zhangsan.html")
    assert candidate.retrieved_at is not None

    # Running again updates the same candidates (no duplicates).
    with django_capture_on_commit_callbacks(execute=True):
        crawl_start(actor=college_admin, org=org_tree.college, sources=["government"])
    assert NotableCandidate.objects.filter(source="government").count() == 2


def test_the_weekly_crawl_runs_for_each_school(sites, org_tree, django_capture_on_commit_callbacks):
    from xiaoyou.core.schedules import all_schedules
    from xiaoyou.discovery.models import CrawlRun
    from xiaoyou.discovery.tasks import CRAWL_SCHEDULED, crawl_scheduled

    assert CRAWL_SCHEDULED in {entry.task for entry in all_schedules()}
    with django_capture_on_commit_callbacks(execute=True):
        run_ids = crawl_scheduled()
    run = CrawlRun.objects.get(pk__in=run_ids)  # the root association only (it names the school)
    assert run.org == org_tree.root and run.status == CrawlStatus.FINISHED
    assert run.candidates_found == 8 and run.started_by is None


def test_annual_reports_give_enterprises_with_their_alumni(sites):
    outcome = crawl(["disclosure"], SCHOOL, fetcher=Fetcher(cache_seconds=0))
    assert [(found.name, found.stock_code) for _key, found in outcome.enterprises] == [
        ("华源集团股份有限公司", "600001")
    ]
    people = outcome.enterprises[0][1].people
    assert [(p.name, p.role, p.graduation_year, p.department) for p in people] == [
        ("孙伟", "董事长", 1990, "经济系"),
        ("周平", "财务总监", 2005, "会计学院"),
    ]
    assert people[0].evidence.startswith("1990年毕业于示范大学经济系")
    assert [
        (line.kind, line.url.rsplit("/", 1)[-1]) for line in outcome.log if line.level != "info"
    ] == [("layout", "600003-2023.html")]


def test_a_crawl_stores_enterprises_for_review_and_links_the_alumni(
    sites, org_tree, college_admin, django_capture_on_commit_callbacks
):
    from tests.factories import AlumniRecordFactory, DepartmentFactory
    from xiaoyou.core import reviews
    from xiaoyou.discovery.models import Enterprise

    record = AlumniRecordFactory(
        org=org_tree.root,
        name="孙伟",
        department=DepartmentFactory(name="经济学院"),
        enrollment_year=1986,
        graduation_year=1990,
    )
    with django_capture_on_commit_callbacks(execute=True):
        crawl_start(actor=college_admin, org=org_tree.college, sources=["disclosure"])
    enterprise = Enterprise.objects.get()
    assert (enterprise.name, enterprise.origin, enterprise.status) == (
        "华源集团股份有限公司",
        "disclosure",
        "pending",
    )
    assert {p.name: p.record for p in enterprise.people.all()} == {"孙伟": record, "周平": None}
    item = reviews.pending_item(enterprise)
    assert item is not None and item.org == org_tree.college
    reviews.review_decide(item=item, actor=college_admin, approved=True)
    enterprise.refresh_from_db()
    assert enterprise.status == "published"
