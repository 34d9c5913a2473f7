"""The shop's demo content: souvenirs with variants on the hall's shelf and the points rules,
created once through the services (a second run creates nothing)."""

from __future__ import annotations

from django.urls import reverse

from xiaoyou.alumni.demo.result import SeedResult
from xiaoyou.core.registry import demo_seeders
from xiaoyou.shop import demo
from xiaoyou.shop.models import PointsRule, Product, Variant


def _run(org_tree, platform_admin) -> SeedResult:
    result = SeedResult(school="示范大学", root=org_tree.root)
    demo.seed(
        result,
        root=org_tree.root,
        org_by_key={},
        accounts={"platform_admin": platform_admin},
        alumni=[],
    )
    return result


def test_the_shop_registers_its_demo_content():
    assert demo.seed in demo_seeders()


def test_demo_shop_is_created_once_and_shown_in_the_hall(
    client, org_tree, platform_admin, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    first = _run(org_tree, platform_admin)
    assert first.created == {
        "points rules": len(demo.RULES),
        "products": len(demo.PRODUCTS),
        "product variants": sum(len(spec.variants) for spec in demo.PRODUCTS),
    }
    assert dict(PointsRule.objects.filter(org=org_tree.root).values_list("action", "points")) == {
        str(action): points for action, points in demo.RULES
    }
    tee = Product.objects.get(name="校庆纪念文化衫")
    assert tee.is_on_shelf and tee.is_recommended and tee.image
    assert [(v.label, v.stock) for v in tee.variants.all()] == list(demo.PRODUCTS[0].variants)

    counts = (Product.objects.count(), Variant.objects.count(), PointsRule.objects.count())
    assert _run(org_tree, platform_admin).created == {}
    assert (Product.objects.count(), Variant.objects.count(), PointsRule.objects.count()) == counts

    page = client.get(reverse("hall:shop")).content.decode()
    assert all(spec.name in page for spec in demo.PRODUCTS)
