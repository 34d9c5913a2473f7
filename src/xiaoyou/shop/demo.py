"""Demo shop for `xiaoyou seed-demo`: the main association's souvenirs and an alumni
enterprise's product, with their sizes/colors and stock, and the points rules (积分规则) that
award points for attending an event, donating and completing one's profile, made through the
shop's services.

Idempotent: a product is found by its organization and name, a variant by its product and
label, a rule by its organization and action (an existing rule is left as an admin set it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile

from xiaoyou.core.demo import Palette, picture
from xiaoyou.shop.models import PointsRule, PointsRuleAction, Product, Variant
from xiaoyou.shop.services.catalog import product_save, variant_save
from xiaoyou.shop.services.points import points_rule_save

ORDER = 50


@dataclass(frozen=True)
class DemoProduct:
    name: str
    description: str
    price: int | None  # fen
    points_price: int | None
    variants: tuple[tuple[str, int], ...]  # (size or color, stock)
    seller_name: str = ""
    is_recommended: bool = False
    palette: Palette = field(default_factory=Palette)


PRODUCTS = (
    DemoProduct(
        name="校庆纪念文化衫",
        description="纯棉圆领文化衫，胸前印校徽与校庆标识，返校日、校友活动穿着皆宜。",
        price=8_800,
        points_price=1_200,
        variants=(("S", 20), ("M", 40), ("L", 40), ("XL", 20)),
        is_recommended=True,
        palette=Palette(sky="#F5F5F5", sun="#C8102E"),
    ),
    DemoProduct(
        name="校徽纪念徽章",
        description="锌合金烤漆徽章，附收藏卡与礼盒。",
        price=3_500,
        points_price=500,
        variants=(("金色", 50), ("银色", 50)),
        is_recommended=True,
        palette=Palette(sky="#E5E5E5", sun="#FFFFFF", ground="#9E9E9E"),
    ),
    DemoProduct(
        name="校园四季明信片（一套12张）",
        description="校园四季风光明信片，可积分兑换。",
        price=None,
        points_price=300,
        variants=(("", 100),),
        palette=Palette(sky="#FFFFFF", sun="#C8102E", ground="#616161"),
    ),
    DemoProduct(
        name="校友企业普洱茶礼盒",
        description="由校友创办的茶企出品，每售出一盒，向校友励学奖学金捐赠 20 元。",
        price=26_800,
        points_price=None,
        variants=(("357 克饼茶", 30), ("500 克散茶", 30)),
        seller_name="云岭茶业有限公司（校友企业）",
        palette=Palette(sky="#F5F5F5", sun="#9E9E9E"),
    ),
)
RULES = (
    (PointsRuleAction.EVENT_ATTENDED, 50),
    (PointsRuleAction.DONATION_PAID, 100),
    (PointsRuleAction.PROFILE_COMPLETED, 200),
)


def seed(result: Any, *, root: Any, accounts: dict[str, Any], **_: Any) -> None:
    """Creates whatever part of the demo shop is missing (see the module)."""
    admin = accounts["platform_admin"]
    for action, points in RULES:
        if not PointsRule.objects.filter(org=root, action=action).exists():
            points_rule_save(actor=admin, org=root, action=action, points=points, is_active=True)
            result.add("points rules")
    for index, spec in enumerate(PRODUCTS):
        product = Product.objects.filter(org=root, name=spec.name).first()
        if product is None:
            image = picture(
                title=spec.name,
                subtitle=spec.seller_name or root.short_name or root.name,
                variant=index,
                palette=spec.palette,
            )
            product = product_save(
                actor=admin,
                org=root,
                name=spec.name,
                seller_name=spec.seller_name,
                description=spec.description,
                image=ContentFile(image, name="product.jpg"),
                price=spec.price,
                points_price=spec.points_price,
                is_recommended=spec.is_recommended,
                is_on_shelf=True,
            )
            result.add("products")
        labels = set(Variant.objects.filter(product=product).values_list("label", flat=True))
        for label, stock in spec.variants:
            if label not in labels:
                variant_save(actor=admin, product=product, label=label, stock=stock)
                result.add("product variants")


def register() -> None:
    from xiaoyou.core.registry import demo_seeder

    demo_seeder(ORDER, seed)
