"""Forms of the shop pages: a product and a variant (console), checkout (hall). Prices are
typed in yuan and kept in fen."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoyou.payments.money import format_yuan, yuan_to_fen
from xiaoyou.shop.models import Delivery, PayMethod, PointsRuleAction, Product


class ProductForm(forms.Form):
    org = forms.ChoiceField(label=_("Organization"))
    name = forms.CharField(label=_("Name"), max_length=120)
    seller_name = forms.CharField(
        label=_("Seller"),
        max_length=120,
        required=False,
        help_text=_("Leave empty when the association sells it; else the alumni enterprise."),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    image = forms.ImageField(label=_("Image"), required=False)
    price = forms.CharField(label=_("Price (yuan)"), required=False)
    points_price = forms.IntegerField(label=_("Price in points"), required=False, min_value=1)
    is_recommended = forms.BooleanField(label=_("Recommended"), required=False)
    is_on_shelf = forms.BooleanField(label=_("On shelf"), required=False)

    def __init__(self, *args: Any, orgs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._orgs = {str(org.pk): org for org in orgs}
        self.fields["org"].choices = [  # type: ignore[attr-defined]
            (str(org.pk), str(org)) for org in orgs
        ]

    def clean_org(self) -> Any:
        return self._orgs[self.cleaned_data["org"]]

    def clean_price(self) -> int | None:
        text = str(self.cleaned_data.get("price") or "").strip()
        if not text:
            return None
        try:
            fen = yuan_to_fen(text)
        except ValueError:
            raise forms.ValidationError(
                gettext("Enter an amount in yuan with at most two decimals, e.g. 50 or 66.60.")
            ) from None
        if fen <= 0:
            raise forms.ValidationError(gettext("The amount must be above zero."))
        return fen

    def product_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "org",
                "name",
                "seller_name",
                "description",
                "price",
                "points_price",
                "is_recommended",
                "is_on_shelf",
            )
        }
        if data.get("image"):
            fields["image"] = data["image"]
        return fields


def product_initial(product: Product) -> dict[str, Any]:
    return {
        "org": product.org_id,
        "name": product.name,
        "seller_name": product.seller_name,
        "description": product.description,
        "price": format_yuan(product.price) if product.price else "",
        "points_price": product.points_price,
        "is_recommended": product.is_recommended,
        "is_on_shelf": product.is_on_shelf,
    }


class VariantForm(forms.Form):
    label = forms.CharField(label=_("Size or color"), max_length=60, required=False)
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=1_000_000)


class CheckoutForm(forms.Form):
    pay_method = forms.ChoiceField(
        label=_("Pay with"), choices=PayMethod.choices, widget=forms.RadioSelect
    )
    delivery = forms.ChoiceField(
        label=_("Delivery"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        initial=Delivery.PICKUP,
    )
    recipient = forms.CharField(label=_("Recipient"), max_length=60, required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)


class PointsRuleForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=PointsRuleAction.choices)
    points = forms.IntegerField(label=_("Points"), min_value=1, max_value=100_000)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
