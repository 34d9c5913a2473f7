"""`{% load payments_money %}`: `{{ order.amount|yuan }}` shows fen as "1,234.56"."""

from __future__ import annotations

from typing import Any

from django import template

from xiaoyou.payments.money import amount_in_capitals, format_yuan

register = template.Library()


@register.filter
def yuan(fen: Any) -> str:
    try:
        return format_yuan(int(fen))
    except (TypeError, ValueError):
        return ""


@register.filter
def capitals(fen: Any) -> str:
    try:
        return amount_in_capitals(int(fen))
    except (TypeError, ValueError):
        return ""
