"""The modules' demo content loaded by `xiaoyou seed-demo` (core.registry.demo_seeder): events,
donations, a poll, articles and an album that the hall shows, created once, with exact totals."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from xiaoyou.accounts.models import User
from xiaoyou.content.models import Album, Article, ArticleCategory, ArticleStatus, Photo
from xiaoyou.core.demo import SCHOOL_TIME_ZONE
from xiaoyou.core.registry import demo_seeders
from xiaoyou.donations.models import (
    BeneficiaryPost,
    Donation,
    DonationProject,
    DonationStatus,
    PostStatus,
    ProjectReport,
)
from xiaoyou.events.models import (
    CheckIn,
    Event,
    EventKind,
    EventStatus,
    LotteryDraw,
    LotteryWinner,
    Registration,
    RegistrationStatus,
    TicketType,
)
from xiaoyou.payments.models import OrderStatus, PaymentOrder
from xiaoyou.polls.models import Poll, PollOption, PollStatus, Vote

pytestmark = pytest.mark.django_db

RECORDS = "200"
FREE, PAID, PAST, ONLINE = (
    "北京校友年度联谊会",
    "上海校友金融科技论坛暨晚宴",
    "校友羽毛球友谊赛",
    "人工智能前沿线上分享会",
)
SCHOLARSHIP, LIBRARY = "校友励学奖学金", "经管学院图书馆阅览室改造"
POLL = "校友返校日活动主题投票"
ARTICLES = (
    "关于开展校友信息更新工作的通知",
    "从实验室到产业：一位校友的创业之路",
    "校友返校日活动报名通知",
    "计算机学院校友会走访校友企业",
    "北京校友会举行年度理事会",
    "扎根西部二十年：记医学院校友陈立华",
)


@pytest.fixture
def seed(settings, tmp_path):
    # Rate limits (posts, votes) count in the cache, and user ids repeat between tests.
    cache.clear()
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = str(tmp_path / "media")

    def run() -> str:
        out = StringIO()
        call_command("seed_demo", "--records", RECORDS, stdout=out)
        return out.getvalue()

    yield run
    cache.clear()


def counts() -> dict[str, int]:
    models = (
        User, Event, TicketType, Registration, CheckIn, LotteryDraw, LotteryWinner,
        DonationProject, Donation, PaymentOrder, ProjectReport, BeneficiaryPost, Poll,
        PollOption, Vote, ArticleCategory, Article, Album, Photo,
    )  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def test_each_module_registers_its_demo_content():
    modules = [seed.__module__ for seed in demo_seeders()]
    assert modules == [
        "xiaoyou.content.demo",
        "xiaoyou.events.demo",
        "xiaoyou.donations.demo",
        "xiaoyou.polls.demo",
        "xiaoyou.shop.demo",
    ]


def test_second_run_creates_nothing(seed):
    first_output = seed()
    for kind in ("4 events", "8 gifts", "6 articles", "4 photos", "1 polls", "13 votes"):
        assert kind in first_output
    first = counts()
    assert first["Event"] == 4 and first["Donation"] == 8 and first["Photo"] == 4
    assert "nothing new" in seed()
    assert counts() == first


def test_hall_pages_show_the_demo_content(seed, client):
    seed()
    pages = {
        reverse("hall:home"): (FREE, POLL, ARTICLES[0]),
        reverse("hall:events"): (FREE, PAID, ONLINE),
        reverse("hall:donation_projects"): (SCHOLARSHIP, LIBRARY),
        reverse("hall:content_articles"): (*ARTICLES, "校友动态", "通知公告", "校友风采"),
        reverse("hall:polls"): (POLL,),
        reverse("hall:content_albums"): ("校园四季",),
    }
    for url, names in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        missing = [name for name in names if name not in text]
        assert not missing, (url, missing)

    past = Event.objects.get(title=PAST)
    assert PAST in client.get(reverse("hall:event", args=[past.pk])).content.decode()
    scholarship = DonationProject.objects.get(title=SCHOLARSHIP)
    page = client.get(reverse("hall:donation_project", args=[scholarship.pk])).content.decode()
    assert "奖学金让我不必再为生活费发愁" in page  # the beneficiary's published thanks
    page = client.get(reverse("hall:donation_transparency", args=[scholarship.pk]))
    assert "2025 年度励学奖学金发放报告" in page.content.decode()
    poll = Poll.objects.get(title=POLL)
    page = client.get(reverse("hall:poll", args=[poll.pk])).content.decode()
    assert "青春再聚首" in page and "饮水思源·回馈母校" in page

    client.force_login(User.objects.get(username="demo-alumnus"))
    page = client.get(reverse("hall:my_events")).content.decode()
    assert FREE in page and PAST in page


def test_donation_totals_are_the_sum_of_paid_gifts(seed):
    seed()
    expected = {SCHOLARSHIP: (870_000, 5), LIBRARY: (140_000, 3)}
    for project in DonationProject.objects.all():
        gifts = Donation.objects.filter(project=project)
        assert set(gifts.values_list("status", flat=True)) == {DonationStatus.PAID}
        paid = gifts.aggregate(total=Sum("amount"))["total"]
        assert (project.raised_amount, project.donation_count) == (paid, gifts.count())
        assert (project.raised_amount, project.donation_count) == expected[project.title]
        orders = PaymentOrder.objects.filter(pk__in=gifts.values("payment_id"))
        assert set(orders.values_list("status", flat=True)) == {OrderStatus.PAID}
        assert all(gift.certificate_number for gift in gifts)
    scholarship = DonationProject.objects.get(title=SCHOLARSHIP)
    assert scholarship.org.parent_id is None  # no education foundation in the demo: the root
    report = ProjectReport.objects.get(project=scholarship)
    assert report.spent_amount <= scholarship.raised_amount
    assert BeneficiaryPost.objects.get(project=scholarship).status == PostStatus.PUBLISHED
    # A second run adds no gift, so the totals stay.
    seed()
    scholarship.refresh_from_db()
    assert scholarship.raised_amount == 870_000


def test_events_of_each_kind(seed):
    seed()
    now = timezone.now()
    events = {event.title: event for event in Event.objects.select_related("org")}
    assert set(events) == {FREE, PAID, PAST, ONLINE}
    assert len({event.org_id for event in events.values()}) == 4
    assert {event.status for event in events.values()} == {EventStatus.PUBLISHED}

    free = events[FREE]
    assert free.starts_at > now and free.starts_at.astimezone(SCHOOL_TIME_ZONE).hour == 14
    confirmed = Registration.objects.filter(event=free, status=RegistrationStatus.CONFIRMED)
    assert confirmed.count() == 6 and all(reg.ticket_code for reg in confirmed)
    assert free.seats_taken == 6

    paid = events[PAID]
    assert paid.requires_approval and paid.starts_at > now
    assert sorted(paid.ticket_types.values_list("price", flat=True)) == [9900, 29900]
    assert set(Registration.objects.filter(event=paid).values_list("status", flat=True)) == {
        RegistrationStatus.PENDING_REVIEW
    }

    past = events[PAST]
    assert past.ends_at < now - dt.timedelta(days=10)
    assert past.registration_closes_at is not None and past.registration_closes_at < now
    attended = Registration.objects.filter(event=past, checked_in_at__isnull=False)
    assert attended.count() == 8
    assert CheckIn.objects.filter(event=past, accepted=True).count() == 8
    winners = LotteryWinner.objects.filter(draw__event=past)
    assert winners.count() == 2
    assert set(winners.values_list("registration_id", flat=True)) <= set(
        attended.values_list("pk", flat=True)
    )

    online = events[ONLINE]
    assert online.kind == EventKind.ONLINE and online.online_url


def test_poll_articles_and_album(seed):
    seed()
    poll = Poll.objects.get(title=POLL)
    assert poll.status == PollStatus.PUBLISHED
    assert poll.starts_at < timezone.now() < poll.ends_at
    assert poll.vote_count == Vote.objects.filter(poll=poll).count() == 13
    assert sum(poll.options.values_list("vote_count", flat=True)) == 13

    articles = Article.objects.filter(title__in=ARTICLES)
    assert set(articles.values_list("status", flat=True)) == {ArticleStatus.PUBLISHED}
    assert articles.count() == 6
    assert list(articles.filter(is_pinned=True).values_list("title", flat=True)) == [ARTICLES[0]]
    for article in articles:
        assert article.category_id is not None
        assert article.body.startswith("<p>") and len(article.body_text) > 60
        assert "<" not in article.body_text
    assert articles.exclude(cover="").count() == 3

    photos = Photo.objects.filter(album__title="校园四季")
    assert photos.count() == 4
    for photo in photos:
        assert default_storage.exists(photo.original.name)
        assert photo.thumbnail_name(320) and default_storage.exists(photo.thumbnail_name(320))
    assert Album.objects.get(title="校园四季").cover_id is not None


def test_console_pages_show_the_demo_content(seed, client):
    from tests.organizations.org_support import console_login

    seed()
    console_login(client, User.objects.get(username="demo-admin"))
    free = Event.objects.get(title=FREE)
    alumnus = User.objects.get(username="demo-alumnus")
    pages = {
        reverse("console:events"): (FREE, PAID, PAST, ONLINE),
        reverse("console:event_registrations", args=[free.pk]): (alumnus.display_name,),
        reverse("console:donation_projects"): (SCHOLARSHIP, LIBRARY),
        reverse("console:donations"): ("王建国", SCHOLARSHIP),
        reverse("console:polls"): (POLL,),
        reverse("console:content_articles"): ARTICLES,
        reverse("console:content_albums"): ("校园四季",),
    }
    for url, names in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        missing = [name for name in names if name not in text]
        assert not missing, (url, missing)
