"""PAYMENTS_PROVIDERS built from the environment (imported by settings.py, so it imports nothing
of Django's): adapter name -> keyword arguments of its class (credentials, base URLs), or None
when the provider is off. The demo and the tests point them at the local emulators; a real
gateway is used only with real credentials.

- WeChat Pay API v3 (JSAPI, H5, Native). Real merchant: WECHATPAY_MCHID, WECHATPAY_APPID,
  WECHATPAY_SERIAL_NO (the merchant API certificate's serial), WECHATPAY_PRIVATE_KEY_FILE (its
  PEM key), WECHATPAY_API_V3_KEY (32 characters), WECHATPAY_PLATFORM_PUBLIC_KEY_FILE +
  WECHATPAY_PLATFORM_PUBLIC_KEY_ID (the "WeChat Pay public key" mode; without them the platform
  certificates are downloaded), WECHATPAY_BASE_URL. Otherwise, with PAYMENTS_SANDBOX=true, the
  local sandbox of `xiaoyou payments-sandbox` (port PAYMENTS_SANDBOX_PORT_WECHAT, 8601) and its
  generated keys in var/payments-sandbox/wechatpay.json: no real money moves.
- Alipay (open platform, RSA2; PC page pay and mobile wap pay). Real app: ALIPAY_APP_ID,
  ALIPAY_SELLER_ID (PID 2088...), ALIPAY_APP_PRIVATE_KEY_FILE and ALIPAY_PUBLIC_KEY_FILE (PEM
  files, read when used), ALIPAY_GATEWAY. Otherwise, with PAYMENTS_SANDBOX=true, the local
  sandbox (port PAYMENTS_SANDBOX_PORT_ALIPAY, 8602), whose keys it generates under
  var/payments-sandbox/alipay/.
- Offline payments (bank transfer, cash): on unless PAYMENTS_OFFLINE_ENABLED=false; the account
  shown to payers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xiaoyou.core.env import env_bool, env_int, env_str


def _wechat(var_dir: Path) -> dict[str, Any] | None:
    if env_str("WECHATPAY_MCHID"):
        return {
            "mchid": env_str("WECHATPAY_MCHID"),
            "appid": env_str("WECHATPAY_APPID", required=True),
            "merchant_serial_no": env_str("WECHATPAY_SERIAL_NO", required=True),
            "merchant_private_key": env_str("WECHATPAY_PRIVATE_KEY_FILE", required=True),
            "api_v3_key": env_str("WECHATPAY_API_V3_KEY", required=True),
            "platform_public_key": env_str("WECHATPAY_PLATFORM_PUBLIC_KEY_FILE", ""),
            "platform_public_key_id": env_str("WECHATPAY_PLATFORM_PUBLIC_KEY_ID", ""),
            "base_url": env_str("WECHATPAY_BASE_URL", "https://api.mch.weixin.qq.com"),
        }
    if env_bool("PAYMENTS_SANDBOX", False):
        port = env_int("PAYMENTS_SANDBOX_PORT_WECHAT", 8601)
        return {
            "sandbox_credentials": str(var_dir / "payments-sandbox" / "wechatpay.json"),
            "base_url": env_str("WECHATPAY_BASE_URL", f"http://127.0.0.1:{port}"),
        }
    return None


def _alipay(var_dir: Path) -> dict[str, Any] | None:
    if env_str("ALIPAY_APP_ID"):
        return {
            "app_id": env_str("ALIPAY_APP_ID"),
            "seller_id": env_str("ALIPAY_SELLER_ID", required=True),
            "app_private_key": env_str("ALIPAY_APP_PRIVATE_KEY_FILE", required=True),
            "alipay_public_key": env_str("ALIPAY_PUBLIC_KEY_FILE", required=True),
            "gateway": env_str("ALIPAY_GATEWAY", "https://openapi.alipay.com/gateway.do"),
        }
    if env_bool("PAYMENTS_SANDBOX", False):
        keys = var_dir / "payments-sandbox" / "alipay"
        port = env_int("PAYMENTS_SANDBOX_PORT_ALIPAY", 8602)
        return {
            "app_id": "2021000149600001",  # the sandbox's app (xiaoyou.payments.sandbox.alipay)
            "seller_id": "2088721000000001",
            "app_private_key": str(keys / "app_private.pem"),
            "alipay_public_key": str(keys / "alipay_public.pem"),
            "gateway": env_str("ALIPAY_GATEWAY", f"http://127.0.0.1:{port}/gateway.do"),
        }
    return None


def _offline() -> dict[str, Any] | None:
    if not env_bool("PAYMENTS_OFFLINE_ENABLED", True):
        return None
    return {
        "payee": env_str("PAYMENTS_OFFLINE_PAYEE", ""),
        "bank": env_str("PAYMENTS_OFFLINE_BANK", ""),
        "account": env_str("PAYMENTS_OFFLINE_ACCOUNT", ""),
        "note": env_str("PAYMENTS_OFFLINE_NOTE", ""),
    }


def payment_providers(var_dir: Path) -> dict[str, dict[str, Any] | None]:
    """The configured providers; WeChat Pay and Alipay appear only when configured or
    sandboxed, offline payments always (None when turned off)."""
    providers: dict[str, dict[str, Any] | None] = {}
    for name, config in (("wechat", _wechat(var_dir)), ("alipay", _alipay(var_dir))):
        if config is not None:
            providers[name] = config
    providers["offline"] = _offline()
    return providers
