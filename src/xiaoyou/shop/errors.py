"""Error codes of the shop, raised as core ApplicationError with translated text."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

OUT_OF_STOCK = "shop.out_of_stock"
NOT_ON_SHELF = "shop.not_on_shelf"
CART_EMPTY = "shop.cart_empty"
NO_PRICE = "shop.no_price"
ADDRESS_REQUIRED = "shop.address_required"
POINTS_NOT_ENOUGH = "shop.points_not_enough"
ORDER_STATE = "shop.order_state"
QUANTITY_INVALID = "shop.quantity_invalid"
MIXED_SHOPS = "shop.mixed_shops"
SHIPPING_NUMBER_REQUIRED = "shop.shipping_number_required"
PRICE_REQUIRED = "shop.price_required"

register_messages(
    {
        OUT_OF_STOCK: _("Sorry, %(name)s is sold out or has fewer items left than you asked."),
        NOT_ON_SHELF: _("This product is not for sale now."),
        CART_EMPTY: _("Your cart is empty."),
        NO_PRICE: _("This product cannot be paid that way."),
        ADDRESS_REQUIRED: _("Please give the recipient, a mobile phone and the address."),
        POINTS_NOT_ENOUGH: _("You do not have enough points."),
        ORDER_STATE: _("The order cannot be changed that way now."),
        QUANTITY_INVALID: _("Choose a quantity between 1 and 99."),
        MIXED_SHOPS: _("Please order products of one shop at a time."),
        SHIPPING_NUMBER_REQUIRED: _("Please enter the shipping number."),
        PRICE_REQUIRED: _("Give a price in yuan, a price in points, or both."),
    }
)
