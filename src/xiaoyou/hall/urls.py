from __future__ import annotations

from django.urls import include, path

from xiaoyou.hall.views import hall, notifications

app_name = "hall"
urlpatterns = [
    path("", hall.home, name="home"),
    path("notifications/", notifications.inbox, name="notifications"),
    path("notifications/read-all", notifications.mark_all_read, name="notifications_read_all"),
    path("notifications/settings", notifications.preferences, name="notification_preferences"),
    path("notifications/<int:pk>/read", notifications.mark_read, name="notification_read"),
    path("me/", hall.me, name="me"),
    path("me/claim/", include("xiaoyou.alumni.urls_claim")),
    path("me/profile/", include("xiaoyou.alumni.urls_hall_profile")),
    path("me/social/", include("xiaoyou.accounts.social.urls")),
    path("language", hall.set_language, name="set_language"),
    path("events/", include("xiaoyou.events.urls_hall")),  # 活动 (hall:events)
    path("tickets/", include("xiaoyou.events.urls_tickets")),  # 电子票, self check-in
    path("give/", include("xiaoyou.donations.urls_hall")),  # 捐赠 (hall:donation_projects)
    path("polls/", include("xiaoyou.polls.urls_hall")),  # 投票 (hall:polls)
    path("alumni/", include("xiaoyou.directory.urls_hall")),  # 校友录 (hall:alumni)
    path("orgs/", include("xiaoyou.organizations.urls.hall_orgs")),
    path("invite/", include("xiaoyou.organizations.urls.hall_invitations")),
    path("c/", include("xiaoyou.alumni.urls_campaign_form")),
    path("community/", include("xiaoyou.community.urls_hall")),
    path("content/", include("xiaoyou.content.urls_hall")),  # 相册
    path("card/", include("xiaoyou.cards.urls_hall")),  # 校友云卡 (hall:card)
    path("jobs/", include("xiaoyou.discovery.urls_hall")),  # 校友招聘 (hall:discovery_jobs)
    path("notables/", include("xiaoyou.discovery.urls_hall_notables")),  # 知名校友
    path("shop/", include("xiaoyou.shop.urls_hall")),  # 校友商店 (hall:shop)
    path("privacy/", include("xiaoyou.privacy.urls_hall")),
    path("payments/receipts/", include("xiaoyou.payments.urls_receipts")),
    path("pay/", include("xiaoyou.payments.urls_hall")),
]
