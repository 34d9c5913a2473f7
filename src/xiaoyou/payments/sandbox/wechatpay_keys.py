"""Credentials of the WeChat Pay sandbox: a merchant key pair (the merchant's API certificate
key), a platform key pair with its public key id and a self-signed platform certificate, the
APIv3 key, mchid and appid.

Tests generate them in memory; the demo keeps one set in var/payments-sandbox/wechatpay.json
(readable by the owner only) so the settings and `xiaoyou payments-sandbox` agree. Only
cryptography is imported here: settings.py reads this module.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import string
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class SandboxCredentials:
    mchid: str
    appid: str
    api_v3_key: str
    merchant_serial_no: str
    merchant_private_key: str
    merchant_public_key: str
    platform_private_key: str
    platform_public_key: str
    platform_public_key_id: str
    platform_certificate: str
    platform_certificate_serial: str

    def provider_config(self, base_url: str, notify_url: str = "") -> dict[str, Any]:
        """Keyword arguments of WeChatPayProvider pointing at a sandbox at `base_url`."""
        return {
            "mchid": self.mchid,
            "appid": self.appid,
            "merchant_serial_no": self.merchant_serial_no,
            "merchant_private_key": self.merchant_private_key,
            "api_v3_key": self.api_v3_key,
            "platform_public_key": self.platform_public_key,
            "platform_public_key_id": self.platform_public_key_id,
            "base_url": base_url,
            "notify_url": notify_url,
            "sandbox": True,
        }


def _pems(key: rsa.RSAPrivateKey) -> tuple[str, str]:
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def _certificate(key: rsa.RSAPrivateKey) -> tuple[str, str]:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Xiaoyou WeChat Pay SANDBOX"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA (SANDBOX)"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    serial = x509.random_serial_number()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=5 * 365))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode(), f"{serial:X}"


def generate(*, mchid: str = "1900000109", appid: str = "wxsandbox0000001") -> SandboxCredentials:
    merchant_private, merchant_public = _pems(
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    platform_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    platform_private, platform_public = _pems(platform_key)
    certificate, certificate_serial = _certificate(platform_key)
    alphabet = string.ascii_letters + string.digits
    return SandboxCredentials(
        mchid=mchid,
        appid=appid,
        api_v3_key="".join(secrets.choice(alphabet) for _ in range(32)),
        merchant_serial_no=secrets.token_hex(20).upper(),
        merchant_private_key=merchant_private,
        merchant_public_key=merchant_public,
        platform_private_key=platform_private,
        platform_public_key=platform_public,
        platform_public_key_id="PUB_KEY_ID_"
        + "".join(secrets.choice(string.digits) for _ in range(32)),
        platform_certificate=certificate,
        platform_certificate_serial=certificate_serial,
    )


def demo_credentials_path(var_dir: Path) -> Path:
    return var_dir / "payments-sandbox" / "wechatpay.json"


def load_or_create(path: Path) -> SandboxCredentials:
    """The demo's sandbox credentials (a JSON file), generated on first use."""
    if path.exists():
        return SandboxCredentials(**json.loads(path.read_text()))
    credentials = generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(asdict(credentials), handle, indent=1)
    temporary.replace(path)
    return SandboxCredentials(**json.loads(path.read_text()))  # whoever wrote last wins
