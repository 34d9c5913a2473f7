"""Donations pages: console projects (create, edit, publish, close, reports) and records
(scope, filters, export, certificate); hall list, project, giving to the payment page, the
thank-you page and certificate by signed link, verification, transparency, my donations."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.donations.factories import ProjectFactory
from tests.donations.support import give, pay
from tests.organizations.org_support import console_login
from xiaoyou.core.models import AuditEntry
from xiaoyou.donations.links import gift_url
from xiaoyou.donations.models import Donation, DonationProject, ProjectReport, ProjectStatus

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return re.sub(r"\s+", "", text)  # pdftotext breaks lines where the layout wraps


def test_console_creates_publishes_and_closes_a_project(client, org_tree, college_admin):
    console_login(client, college_admin)
    response = client.post(
        reverse("console:donation_project_create"),
        {
            "org": str(org_tree.college.pk),
            "title": "计算机学院奖学金",
            "summary": "资助寒门学子",
            "story": "<p>故事</p><script>alert(1)</script>",
            "target": "100000",
            "presets": "20, 50，100",
            "allow_custom_amount": "on",
            "minimum": "1",
            "visibility": "public",
            "allow_anonymous": "on",
            "thank_you_text": "亲爱的{name}，感谢您为{project}捐赠{amount}元！",
        },
    )
    project = DonationProject.objects.get(title="计算机学院奖学金")
    assert response["Location"] == reverse("console:donation_project", args=[project.pk])
    assert project.target_amount == 10_000_000
    assert project.preset_amounts == [2000, 5000, 10000]
    assert "<script>" not in project.story and project.status == ProjectStatus.DRAFT
    client.post(
        reverse("console:donation_project_status", args=[project.pk]), {"action": "publish"}
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.PUBLISHED and project.published_at
    client.post(reverse("console:donation_project_status", args=[project.pk]), {"action": "close"})
    project.refresh_from_db()
    assert project.status == ProjectStatus.CLOSED
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"donations.project.create", "donations.project.publish",
            "donations.project.close"} <= actions  # fmt: skip


def test_console_form_errors_are_shown(client, org_tree, college_admin):
    console_login(client, college_admin)
    response = client.post(
        reverse("console:donation_project_create"),
        {
            "org": str(org_tree.college.pk),
            "title": "",
            "target": "12.345",
            "minimum": "x",
            "visibility": "public",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"title", "target", "minimum"}
    assert DonationProject.objects.count() == 0


def test_console_scope_other_colleges_projects_are_hidden(
    client, org_tree, college_admin, django_assert_max_num_queries
):
    mine = ProjectFactory(org=org_tree.club, title="俱乐部基金")
    theirs = ProjectFactory(org=org_tree.other_college, title="他院基金")
    for _ in range(5):
        ProjectFactory(org=org_tree.college)
    console_login(client, college_admin)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("console:donation_projects"))
    titles = {row.obj.title for row in response.context["table"].rows}
    assert "俱乐部基金" in titles and "他院基金" not in titles
    assert client.get(reverse("console:donation_project", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("console:donation_project", args=[mine.pk])).status_code == 200


def test_console_records_filter_export_and_certificate(
    client, org_tree, college_admin, gateway, django_capture_on_commit_callbacks
):
    project = ProjectFactory(org=org_tree.college, title="图书馆基金")
    other = ProjectFactory(org=org_tree.other_college)
    with django_capture_on_commit_callbacks(execute=True):
        paid = give(project, amount=5000, donor_name="赵六", phone="13900000000")
        pay(paid)
        give(project, amount=2000, donor_name="钱七")
        pay(give(other, amount=7000, donor_name="他院校友"))
    console_login(client, college_admin)
    response = client.get(reverse("console:donations"))
    assert {row.obj.donor_name for row in response.context["table"].rows} == {"赵六", "钱七"}
    response = client.get(reverse("console:donations"), {"status": "paid"})
    assert [row.obj.donor_name for row in response.context["table"].rows] == ["赵六"]
    export = client.get(reverse("console:donations"), {"status": "paid", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [cell.value for cell in sheet[2]]
    assert "赵六" in values and "50.00" in values
    paid.refresh_from_db()
    pdf = client.get(reverse("console:donation_certificate", args=[paid.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert paid.certificate_number in _pdf_text(pdf.content)


def test_hall_gives_through_the_payment_page(client, org_tree, gateway):
    project = ProjectFactory(org=org_tree.college, title="校庆基金")
    listing = client.get(reverse("hall:donation_projects")).content.decode()
    assert "校庆基金" in listing
    detail = client.get(reverse("hall:donation_project", args=[project.pk])).content.decode()
    assert 'data-action="give"' in detail
    response = client.post(
        reverse("hall:donation_give", args=[project.pk]),
        {
            "preset": "5000",
            "donor_name": "公众捐赠人",
            "email": "donor@example.com",
            "message": "祝母校生日快乐",
        },
    )
    donation = Donation.objects.get()
    assert response["Location"] == reverse("hall:pay", args=[donation.payment.out_trade_no])
    assert (donation.amount, donation.user, donation.message) == (5000, None, "祝母校生日快乐")
    response = client.post(
        reverse("hall:donation_give", args=[project.pk]),
        {"amount": "0.5", "donor_name": "x"},
    )
    assert response.status_code == 200
    assert "1.00" in response.context["problem"]  # the smallest gift, in yuan
    response = client.post(reverse("hall:donation_give", args=[project.pk]), {"donor_name": "x"})
    assert "amount" in response.context["form"].errors


def test_thank_you_page_and_certificate_by_signed_link_only(
    client, org_tree, gateway, django_capture_on_commit_callbacks, mailoutbox
):
    project = ProjectFactory(
        org=org_tree.college, title="奖学金", thank_you_text="谢谢{name}为{project}捐赠{amount}元"
    )
    donation = give(project, amount=5000, donor_name="孙八", email="sun@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        pay(donation)
    donation.refresh_from_db()
    done = reverse("hall:donation_done", args=[donation.pk])
    assert client.get(done).status_code == 404
    assert client.get(done + "?t=forged").status_code == 404
    page = client.get(gift_url(donation)).content.decode()
    assert "谢谢孙八为奖学金捐赠50.00元" in page
    token = gift_url(donation).split("?t=")[1]
    pdf = client.get(reverse("hall:donation_certificate", args=[donation.pk]) + f"?t={token}")
    text = _pdf_text(pdf.content)
    assert "孙八" in text and "50.00" in text and "伍拾元整" in text and "奖学金" in text
    assert donation.certificate_number in text
    # The thank-you email went once, with the certificate attached.
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["sun@example.com"] and "谢谢孙八" in message.body
    assert message.attachments[0][0] == f"certificate-{donation.certificate_number}.pdf"


def test_certificate_verification_needs_the_signature(client, org_tree, gateway,
                                                     django_capture_on_commit_callbacks):  # fmt: skip
    from xiaoyou.donations.services.certificates import certificate_verify_url

    donation = give(ProjectFactory(org=org_tree.college), amount=5000, donor_name="周九")
    with django_capture_on_commit_callbacks(execute=True):
        pay(donation)
    donation.refresh_from_db()
    good = client.get(certificate_verify_url(donation.certificate_number))
    assert good.status_code == 200 and "周九" in good.content.decode()
    url = reverse("hall:donation_certificate_verify", args=[donation.certificate_number])
    assert client.get(url + "?s=wrong").status_code == 404


def test_transparency_and_reports(client, org_tree, college_admin, gateway,
                                  django_capture_on_commit_callbacks):  # fmt: skip
    project = ProjectFactory(org=org_tree.college)
    with django_capture_on_commit_callbacks(execute=True):
        pay(give(project, amount=100000))
    console_login(client, college_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("console:donation_report_add", args=[project.pk]),
            {"title": "2026 年度使用报告", "spent": "300.50", "period": "2026"},
        )
    assert ProjectReport.objects.get().spent_amount == 30050
    bad = io.BytesIO(b"<html>not a pdf</html>")
    bad.name = "report.pdf"
    client.post(reverse("console:donation_report_add", args=[project.pk]),
                {"title": "假报告", "file": bad})  # fmt: skip
    assert ProjectReport.objects.count() == 1
    client.logout()
    page = client.get(reverse("hall:donation_transparency", args=[project.pk])).content.decode()
    assert (
        "2026 年度使用报告" in page and "1,000.00" in page and "300.50" in page and "699.50" in page
    )


def test_my_donations(client, org_tree, verified_alumnus, gateway,
                      django_capture_on_commit_callbacks):  # fmt: skip
    project = ProjectFactory(org=org_tree.college, title="体育馆基金")
    with django_capture_on_commit_callbacks(execute=True):
        pay(give(project, verified_alumnus, amount=8800))
    client.force_login(verified_alumnus)
    page = client.get(reverse("hall:my_donations")).content.decode()
    assert "体育馆基金" in page and "88.00" in page
    donation = Donation.objects.get()
    assert client.get(reverse("hall:donation_done", args=[donation.pk])).status_code == 200
    # The in-app thank-you.
    from xiaoyou.core.models import Notification

    assert (
        Notification.objects.filter(user=verified_alumnus, kind="donations.thank_you").count() == 1
    )
