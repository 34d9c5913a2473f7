"""月捐: monthly pledges from the hall (signed-in donors only), My monthly gifts (status, next
billing date, paid months; pause, resume, cancel by the donor only, audited), billing by the
daily task (paused and cancelled pledges are never billed), the console's list of a project's
pledges (scope, query count)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.donations.factories import ProjectFactory
from tests.donations.support import pay
from tests.factories import UserFactory
from tests.organizations.org_support import console_login
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry, Notification
from xiaoyou.donations.models import Donation, DonationStatus, Pledge, PledgeStatus
from xiaoyou.donations.selectors_pledges import my_pledges
from xiaoyou.donations.services.pledges import (
    next_billing_date,
    pledge_cancel,
    pledge_create,
    pledge_pause,
    pledge_resume,
    pledges_bill,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(org_tree):
    return ProjectFactory(org=org_tree.club, title="励学奖学金")


def _pledge(project, user, *, amount=5000, day=5, **fields):
    return pledge_create(
        actor=user,
        project=project,
        amount=amount,
        day_of_month=day,
        donor_name=fields.pop("donor_name", "王校友"),
        **fields,
    )


def test_only_signed_in_people_pledge(project, verified_alumnus):
    with pytest.raises(ApplicationError) as error:
        _pledge(project, AnonymousUser())
    assert error.value.code == "donations.not_allowed"
    pledge = _pledge(project, verified_alumnus, amount=2000, day=28, is_anonymous=True)
    assert (pledge.user, pledge.amount, pledge.day_of_month, pledge.status) == (
        verified_alumnus,
        2000,
        28,
        PledgeStatus.ACTIVE,
    )
    assert pledge.is_anonymous
    entry = AuditEntry.objects.get(action="donations.pledge.create")
    assert entry.org_id == project.org_id
    for day in (0, 29):
        with pytest.raises(ApplicationError) as error:
            _pledge(ProjectFactory(org=project.org), verified_alumnus, day=day)
        assert error.value.code == "donations.pledge_day_invalid"
    with pytest.raises(ApplicationError) as error:
        _pledge(project, verified_alumnus, amount=50)
    assert error.value.code == "donations.amount_too_small"


def test_one_live_pledge_per_project(project, verified_alumnus):
    first = _pledge(project, verified_alumnus)
    with pytest.raises(ApplicationError) as error:
        _pledge(project, verified_alumnus)
    assert error.value.code == "donations.pledge_exists"
    pledge_pause(actor=verified_alumnus, pledge=first)
    with pytest.raises(ApplicationError):
        _pledge(project, verified_alumnus)
    pledge_cancel(actor=verified_alumnus, pledge=first)
    assert _pledge(project, verified_alumnus).status == PledgeStatus.ACTIVE


def test_only_the_donor_changes_a_pledge(project, verified_alumnus, college_admin, outsider):
    pledge = _pledge(project, verified_alumnus)
    for actor in (college_admin, outsider, AnonymousUser()):
        for change in (pledge_pause, pledge_cancel):
            with pytest.raises(PermissionDenied):
                change(actor=actor, pledge=pledge)
    pledge = pledge_pause(actor=verified_alumnus, pledge=pledge)
    assert pledge.status == PledgeStatus.PAUSED
    with pytest.raises(ApplicationError) as error:
        pledge_pause(actor=verified_alumnus, pledge=pledge)
    assert error.value.code == "donations.pledge_state"
    with pytest.raises(PermissionDenied):
        pledge_resume(actor=outsider, pledge=pledge)
    pledge = pledge_resume(actor=verified_alumnus, pledge=pledge)
    assert pledge.status == PledgeStatus.ACTIVE
    pledge = pledge_cancel(actor=verified_alumnus, pledge=pledge)
    assert pledge.status == PledgeStatus.CANCELLED
    with pytest.raises(ApplicationError):
        pledge_resume(actor=verified_alumnus, pledge=pledge)
    actions = list(
        AuditEntry.objects.filter(object_id=str(pledge.pk), action__startswith="donations.pledge")
        .order_by("id")
        .values_list("action", "changes")
    )
    assert [action for action, _ in actions] == [
        "donations.pledge.create",
        "donations.pledge.pause",
        "donations.pledge.resume",
        "donations.pledge.cancel",
    ]
    assert actions[3][1] == {"status": ["active", "cancelled"]}


def test_billing_creates_one_gift_a_month_and_stops_when_cancelled(project, verified_alumnus):
    pledge = _pledge(project, verified_alumnus, amount=3000, day=5)
    assert pledges_bill(today=dt.date(2026, 3, 4)) == 0
    assert pledges_bill(today=dt.date(2026, 3, 5)) == 1
    assert pledges_bill(today=dt.date(2026, 3, 6)) == 0  # once a month, whatever the reruns
    gift = Donation.objects.get(pledge=pledge)
    assert (gift.amount, gift.status, gift.user) == (3000, DonationStatus.PENDING, verified_alumnus)
    told = Notification.objects.get(user=verified_alumnus, kind="donations.pledge_due")
    assert told.url == reverse("hall:pay", args=[gift.payment.out_trade_no])

    pledge_cancel(actor=verified_alumnus, pledge=pledge)
    assert pledges_bill(today=dt.date(2026, 4, 5)) == 0
    assert pledges_bill(today=dt.date(2026, 5, 20)) == 0
    assert Donation.objects.filter(pledge=pledge).count() == 1


def test_a_paused_pledge_is_not_billed_until_resumed(project, verified_alumnus, monkeypatch):
    pledge = _pledge(project, verified_alumnus, day=10)
    pledge_pause(actor=verified_alumnus, pledge=pledge)
    assert pledges_bill(today=dt.date(2026, 6, 10)) == 0
    assert not Donation.objects.filter(pledge=pledge).exists()
    # Resumed on 6-15, after this month's day: June is skipped, July is billed.
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2026, 6, 15))
    pledge = pledge_resume(actor=verified_alumnus, pledge=pledge)
    assert next_billing_date(pledge) == dt.date(2026, 7, 10)
    assert pledges_bill(today=dt.date(2026, 6, 16)) == 0
    assert pledges_bill(today=dt.date(2026, 7, 10)) == 1


def test_next_billing_date_and_paid_months(
    project, verified_alumnus, gateway, django_capture_on_commit_callbacks
):
    pledge = _pledge(project, verified_alumnus, amount=2000, day=5)
    assert next_billing_date(pledge, dt.date(2026, 3, 1)) == dt.date(2026, 3, 5)
    assert next_billing_date(pledge, dt.date(2026, 3, 9)) == dt.date(2026, 3, 9)  # overdue
    pledges_bill(today=dt.date(2026, 3, 5))
    pledge.refresh_from_db()
    assert next_billing_date(pledge, dt.date(2026, 3, 9)) == dt.date(2026, 4, 5)
    pledges_bill(today=dt.date(2026, 4, 5))
    pledge.last_period = "2026-12"
    assert next_billing_date(pledge, dt.date(2026, 12, 9)) == dt.date(2027, 1, 5)
    first, second = Donation.objects.filter(pledge=pledge).order_by("id")
    with django_capture_on_commit_callbacks(execute=True):
        assert pay(first)
    row = my_pledges(verified_alumnus).get()
    assert (row.paid_months, row.paid_amount) == (1, 2000)
    with django_capture_on_commit_callbacks(execute=True):
        assert pay(second)
    row = my_pledges(verified_alumnus).get()
    assert (row.paid_months, row.paid_amount) == (2, 4000)
    pledge_pause(actor=verified_alumnus, pledge=pledge)
    pledge.refresh_from_db()
    assert next_billing_date(pledge) is None


# --- Pages ---------------------------------------------------------------------------------


def test_pledge_page_needs_sign_in_and_creates_the_pledge(client, project, verified_alumnus):
    url = reverse("hall:pledge_start", args=[project.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    detail = client.get(reverse("hall:donation_project", args=[project.pk])).content.decode()
    assert url in detail and 'data-action="give-monthly"' in detail
    client.force_login(verified_alumnus)
    page = client.get(url)
    assert page.status_code == 200 and 'data-preset="5000"' in page.content.decode()
    response = client.post(
        url, {"preset": "5000", "day_of_month": "12", "donor_name": "王校友", "is_anonymous": "on"}
    )
    assert response["Location"] == reverse("hall:my_pledges")
    pledge = Pledge.objects.get(user=verified_alumnus)
    assert (pledge.amount, pledge.day_of_month, pledge.is_anonymous) == (5000, 12, True)
    again = client.post(url, {"amount": "30", "day_of_month": "1", "donor_name": "王校友"})
    assert again.status_code == 400
    with translation.override("zh-hans"):
        expected = gettext(
            "You already give monthly to this project: change it in My monthly gifts."
        )
    assert expected in again.content.decode()
    bad = client.post(url, {"amount": "abc", "day_of_month": "40", "donor_name": ""})
    assert bad.status_code == 200 and Pledge.objects.count() == 1


def test_my_monthly_gifts_lists_and_changes(client, project, verified_alumnus, outsider):
    pledge = _pledge(project, verified_alumnus, amount=2000, day=5)
    other = _pledge(ProjectFactory(org=project.org, title="另一个项目"), outsider)
    client.force_login(verified_alumnus)
    html = client.get(reverse("hall:my_pledges")).content.decode()
    assert "励学奖学金" in html and "另一个项目" not in html
    assert f'data-pledge="{pledge.pk}"' in html and "data-next-billing" in html
    assert client.post(reverse("hall:pledge_change", args=[other.pk, "cancel"])).status_code == 404
    assert client.post(reverse("hall:pledge_change", args=[pledge.pk, "oops"])).status_code == 404
    response = client.post(reverse("hall:pledge_change", args=[pledge.pk, "pause"]))
    assert response["Location"] == reverse("hall:my_pledges")
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.PAUSED
    html = client.get(reverse("hall:my_pledges")).content.decode()
    assert 'data-pledge-status="paused"' in html and 'data-action="pledge-resume"' in html
    client.post(reverse("hall:pledge_change", args=[pledge.pk, "cancel"]))
    pledge.refresh_from_db()
    other.refresh_from_db()
    assert (pledge.status, other.status) == (PledgeStatus.CANCELLED, PledgeStatus.ACTIVE)
    mine = client.get(reverse("hall:my_donations")).content.decode()
    assert reverse("hall:my_pledges") in mine
    me = client.get(reverse("hall:me")).content.decode()
    assert reverse("hall:my_pledges") in me


def test_my_monthly_gifts_needs_sign_in_and_keeps_its_query_count(
    client, project, verified_alumnus, django_assert_max_num_queries
):
    assert client.get(reverse("hall:my_pledges")).status_code == 302
    client.force_login(verified_alumnus)
    _pledge(project, verified_alumnus)
    client.get(reverse("hall:my_pledges"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("hall:my_pledges"))
    for index in range(6):
        _pledge(ProjectFactory(org=project.org, title=f"项目{index}"), verified_alumnus)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("hall:my_pledges")).status_code == 200
    assert len(many) == len(few)


def test_console_lists_a_projects_pledges(
    client, project, verified_alumnus, college_admin, regional_admin
):
    pledge = _pledge(project, verified_alumnus, amount=2000, donor_name="陈校友")
    pledges_bill(today=timezone.localdate().replace(day=28))
    url = reverse("console:donation_pledges", args=[project.pk])
    console_login(client, regional_admin)
    assert client.get(url).status_code == 404
    console_login(client, college_admin)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and "陈校友" in html and "20.00" in html
    assert "data-pledges" in html
    project_page = client.get(reverse("console:donation_project", args=[project.pk]))
    assert url in project_page.content.decode()
    paused = client.get(url, {"status": "paused"}).content.decode()
    assert "陈校友" not in paused
    pledge_pause(actor=verified_alumnus, pledge=pledge)
    assert "陈校友" in client.get(url, {"status": "paused"}).content.decode()
    for index in range(5):
        _pledge(project, UserFactory(), donor_name=f"校友{index}")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for index in range(5, 10):
        _pledge(project, UserFactory(), donor_name=f"校友{index}")
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(first) == len(second)
