"""Hall pages of invitations, included under /invite/ in the "hall" namespace."""

from __future__ import annotations

from django.urls import path

from xiaoyou.organizations.views import hall_invitations

urlpatterns = [
    # Before <code>/: "wechat" is not a code (codes are 16 base32 characters).
    path("wechat/js-config", hall_invitations.wechat_js_config, name="wechat_js_config"),
    path("<str:code>/", hall_invitations.invitation_accept, name="invitation_accept"),
]
