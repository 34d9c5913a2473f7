"""店铺: products and their variants, orders, and the points ledger (积分).

Money is integer fen; points are integers. Two invariants live in the database so that no
code path can break them: a variant's stock never goes below zero, and a points account's
balance never goes below zero (CHECK constraints). Services move both with conditional
UPDATEs (`stock >= qty`, `balance >= points`), so concurrent buyers never oversell.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel


class Product(TimeStampedModel):
    """商品: a souvenir or an alumni-made product sold by the association or an enterprise."""

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="shop_products",
    )
    # Empty: the association itself sells it; else the alumni enterprise's name (校友企业).
    seller_name = models.CharField(_("seller"), max_length=120, blank=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    image = models.ImageField(_("image"), upload_to="shop/products/", blank=True)
    # Either or both: a price in fen (paid online) and a price in points (积分兑换).
    price = models.PositiveIntegerField(_("price (fen)"), null=True, blank=True)
    points_price = models.PositiveIntegerField(_("points price"), null=True, blank=True)
    is_recommended = models.BooleanField(_("recommended"), default=False)  # 推荐商品
    is_on_shelf = models.BooleanField(_("on shelf"), default=False, db_index=True)  # 上架
    view_count = models.PositiveIntegerField(_("views"), default=0)
    sales_count = models.PositiveIntegerField(_("sales"), default=0)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-is_recommended", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__isnull=False) | models.Q(points_price__isnull=False),
                name="shop_product_has_a_price",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Variant(models.Model):
    """规格: one size/color of a product with its own stock."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    label = models.CharField(_("size or color"), max_length=60, blank=True)
    stock = models.PositiveIntegerField(_("stock"), default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="shop_stock_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.product.name} {self.label}".strip()


class ProductView(models.Model):
    """One counted view of a product on a day, so hot products rank over a window."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "day"], name="shop_view_per_day")]

    def __str__(self) -> str:
        return f"{self.product_id} {self.day}: {self.count}"


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    RECEIVED = "received", _("Received")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")


class PayMethod(models.TextChoices):
    MONEY = "money", _("Online payment")
    POINTS = "points", _("Points")


class Delivery(models.TextChoices):
    ADDRESS = "address", _("Delivery to an address")
    PICKUP = "pickup", _("On-site pickup")


class Order(TimeStampedModel):
    """订单: what one buyer bought from one organization's shop, paid in money or in points."""

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="shop_orders",
    )
    number = models.CharField(_("order number"), max_length=32, unique=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("buyer"),
        on_delete=models.PROTECT,
        related_name="shop_orders",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=OrderStatus.choices,
        default=OrderStatus.PENDING_PAYMENT,
        db_index=True,
    )
    pay_method = models.CharField(_("paid with"), max_length=10, choices=PayMethod.choices)
    total_amount = models.PositiveIntegerField(_("total (fen)"), default=0)
    total_points = models.PositiveIntegerField(_("total (points)"), default=0)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)
    recipient = models.CharField(_("recipient"), max_length=60, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    shipping_number = models.CharField(_("shipping number"), max_length=60, blank=True)
    payment = models.ForeignKey(
        "payments.PaymentOrder",
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("pay before"), null=True, blank=True, db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="+")
    product_name = models.CharField(max_length=120)  # as sold, kept if the product is renamed
    variant_label = models.CharField(max_length=60, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price = models.PositiveIntegerField(default=0)  # fen
    unit_points = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="shop_line_quantity")
        ]

    def __str__(self) -> str:
        return f"{self.product_name} {self.variant_label} x{self.quantity}"


class OrderEvent(models.Model):
    """One step of an order's status history (shown to the buyer as 订单跟踪)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=OrderStatus.choices)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.status}"


class PointsAccount(models.Model):
    """积分账户: one per person; the balance is the sum of the ledger, never negative."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_account"
    )
    balance = models.IntegerField(_("balance"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("points account")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="shop_points_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.balance}"


class PointsRuleAction(models.TextChoices):
    EVENT_ATTENDED = "event_attended", _("Attended an event")
    DONATION_PAID = "donation_paid", _("Made a donation")
    PROFILE_COMPLETED = "profile_completed", _("Completed the profile")


class PointsRule(TimeStampedModel):
    """积分规则: how many points an action earns in an organization."""

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="points_rules",
    )
    action = models.CharField(_("action"), max_length=32, choices=PointsRuleAction.choices)
    points = models.PositiveIntegerField(_("points"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("points rule")
        constraints = [
            models.UniqueConstraint(fields=["org", "action"], name="shop_rule_per_action")
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} +{self.points}"


class PointsEntry(models.Model):
    """积分明细: one movement of points. `source` names what caused it ("order:12",
    "rule:3:registration:45"): unique per account, so awarding twice for the same cause, or
    debiting an order twice, is impossible."""

    account = models.ForeignKey(PointsAccount, on_delete=models.CASCADE, related_name="entries")
    points = models.IntegerField()  # positive: earned or returned; negative: spent
    balance_after = models.IntegerField()
    reason = models.CharField(max_length=200)
    source = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("points entry")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "source"], name="shop_points_once")
        ]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.reason}"
