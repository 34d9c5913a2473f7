"""Demo donations for `xiaoyou seed-demo`: a scholarship fund and a college library project,
with paid gifts, a usage report and a beneficiary's thanks, made through the services.

A demo gift is paid the way money given by bank transfer is: the project's admin records the
transfer (payments' offline payment) and approves it in the review queue, which settles the
order; the gift's own callback then runs at once (it runs again after commit from the task
queue and changes nothing), so the projects' totals are the sum of their paid gifts as soon as
the seeding commits.

Idempotent: a project is found by its organization and title, a gift by its project, donor's
name and amount, a report by its project and title, a beneficiary and their post by project
and person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile

from xiaoyou.core import reviews
from xiaoyou.core.demo import Palette, local_time, picture
from xiaoyou.core.errors import ApplicationError
from xiaoyou.donations.models import (
    BeneficiaryPost,
    Donation,
    DonationProject,
    ProjectBeneficiary,
    ProjectReport,
    ProjectStatus,
)
from xiaoyou.donations.services.community import beneficiary_add, post_create, post_moderate
from xiaoyou.donations.services.giving import donation_paid, donation_start
from xiaoyou.donations.services.projects import project_create, project_publish, report_add
from xiaoyou.organizations.models import Organization
from xiaoyou.payments.models import OfflineMethod
from xiaoyou.payments.services.offline import offline_payment_record

ORDER = 30
FOUNDATION_WORD = "教育基金会"
RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class Gift:
    amount: int  # fen
    donor: str = ""  # a donor without an account; empty: the demo alumnus at `alumnus`
    alumnus: int = 0  # index into the demo alumni when `donor` is empty
    message: str = ""
    is_anonymous: bool = False
    days_ago: int = 1


@dataclass(frozen=True)
class DemoProject:
    key: str  # "scholarship" (the foundation, else the root) or an organization key
    admin_key: str
    title: str
    summary: str
    story: str
    beneficiary: str
    target_yuan: int
    presets_yuan: tuple[int, ...]
    gifts: tuple[Gift, ...]
    palette: Palette


SCHOLARSHIP = DemoProject(
    key="scholarship",
    admin_key="platform_admin",
    title="校友励学奖学金",
    summary="每一份捐赠都将全额用于资助家庭经济困难、品学兼优的在校学生。",
    story=(
        "<p>校友励学奖学金由校友总会发起，面向家庭经济困难、学习成绩优良的本科生，"
        "每年评选一次，每人每年资助 2,000 元。</p>"
        "<p>奖学金的评审、发放与使用情况每年向捐赠校友公开。<strong>饮水思源，薪火相传</strong>，"
        "欢迎各届校友量力支持。</p>"
    ),
    beneficiary="家庭经济困难的在校本科生",
    target_yuan=1_000_000,
    presets_yuan=(100, 500, 1000, 5000),
    gifts=(
        Gift(500_000, donor="王建国", message="饮水思源，回馈母校。", days_ago=20),
        Gift(100_000, alumnus=1, message="祝学弟学妹们学业有成！", days_ago=12),
        Gift(50_000, alumnus=2, days_ago=9),
        Gift(200_000, donor="李女士", message="一点心意。", is_anonymous=True, days_ago=5),
        Gift(20_000, alumnus=3, message="感恩母校培养。", days_ago=2),
    ),
    palette=Palette(sky="#F5F5F5", sun="#C8102E"),
)
LIBRARY = DemoProject(
    key="EM", admin_key="em_admin",
    title="经管学院图书馆阅览室改造",
    summary="为学院图书馆阅览室更新座椅、照明与电子阅览设备，营造更好的学习空间。",
    story=(
        "<p>经济与管理学院图书馆阅览室已使用二十余年，座椅老化、照明不足。"
        "学院校友会发起本项目，计划更新 120 个座位、改造照明并增设电子阅览区。</p>"
        "<p>捐赠满 1,000 元的校友，姓名将镌刻在阅览室的捐赠墙上。</p>"
    ),
    beneficiary="经济与管理学院全体师生",
    target_yuan=200_000, presets_yuan=(50, 100, 500),
    gifts=(
        Gift(100_000, alumnus=4, message="愿阅览室灯火常明。", days_ago=15),
        Gift(30_000, donor="张校友", days_ago=7),
        Gift(10_000, alumnus=5, days_ago=3),
    ),
    palette=Palette(sky="#E5E5E5", sun="#FFFFFF", ground="#9E9E9E"),
)  # fmt: skip
REPORT_TITLE = "2025 年度励学奖学金发放报告"
REPORT_BODY = (
    "2025 年度共评选励学奖学金获得者 3 名，每人 2,000 元，已于 10 月全额发放至学生本人账户。"
    "评审由学院推荐、校友会复核，名单已在校内公示。"
)
REPORT_SPENT = 600_000  # fen: within what the demo gifts raised
THANKS = (
    "各位校友前辈：我是励学奖学金的获得者，现在读大三。奖学金让我不必再为生活费发愁，"
    "可以把更多时间用在学习和科研上。谢谢你们的支持，我也会像你们一样回馈母校！"
)


def seed(
    result: Any,
    *,
    root: Organization,
    org_by_key: dict[str, Organization],
    accounts: dict[str, Any],
    alumni: list[Any],
    **_: Any,
) -> None:
    """Creates whatever part of the demo projects is missing (see the module)."""
    foundation = (
        Organization.objects.filter(path__startswith=root.path, name__contains=FOUNDATION_WORD)
        .order_by("path")
        .first()
    )
    owners = {"scholarship": foundation or root, **org_by_key}
    for index, spec in enumerate((SCHOLARSHIP, LIBRARY)):
        org = owners.get(spec.key)
        if org is None:
            continue
        admin = accounts.get(spec.admin_key) or accounts["platform_admin"]
        project = _project(result, spec, index, org=org, admin=admin)
        for gift in spec.gifts:
            _gift(result, project, gift, admin=admin, alumni=alumni)
        if spec is SCHOLARSHIP:
            _report(result, project, admin)
            if len(alumni) > 6:
                _thanks(result, project, admin=admin, beneficiary=alumni[-1])


def _project(
    result: Any, spec: DemoProject, index: int, *, org: Organization, admin: Any
) -> DonationProject:
    project = DonationProject.objects.filter(org=org, title=spec.title).first()
    if project is None:
        cover = picture(
            title=spec.title,
            subtitle=org.short_name or org.name,
            variant=index + 2,
            palette=spec.palette,
        )
        project = project_create(
            actor=admin,
            org=org,
            title=spec.title,
            summary=spec.summary,
            story=spec.story,
            cover=ContentFile(cover, name="cover.jpg"),
            beneficiary=spec.beneficiary,
            target_amount=spec.target_yuan * 100,
            preset_amounts=[yuan * 100 for yuan in spec.presets_yuan],
            starts_at=local_time(-60, 0),
            is_recommended=spec is SCHOLARSHIP,
        )
        result.add("donation projects")
    if project.status == ProjectStatus.DRAFT:
        project_publish(actor=admin, project=project)
    return project


def _gift(
    result: Any, project: DonationProject, gift: Gift, *, admin: Any, alumni: list[Any]
) -> None:
    if gift.donor:
        user, name = None, gift.donor
    elif gift.alumnus < len(alumni):
        user = alumni[gift.alumnus]
        name = user.display_name or str(user)
    else:
        return  # a small demo school: fewer alumni than gifts
    if Donation.objects.filter(project=project, donor_name=name, amount=gift.amount).exists():
        return
    donation = donation_start(
        project=project,
        user=user or AnonymousUser(),
        amount=gift.amount,
        donor_name=name,
        message=gift.message,
        is_anonymous=gift.is_anonymous,
    )
    received_on = local_time(-gift.days_ago, 10).date()
    order = donation.payment
    assert order is not None  # donation_start attaches the order
    evidence = offline_payment_record(
        order=order,
        method=OfflineMethod.TRANSFER,
        amount=gift.amount,
        received_on=received_on,
        actor=admin,
        reference=f"{received_on:%Y%m%d}{donation.pk:06d}",
        payer_name=name,
    )
    item = reviews.pending_item(evidence)
    if item is not None:
        reviews.review_decide(item=item, actor=admin, approved=True)
    order.refresh_from_db()
    donation_paid(order)  # at once; the task after commit finds it counted
    result.add("gifts")


def _report(result: Any, project: DonationProject, admin: Any) -> None:
    if ProjectReport.objects.filter(project=project, title=REPORT_TITLE).exists():
        return
    report_add(
        actor=admin,
        project=project,
        title=REPORT_TITLE,
        body=REPORT_BODY,
        spent_amount=REPORT_SPENT,
        period="2025 年度",
        notify_donors=False,
    )
    result.add("project reports")


def _thanks(result: Any, project: DonationProject, *, admin: Any, beneficiary: Any) -> None:
    """A beneficiary named by staff writes to the donors; the post is published."""
    if not ProjectBeneficiary.objects.filter(project=project, user=beneficiary).exists():
        beneficiary_add(
            actor=admin, project=project, user=beneficiary, note="2025 年度励学奖学金获得者"
        )
        result.add("beneficiaries")
    if BeneficiaryPost.objects.filter(project=project, author=beneficiary).exists():
        return
    try:
        post = post_create(actor=beneficiary, project=project, body=THANKS)
    except ApplicationError as error:
        if error.code != RATE_LIMITED:
            raise
        return  # the person's posting limit (a re-created database, a kept cache): next run
    post_moderate(actor=admin, post=post, action="publish")
    result.add("beneficiary posts")


def register() -> None:
    from xiaoyou.core.registry import demo_seeder

    demo_seeder(ORDER, seed)
