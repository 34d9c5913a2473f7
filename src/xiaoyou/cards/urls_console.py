"""Console pages of the cloud card, included under /console/cards/ ("console" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.cards.views import console, console_vouchers

urlpatterns = [
    path("", console.card_settings, name="card_settings"),
    path("partners/", console.partner_list, name="card_partners"),
    path("partners/new", console.partner_create_view, name="card_partner_create"),
    path("partners/<int:pk>/", console.partner_edit, name="card_partner"),
    path("partners/<int:pk>/remove", console.partner_remove_view, name="card_partner_remove"),
    path("partners/<int:pk>/qr.png", console.partner_qr, name="card_partner_qr"),
    path("partners/<int:pk>/reset-qr", console.partner_reset_qr, name="card_partner_reset_qr"),
    path("scans/", console.scan_list, name="card_scans"),
    path("holders/", console.holder_list, name="card_holders"),
    path("holders/<int:pk>/", console.holder_detail, name="card_holder"),
    path("holders/<int:pk>/revoke", console.holder_revoke, name="card_revoke"),
    path("vouchers/", console_vouchers.voucher_type_list, name="card_voucher_types"),
    path("vouchers/new", console_vouchers.voucher_type_create, name="card_voucher_type_create"),
    path("vouchers/<int:pk>/", console_vouchers.voucher_type_edit, name="card_voucher_type"),
    path("vouchers/<int:pk>/issue", console_vouchers.voucher_issue_view, name="card_voucher_issue"),
    path(
        "vouchers/<int:pk>/rules", console_vouchers.voucher_rule_add, name="card_voucher_rule_add"
    ),
    path(
        "vouchers/<int:pk>/rules/<int:rule_pk>/remove",
        console_vouchers.voucher_rule_remove,
        name="card_voucher_rule_remove",
    ),
]
