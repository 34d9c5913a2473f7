"""Console pages of the shop, included under /console/shop/ ("console" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.shop.views import console

urlpatterns = [
    path("products/", console.product_list, name="shop_products"),
    path("products/new", console.product_create, name="shop_product_create"),
    path("products/<int:pk>/", console.product_edit, name="shop_product"),
    path("products/<int:pk>/variants", console.variant_save, name="shop_variant_save"),
    path("orders/", console.order_list, name="shop_orders"),
    path("orders/<int:pk>/", console.order_detail, name="shop_order"),
    path("orders/<int:pk>/ship", console.order_ship, name="shop_order_ship"),
    path("orders/<int:pk>/refund", console.order_refund, name="shop_order_refund"),
    path("points/rules/", console.points_rules, name="shop_points_rules"),
]
