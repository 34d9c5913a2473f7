from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import UserFactory
from xiaoyou.core import audit
from xiaoyou.core.models import AuditEntry, Job, JobStatus

pytestmark = pytest.mark.django_db

URL = reverse("console:audit")


@pytest.fixture(autouse=True)
def _english(settings):
    # Chinese is the default language; assertions here read the English msgids.
    settings.LANGUAGE_CODE = "en"


def console_login(client, user) -> None:
    """Staff need a TOTP authenticator to use the console; give them one, then sign in."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}}
    )
    client.force_login(user)


@pytest.fixture
def entries(org_tree, platform_admin):
    """One entry per organization of the tree, plus a platform-wide one without organization."""
    staff = UserFactory(display_name="操作员甲")
    made = {}
    for name in ("root", "college", "club", "other_college", "regional"):
        org = getattr(org_tree, name)
        made[name] = audit.record(
            actor=staff,
            action="organization.change",
            obj=org,
            changes=audit.diff(
                {"city": "北京", "password": "a"}, {"city": "上海", "password": "b"}
            ),
        )
    made["platform"] = audit.record(
        actor=platform_admin, action="settings.change", obj=platform_admin, org=None
    )
    return made


def _listed_ids(response) -> set[int]:
    return {entry.pk for entry in response.context["table"].page.object_list}


def test_anonymous_is_sent_to_login_and_alumni_are_refused(client, verified_alumnus):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(verified_alumnus)
    assert client.get(URL).status_code == 403


def test_admins_see_their_subtree_only(client, entries, college_admin, regional_admin):
    console_login(client, college_admin)
    response = client.get(URL)
    assert response.status_code == 200
    ids = _listed_ids(response)
    assert entries["college"].pk in ids and entries["club"].pk in ids
    assert not ids & {
        entries[name].pk for name in ("root", "other_college", "regional", "platform")
    }
    # The role grant that made them admin of the college is in their log too.
    assert {e.action for e in response.context["table"].page.object_list} == {
        "organization.change",
        "role.grant",
        "organization.create",
    }
    client.logout()
    console_login(client, regional_admin)
    ids = _listed_ids(client.get(URL))
    assert entries["regional"].pk in ids
    assert entries["college"].pk not in ids


def test_platform_admins_see_everything(client, entries, platform_admin):
    console_login(client, platform_admin)
    response = client.get(URL)
    assert _listed_ids(response) == set(AuditEntry.objects.values_list("pk", flat=True)[:50])
    assert entries["platform"].pk in _listed_ids(response)


def test_filters(client, entries, org_tree, platform_admin):
    console_login(client, platform_admin)
    by_actor = client.get(URL, {"actor": "操作员"})
    assert _listed_ids(by_actor) == {
        entries[name].pk for name in ("root", "college", "club", "other_college", "regional")
    }
    by_org = client.get(URL, {"org": org_tree.college.pk, "action": "organization.change"})
    assert _listed_ids(by_org) == {entries["college"].pk, entries["club"].pk}
    by_type = client.get(URL, {"object_type": "accounts.user"})
    assert _listed_ids(by_type) == {entries["platform"].pk}
    by_action_prefix = client.get(URL, {"action": "settings."})
    assert _listed_ids(by_action_prefix) == {entries["platform"].pk}
    today = timezone.localdate()
    in_range = client.get(
        URL, {"action": "settings.", "date_from": today.isoformat(), "date_to": today.isoformat()}
    )
    assert _listed_ids(in_range) == {entries["platform"].pk}
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert _listed_ids(client.get(URL, {"date_from": tomorrow})) == set()
    inverted = client.get(URL, {"date_from": tomorrow, "date_to": today.isoformat()})
    assert _listed_ids(inverted) == set()
    search = client.get(URL, {"q": "上海校友会"})
    assert _listed_ids(search) == {
        entries["regional"].pk,
        *AuditEntry.objects.filter(
            action="organization.create", object_repr="上海校友会"
        ).values_list("pk", flat=True),
    }


def test_an_org_filter_outside_the_scope_is_ignored(client, entries, org_tree, college_admin):
    console_login(client, college_admin)
    unfiltered = _listed_ids(client.get(URL))
    response = client.get(URL, {"org": org_tree.regional.pk})
    assert "org" in response.context["table"].filter_form.errors
    assert _listed_ids(response) == unfiltered
    assert entries["regional"].pk not in unfiltered


def test_sorting_by_a_declared_column_only(client, entries, platform_admin):
    console_login(client, platform_admin)
    by_action = client.get(URL, {"sort": "action"})
    actions = [entry.action for entry in by_action.context["table"].page.object_list]
    assert actions == sorted(actions)
    # Not a column's sort key: ignored, the newest entry first.
    by_hash = client.get(URL, {"sort": "entry_hash"})
    assert (
        by_hash.context["table"].page.object_list[0].pk == AuditEntry.objects.order_by("-id")[0].pk
    )


def test_detail_shows_the_masked_diff(client, entries, college_admin):
    console_login(client, college_admin)
    response = client.get(reverse("console:audit_detail", args=[entries["club"].pk]))
    assert response.status_code == 200
    assert response.context["changes"] == [
        {"field": "city", "before": "北京", "after": "上海"},
        {"field": "password", "before": "******", "after": "******"},
    ]
    html = response.content.decode()
    assert "<del>北京</del>" in html and "<ins>上海</ins>" in html
    assert entries["club"].entry_hash in html


def test_detail_of_another_orgs_entry_is_not_found(client, entries, college_admin):
    console_login(client, college_admin)
    assert (
        client.get(reverse("console:audit_detail", args=[entries["regional"].pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("console:audit_detail", args=[entries["platform"].pk])).status_code
        == 404
    )


def test_export_xlsx_and_csv_follow_the_filters_and_neutralize_formulas(
    client, org_tree, platform_admin
):
    audit.record(
        actor=platform_admin,
        action="alumni.import",
        obj=org_tree.college,
        changes={"note": ["", "=1+1"]},
    )
    evil = UserFactory(display_name='=HYPERLINK("http://x")')
    audit.record(actor=evil, action="alumni.import", obj=org_tree.college)
    console_login(client, platform_admin)
    response = client.get(URL, {"action": "alumni.import", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("ID", "Time", "Actor", "Organization", "Action")
    assert [(row[2], row[3], row[4]) for row in rows[1:]] == [
        ('\'=HYPERLINK("http://x")', "计算机学院校友会", "alumni.import"),
        ("平台管理员", "计算机学院校友会", "alumni.import"),
    ]
    assert rows[2][8] == '{"note": ["", "=1+1"]}'
    response = client.get(URL, {"action": "alumni.import", "export": "csv"})
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(table) == 3
    assert table[1][2] == '\'=HYPERLINK("http://x")'


def test_the_list_has_a_fixed_number_of_queries(
    client, org_tree, platform_admin, django_assert_max_num_queries
):
    console_login(client, platform_admin)
    client.get(URL)  # warm up: sessions and caches settle
    for number in range(60):
        audit.record(actor=platform_admin, action=f"bulk.{number}", obj=org_tree.club)
    with django_assert_max_num_queries(14) as few:
        assert client.get(URL).status_code == 200
    for number in range(60):
        audit.record(actor=platform_admin, action=f"more.{number}", obj=org_tree.regional)
    with django_assert_max_num_queries(14) as many:
        assert client.get(URL, {"page": 2}).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_platform_admins_see_the_last_chain_verification(
    client, entries, platform_admin, college_admin
):
    console_login(client, platform_admin)
    assert "has not been verified yet" in client.get(URL).content.decode()
    result = audit.verify_chain()
    Job.objects.create(
        kind="audit.verify",
        status=JobStatus.SUCCEEDED,
        result=result.as_dict(),
        finished_at=timezone.now(),
    )
    html = client.get(URL).content.decode()
    assert "Chain intact" in html
    assert f"{result.checked} entries verified" in html
    broken = {
        "ok": False,
        "checked": 3,
        "total": 9,
        "broken_entry_id": entries["club"].pk,
        "reason": "entry_hash_mismatch",
        "message": "The entry's content does not match its hash: it was changed.",
    }
    Job.objects.create(
        kind="audit.verify", status=JobStatus.FAILED, result=broken, finished_at=timezone.now()
    )
    html = client.get(URL).content.decode()
    assert "Chain broken" in html
    assert reverse("console:audit_detail", args=[entries["club"].pk]) in html
    client.logout()
    console_login(client, college_admin)
    assert client.get(URL).context["verification"] is None


def test_object_types_show_the_models_names_not_their_labels(client, entries, platform_admin):
    console_login(client, platform_admin)
    html = client.get(URL).content.decode()
    assert '<option value="organizations.organization">Organization</option>' in html
    assert html.count(">Organization<") >= 2  # the filter choice and at least one table cell
    assert ">organizations.organization<" not in html
