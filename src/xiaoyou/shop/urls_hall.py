"""Hall pages of the shop, included under /shop/ ("hall" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.shop.views import hall

urlpatterns = [
    path("", hall.product_list, name="shop"),
    path("products/<int:pk>/", hall.product_detail, name="shop_product"),
    path("cart/", hall.cart, name="shop_cart"),
    path("cart/add", hall.cart_add, name="shop_cart_add"),
    path("cart/remove", hall.cart_remove, name="shop_cart_remove"),
    path("orders/", hall.my_orders, name="shop_my_orders"),
    path("orders/<int:pk>/", hall.order_detail, name="shop_order"),
    path("orders/<int:pk>/cancel", hall.order_cancel, name="shop_order_cancel"),
    path("orders/<int:pk>/receive", hall.order_receive, name="shop_order_receive"),
    path("points/", hall.my_points, name="shop_my_points"),
]
