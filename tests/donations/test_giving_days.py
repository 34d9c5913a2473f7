"""捐赠日: giving days (create, update, publish, close; who may), their figures (gifts to their
projects paid inside their hours, net of refunds), leaderboards by class year and by college
(from the donor's verified alumni record), challenges' progress, the hall page with its live
part (htmx every 10 s), the console pages and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tests.donations.factories import ProjectFactory
from tests.donations.support import give, pay
from tests.factories import AlumniRecordFactory, DepartmentFactory, UserFactory
from tests.organizations.org_support import console_login
from xiaoyou.alumni.models import VerificationState
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry
from xiaoyou.donations.models import (
    ChallengeKind,
    Donation,
    DonationStatus,
    GivingChallenge,
    GivingDay,
    GivingDayStatus,
)
from xiaoyou.donations.selectors_campaigns import GIVING_DAY_QUERIES, giving_day_figures
from xiaoyou.donations.services.campaigns import (
    challenge_add,
    challenge_remove,
    giving_day_close,
    giving_day_create,
    giving_day_publish,
    giving_day_update,
)

pytestmark = pytest.mark.django_db


def _hours(hours: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=hours)


@pytest.fixture
def projects(org_tree):
    return (
        ProjectFactory(org=org_tree.college, title="A 奖学金"),
        ProjectFactory(org=org_tree.club, title="B 球场"),
    )


@pytest.fixture
def day(org_tree, college_admin, projects):
    day = giving_day_create(
        actor=college_admin,
        org=org_tree.college,
        projects=projects,
        title="  计算机学院 捐赠日 ",
        starts_at=_hours(-2),
        ends_at=_hours(22),
        goal_amount=100_000,
    )
    return giving_day_publish(actor=college_admin, day=day)


def _gift(project, user=None, *, amount, hours=-1.0, refunded=0, status=DonationStatus.PAID, **kw):
    return Donation.objects.create(
        project=project,
        user=user,
        donor_name=kw.pop("donor_name", "校友"),
        amount=amount,
        refunded_amount=refunded,
        status=status,
        paid_at=_hours(hours),
        **kw,
    )


def test_create_update_publish_close_audited(org_tree, college_admin, projects, day):
    assert day.title == "计算机学院 捐赠日" and day.status == GivingDayStatus.PUBLISHED
    assert sorted(day.projects.values_list("pk", flat=True)) == sorted(p.pk for p in projects)
    giving_day_update(actor=college_admin, day=day, projects=projects[:1], goal_amount=50_000)
    assert list(day.projects.all()) == [projects[0]] and day.goal_amount == 50_000
    giving_day_close(actor=college_admin, day=day)
    day.refresh_from_db()
    assert day.status == GivingDayStatus.CLOSED and day.ends_at <= timezone.now()
    actions = list(
        AuditEntry.objects.filter(action__startswith="donations.giving_day").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == sorted(
        [
            "donations.giving_day.create",
            "donations.giving_day.publish",
            "donations.giving_day.update",
            "donations.giving_day.close",
        ]
    )


def test_who_may_manage(org_tree, regional_admin, verified_alumnus, college_admin, day, projects):
    for user in (regional_admin, verified_alumnus):
        with pytest.raises(PermissionDenied):
            giving_day_create(
                actor=user, org=org_tree.college, title="x", starts_at=_hours(0), ends_at=_hours(1)
            )
        with pytest.raises(PermissionDenied):
            giving_day_publish(actor=user, day=day)
        with pytest.raises(PermissionDenied):
            challenge_add(actor=user, day=day, title="x", kind="donors", threshold=1)
    # The college's admin may not run a giving day of the main association.
    with pytest.raises(PermissionDenied):
        giving_day_create(
            actor=college_admin,
            org=org_tree.root,
            title="x",
            starts_at=_hours(0),
            ends_at=_hours(1),
        )


def test_bad_input(org_tree, college_admin, projects):
    other = ProjectFactory(org=org_tree.other_college)
    cases = [
        ({"title": " "}, "donations.day_title_required"),
        ({"ends_at": _hours(-1)}, "donations.day_dates_invalid"),
        ({"goal_amount": 0}, "donations.day_goal_invalid"),
        ({"goal_amount": True}, "donations.day_goal_invalid"),
        ({"projects": [other]}, "donations.day_project_outside"),
    ]
    for fields, code in cases:
        arguments = {"title": "捐赠日", "starts_at": _hours(0), "ends_at": _hours(1), **fields}
        with pytest.raises(ApplicationError) as error:
            giving_day_create(actor=college_admin, org=org_tree.college, **arguments)
        assert error.value.code == code, fields
    assert GivingDay.objects.count() == 0
    day = giving_day_create(
        actor=college_admin, org=org_tree.college, title="x", starts_at=_hours(0), ends_at=_hours(1)
    )
    for kind, threshold in (("donors", 0), ("votes", 5), ("amount", -1), ("donors", True)):
        with pytest.raises(ApplicationError) as error:
            challenge_add(
                actor=college_admin, day=day, title="挑战", kind=kind, threshold=threshold
            )
        assert error.value.code == "donations.challenge_invalid"
    with pytest.raises(ApplicationError):
        challenge_add(actor=college_admin, day=day, title=" ", kind="donors", threshold=5)


def test_figures_leaderboards_and_challenges(org_tree, college_admin, day, projects):
    a, b = projects
    college = DepartmentFactory(name="计算机学院", kind="college")
    software = DepartmentFactory(name="软件工程系", kind="department", parent=college)
    economics = DepartmentFactory(name="经济学院", kind="college")
    u1, u2, u3 = UserFactory(), UserFactory(), UserFactory()
    verified = VerificationState.VERIFIED
    AlumniRecordFactory(org=org_tree.root, user=u1, department=software, verification=verified)
    AlumniRecordFactory(org=org_tree.root, user=u2, department=economics, verification=verified)
    AlumniRecordFactory(org=org_tree.root, user=u3, department=economics)  # not verified
    donors = challenge_add(
        actor=college_admin,
        day=day,
        title="3 位校友捐赠",
        kind=ChallengeKind.DONORS,
        threshold=3,
        reward="校友企业配捐 1 万元",
    )
    amount = challenge_add(
        actor=college_admin,
        day=day,
        title="筹满 500 元",
        kind=ChallengeKind.AMOUNT,
        threshold=50_000,
    )
    _gift(a, u1, amount=10_000, class_year=2005)
    _gift(b, u1, amount=5_000, class_year=2005)
    _gift(a, u2, amount=20_000, refunded=5_000, class_year=2010)
    _gift(a, u3, amount=3_000, class_year=2010)
    _gift(b, amount=2_000, phone="+8613900000001")  # public donor, no record
    _gift(a, u2, amount=4_000, refunded=4_000, status=DonationStatus.REFUNDED, class_year=2010)
    _gift(a, u1, amount=99_000, hours=-3, class_year=2005)  # before the day started
    _gift(ProjectFactory(org=org_tree.college), u1, amount=77_000)  # not a project of the day
    _gift(a, u1, amount=66_000, status=DonationStatus.PENDING)
    figures = giving_day_figures(day, other_label="其他")
    assert (figures.raised, figures.gifts, figures.donors) == (35_000, 5, 4)
    assert figures.goal_percent == 35
    assert [(p.label, p.raised, p.gifts, p.donors) for p in figures.by_class_year] == [
        ("2010", 18_000, 2, 2),
        ("2005", 15_000, 2, 1),
        ("其他", 2_000, 1, 1),
    ]
    # Equal amounts and donors: by name (经 U+7ECF before 计 U+8BA1).
    assert [(p.label, p.raised, p.gifts, p.donors) for p in figures.by_college] == [
        ("经济学院", 15_000, 1, 1),
        ("计算机学院", 15_000, 2, 1),
        ("其他", 5_000, 2, 2),
    ]
    progress = {item.challenge.pk: item for item in figures.challenges}
    assert (progress[donors.pk].value, progress[donors.pk].is_unlocked) == (4, True)
    assert progress[donors.pk].percent == 100
    assert (progress[amount.pk].value, progress[amount.pk].percent) == (35_000, 70)
    assert not progress[amount.pk].is_unlocked
    challenge_remove(actor=college_admin, challenge=amount)
    assert list(GivingChallenge.objects.values_list("pk", flat=True)) == [donors.pk]


def test_figures_in_a_constant_number_of_queries(day, projects, django_assert_num_queries):
    challenge = GivingChallenge.objects.create(
        giving_day=day, title="x", kind="donors", threshold=10
    )
    assert challenge
    with django_assert_num_queries(GIVING_DAY_QUERIES):
        giving_day_figures(day)
    for index in range(15):
        _gift(projects[index % 2], UserFactory(), amount=100, class_year=2000 + index)
    with django_assert_num_queries(GIVING_DAY_QUERIES):
        figures = giving_day_figures(day)
    assert figures.donors == 15 and len(figures.by_class_year) == 15


def test_a_gift_paid_through_the_provider_moves_the_day(
    day, projects, gateway, django_capture_on_commit_callbacks
):
    donation = give(projects[0], amount=8_800, donor_name="王五", class_year=1999)
    assert giving_day_figures(day).raised == 0
    with django_capture_on_commit_callbacks(execute=True):
        pay(donation)
    figures = giving_day_figures(day, other_label="其他")
    assert (figures.raised, figures.donors) == (8_800, 1)
    assert [(p.label, p.raised) for p in figures.by_class_year] == [("1999", 8_800)]


def test_hall_page_and_live_part(client, org_tree, college_admin, day, projects):
    GivingChallenge.objects.create(
        giving_day=day, title="10 位校友", kind="donors", threshold=10, reward="配捐"
    )
    _gift(projects[0], amount=12_300, class_year=2008)
    response = client.get(reverse("hall:giving_day", args=[day.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "¥123.00" in html and 'data-leaderboard="class-year"' in html
    assert 'hx-trigger="every 10s"' in html and 'data-challenge-percent="10"' in html
    assert f'data-project="{projects[1].pk}"' in html
    live = client.get(reverse("hall:giving_day_live", args=[day.pk]))
    assert live.status_code == 200 and b"<html" not in live.content
    assert b'data-challenge-percent="10"' in live.content
    # Over: no more polling.
    giving_day_close(actor=college_admin, day=day)
    live = client.get(reverse("hall:giving_day_live", args=[day.pk]))
    assert b"hx-trigger" not in live.content


def test_a_draft_day_is_not_public(client, org_tree, college_admin, projects):
    draft = giving_day_create(
        actor=college_admin,
        org=org_tree.college,
        title="草稿",
        starts_at=_hours(0),
        ends_at=_hours(1),
    )
    assert client.get(reverse("hall:giving_day", args=[draft.pk])).status_code == 404
    assert client.get(reverse("hall:giving_day_live", args=[draft.pk])).status_code == 404
    assert client.get(reverse("hall:giving_day", args=[draft.pk + 99])).status_code == 404
    client.force_login(college_admin)
    assert client.get(reverse("hall:giving_day", args=[draft.pk])).status_code == 200


def test_console_pages(client, org_tree, college_admin, projects):
    console_login(client, college_admin)
    response = client.post(
        reverse("console:giving_day_create"),
        {
            "org": str(org_tree.college.pk),
            "title": "校庆捐赠日",
            "starts_at": "2026-12-01T00:00",
            "ends_at": "2026-12-02T00:00",
            "goal": "10000",
            "projects": [str(projects[0].pk), str(projects[1].pk)],
        },
    )
    day = GivingDay.objects.get(title="校庆捐赠日")
    assert response["Location"] == reverse("console:giving_day", args=[day.pk])
    assert day.goal_amount == 1_000_000 and day.projects.count() == 2
    # Asia/Shanghai midnight is 16:00 UTC the day before.
    assert day.starts_at == dt.datetime(2026, 11, 30, 16, tzinfo=dt.UTC)
    bad = client.post(
        reverse("console:giving_day_create"),
        {
            "org": str(org_tree.college.pk),
            "title": "坏",
            "starts_at": "2026-12-02T00:00",
            "ends_at": "2026-12-01T00:00",
            "goal": "abc",
        },
    )
    assert bad.status_code == 200 and set(bad.context["form"].errors) == {"ends_at", "goal"}
    client.post(
        reverse("console:giving_challenge_add", args=[day.pk]),
        {"title": "筹满一万", "kind": "amount", "threshold": "10000", "reward": "配捐"},
    )
    client.post(
        reverse("console:giving_challenge_add", args=[day.pk]),
        {"title": "坏", "kind": "donors", "threshold": "1.5"},
    )
    assert list(day.challenges.values_list("title", "threshold")) == [("筹满一万", 1_000_000)]
    client.post(reverse("console:giving_day_status", args=[day.pk]), {"action": "publish"})
    day.refresh_from_db()
    assert day.status == GivingDayStatus.PUBLISHED
    page = client.get(reverse("console:giving_day", args=[day.pk]))
    assert page.status_code == 200 and "筹满一万" in page.content.decode()
    listing = client.get(reverse("console:giving_days"))
    assert "校庆捐赠日" in listing.content.decode()


def test_another_organizations_admin_sees_no_day(client, regional_admin, day):
    console_login(client, regional_admin)
    assert "计算机学院 捐赠日" not in client.get(reverse("console:giving_days")).content.decode()
    assert client.get(reverse("console:giving_day", args=[day.pk])).status_code == 404


def test_the_hall_list_links_a_day_under_way(client, org_tree, college_admin, day):
    later = giving_day_create(
        actor=college_admin,
        org=org_tree.college,
        title="明年的捐赠日",
        starts_at=_hours(24 * 300),
        ends_at=_hours(24 * 301),
    )
    giving_day_publish(actor=college_admin, day=later)
    html = client.get(reverse("hall:donation_projects")).content.decode()
    assert f'data-giving-day-link="{day.pk}"' in html
    assert f'data-giving-day-link="{later.pk}"' not in html


def test_hall_page_queries_do_not_grow_with_gifts(client, day, projects):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("hall:giving_day", args=[day.pk])
    client.get(url)  # warm the per-process caches (branding, sessions)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for index in range(12):
        _gift(projects[index % 2], UserFactory(), amount=100, class_year=1990 + index)
    assert count() == few
