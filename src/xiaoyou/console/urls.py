from __future__ import annotations

from django.urls import include, path

from xiaoyou.console.context import require_console_access
from xiaoyou.console.views import audit, console, jobs, reviews

app_name = "console"
urlpatterns = [
    path("", console.dashboard, name="dashboard"),
    path("org", console.switch_org, name="switch_org"),
    path("search", console.search, name="search"),
    path("jobs/", jobs.job_list, name="jobs"),
    path("jobs/verify-audit-log", jobs.audit_verify_start, name="job_audit_verify"),
    path("jobs/<int:pk>/", jobs.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress", jobs.job_progress, name="job_progress"),
    path("jobs/<int:pk>/retry", jobs.job_retry, name="job_retry"),
    path("audit/", audit.audit_list, name="audit"),
    path("audit/<int:pk>/", audit.audit_detail, name="audit_detail"),
    path("todos/", reviews.review_list, name="reviews"),
    path("todos/bulk", reviews.review_bulk, name="review_bulk"),
    path("todos/<int:pk>/", reviews.review_detail, name="review_detail"),
    path("todos/<int:pk>/decide", reviews.review_decide, name="review_decide"),
    path("orgs/", include("xiaoyou.organizations.urls.console_orgs")),
    path("members/", include("xiaoyou.organizations.urls.console_members")),
    path("invitations/", include("xiaoyou.organizations.urls.console_invitations")),
    path("alumni/import/", include("xiaoyou.alumni.urls_import")),
    path("alumni/duplicates/", include("xiaoyou.alumni.urls_dedupe")),
    path("alumni/records/", include("xiaoyou.alumni.urls_records")),
    path("alumni/campaigns/", include("xiaoyou.alumni.urls_campaigns")),
    path("alumni/stats/", include("xiaoyou.alumni.urls_stats")),
    path("alumni/", include("xiaoyou.alumni.urls_console")),
    path("community/", include("xiaoyou.community.urls_console")),
    path("directory/", include("xiaoyou.directory.urls_console")),
    path("privacy/", include("xiaoyou.privacy.urls_console")),
    path("payments/offline/", include("xiaoyou.payments.urls_console_offline")),
    path("payments/", include("xiaoyou.payments.urls_console")),
    path("events/checkin/", include("xiaoyou.events.urls_checkin")),  # 签到, badges, seats
    path("events/", include("xiaoyou.events.urls_console")),
    path("donations/", include("xiaoyou.donations.urls_console")),  # 捐赠
    path("polls/", include("xiaoyou.polls.urls_console")),  # 投票
    path("messaging/", include("xiaoyou.messaging.urls_console")),  # 邮件/短信管理
    path("content/", include("xiaoyou.content.urls_console")),  # 相册, 活动掠影
    path("cards/", include("xiaoyou.cards.urls_console")),  # 校友云卡
    path("discovery/", include("xiaoyou.discovery.urls_console")),  # 知名校友, 招聘
    path("shop/", include("xiaoyou.shop.urls_console")),  # 商品, 订单, 积分规则
]

# Every console page needs a signed-in staff administrator (or a platform operator); the
# views' own checks (policy, per-page rights) come on top. Keep this line last.
require_console_access(urlpatterns)
