"""Payment provider adapters; each module registers its class with @register_provider."""

from __future__ import annotations

import importlib

ADAPTER_MODULES = (
    "xiaoyou.payments.providers.wechatpay",
    "xiaoyou.payments.providers.alipay",
    "xiaoyou.payments.providers.offline",
)


def load_adapters() -> None:
    for module in ADAPTER_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:  # a missing dependency inside an adapter is a real error
                raise
