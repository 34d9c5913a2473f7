"""校友招聘: posting (verified alumni, reviewed), the job board, applying with a resume, the
poster's view of the applications."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import AlumniRecordFactory, UserFactory
from xiaoyou.core import reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.discovery.models import JobApplication, JobPosting, PostingStatus
from xiaoyou.discovery.services import jobs as services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _verified(org, name: str):
    user = UserFactory(display_name=name)
    AlumniRecordFactory(org=org, name=name, user=user, verification="verified")
    return user


def _posting(poster, **fields) -> JobPosting:
    values = {
        "company": "华源集团",
        "title": "后端工程师",
        "kind": "job",
        "city": "上海",
        "industry": "互联网",
        "salary": "30-50K",
        "description": "负责交易系统。",
    }
    values.update(fields)
    return services.job_posting_create(actor=poster, **values)


def _publish(posting, admin) -> None:
    item = reviews.pending_item(posting)
    assert item is not None
    reviews.review_decide(item=item, actor=admin, approved=True)
    posting.refresh_from_db()


def test_a_verified_alumnus_posts_and_the_review_publishes(org_tree, platform_admin):
    poster = _verified(org_tree.root, "孙伟")
    posting = _posting(poster)
    assert posting.status == PostingStatus.PENDING and posting.org == org_tree.root
    _publish(posting, platform_admin)
    assert posting.status == PostingStatus.PUBLISHED and posting.published_at is not None


def test_an_unverified_user_may_not_post(org_tree, unverified_user):
    with pytest.raises(ApplicationError) as raised:
        _posting(unverified_user)
    assert raised.value.code == "discovery_may_not_post"


def test_board_search_by_city_and_industry(client, org_tree, platform_admin):
    poster = _verified(org_tree.root, "孙伟")
    shanghai = _posting(poster)
    beijing = _posting(poster, title="量化研究员", city="北京", industry="金融")
    pending = _posting(poster, title="未审核职位")
    for posting in (shanghai, beijing):
        _publish(posting, platform_admin)
    url = reverse("hall:discovery_jobs")
    html = client.get(url).content.decode()
    assert "后端工程师" in html and "量化研究员" in html and "未审核职位" not in html
    assert "量化研究员" not in client.get(url, {"city": "上海"}).content.decode()
    only_finance = client.get(url, {"industry": "金融"}).content.decode()
    assert "量化研究员" in only_finance and "后端工程师" not in only_finance
    # A pending job is not public.
    assert client.get(reverse("hall:discovery_job", args=[pending.pk])).status_code == 404


def test_apply_with_a_resume_and_the_poster_sees_it(client, org_tree, platform_admin):
    poster = _verified(org_tree.root, "孙伟")
    posting = _posting(poster)
    _publish(posting, platform_admin)
    applicant = UserFactory(display_name="小王")
    client.force_login(applicant)
    url = reverse("hall:discovery_job", args=[posting.pk])
    response = client.post(
        url,
        {"resume": SimpleUploadedFile("我的简历.pdf", PDF, "application/pdf"), "message": "你好"},
    )
    assert response.status_code == 302
    application = JobApplication.objects.get()
    assert (application.applicant, application.resume_name) == (applicant, "我的简历.pdf")

    # Not twice.
    again = client.post(url, {"resume": SimpleUploadedFile("b.pdf", PDF, "application/pdf")})
    assert again.status_code == 200 and JobApplication.objects.count() == 1

    # The applicant cannot read the applications; the poster can, and downloads the resume.
    applications_url = reverse("hall:discovery_job_applications", args=[posting.pk])
    assert client.get(applications_url).status_code == 404
    client.force_login(poster)
    page = client.get(applications_url).content.decode()
    assert "我的简历.pdf" in page and "你好" in page
    download = client.get(reverse("hall:discovery_resume", args=[application.pk]))
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("resume.exe", b"MZ\x90\x00", "discovery_resume_type"),
        ("resume.pdf", b"<html>not a pdf</html>", "discovery_resume_type"),
        ("resume.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "discovery_resume_size"),
    ],
)
def test_resume_type_and_size_are_checked(org_tree, platform_admin, name, content, code):
    poster = _verified(org_tree.root, "孙伟")
    posting = _posting(poster)
    _publish(posting, platform_admin)
    with pytest.raises(ApplicationError) as raised:
        services.job_apply(
            actor=UserFactory(), posting=posting, resume=SimpleUploadedFile(name, content)
        )
    assert raised.value.code == code
    assert not JobApplication.objects.exists()


def test_the_poster_cannot_apply_to_their_own_job(org_tree, platform_admin):
    poster = _verified(org_tree.root, "孙伟")
    posting = _posting(poster)
    _publish(posting, platform_admin)
    with pytest.raises(ApplicationError) as raised:
        services.job_apply(actor=poster, posting=posting, resume=SimpleUploadedFile("a.pdf", PDF))
    assert raised.value.code == "discovery_own_job"


def test_an_alumnus_registers_an_enterprise_shown_after_review(client, org_tree, platform_admin):
    from xiaoyou.discovery.models import Enterprise

    founder = _verified(org_tree.root, "吴敏")
    client.force_login(founder)
    response = client.post(
        reverse("hall:discovery_enterprise_register"),
        {"name": "星光文化", "industry": "文化传媒", "city": "杭州", "role": "创始人"},
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get()
    assert (enterprise.origin, enterprise.status) == ("registered", "pending")
    assert [(p.name, p.role) for p in enterprise.people.all()] == [("吴敏", "创始人")]
    directory = reverse("hall:discovery_enterprises")
    assert "星光文化" not in client.get(directory).content.decode()
    item = reviews.pending_item(enterprise)
    reviews.review_decide(item=item, actor=platform_admin, approved=True)
    assert "星光文化" in client.get(directory, {"city": "杭州"}).content.decode()
    assert "星光文化" not in client.get(directory, {"industry": "金融"}).content.decode()

    from tests.organizations.org_support import console_login

    console_login(client, platform_admin)
    export = client.get(reverse("console:discovery_enterprises"), {"export": "csv"})
    assert "星光文化" in export.content.decode("utf-8-sig")
