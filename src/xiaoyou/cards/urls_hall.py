"""Hall pages of the cloud card, included under /card/ ("hall" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.cards.views import hall

urlpatterns = [
    path("", hall.my_card, name="card"),
    path("live", hall.card_live, name="card_live"),
    path("claim/", hall.claim, name="card_claim"),
    path("share/", hall.card_share, name="card_share"),
    path("partners/", hall.partner_list, name="card_partners"),
    path("partners/<int:pk>/", hall.partner_detail, name="card_partner"),
    path("p/<str:secret>/", hall.scan, name="card_scan"),
    path("scans/<int:pk>/", hall.scan_result, name="card_scan_result"),
    path("scans/<int:pk>/clock", hall.scan_clock, name="card_scan_clock"),
    path("scans/<int:pk>/redeem/<int:voucher_pk>", hall.scan_redeem, name="card_scan_redeem"),
    path("vouchers/", hall.vouchers_page, name="card_vouchers"),
    path("vouchers/apply/<int:pk>", hall.voucher_apply_view, name="card_voucher_apply"),
    path("v/<str:token>/", hall.verify, name="card_verify"),
    path("v/<str:token>/redeem/<int:voucher_pk>", hall.desk_redeem, name="card_desk_redeem"),
    path("desk/", hall.desk, name="card_desk"),
]
