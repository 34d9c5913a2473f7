"""WeChat Pay API v3 cryptography: request signing, response/notification signature
verification, AEAD_AES_256_GCM resource decryption, JSAPI paySign and the trade bill format.

Signatures are RSA SHA256 (PKCS#1 v1.5) over newline-terminated fields:
- request: METHOD\\nURL (path + query)\\nTIMESTAMP\\nNONCE\\nBODY\\n, sent in the header
  `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="..",nonce_str="..",signature="..",
  timestamp="..",serial_no=".."`;
- response and notification: TIMESTAMP\\nNONCE\\nBODY\\n with the Wechatpay-Timestamp,
  -Nonce, -Signature and -Serial headers (the serial names a platform certificate, or the
  platform public key id "PUB_KEY_ID_...");
- JSAPI paySign: appId\\ntimeStamp\\nnonceStr\\npackage\\n.
Used by the adapter and by the sandbox (which plays the other side with the same functions).
"""

from __future__ import annotations

import base64
import re
import secrets
import string
from decimal import Decimal
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from xiaoyou.payments.providers.base import BillLine

SCHEMA = "WECHATPAY2-SHA256-RSA2048"
_ALPHABET = string.ascii_uppercase + string.digits


class CryptoError(Exception):
    """A signature, key or ciphertext that does not check out."""


def nonce_str(length: int = 32) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def load_private_key(pem: str | bytes) -> rsa.RSAPrivateKey:
    data = pem.encode() if isinstance(pem, str) else pem
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CryptoError("the merchant private key must be an RSA key")
    return key


def load_public_key(pem: str | bytes) -> rsa.RSAPublicKey:
    """A PEM public key or certificate (the platform certificate's key)."""
    data = pem.encode() if isinstance(pem, str) else pem
    if b"BEGIN CERTIFICATE" in data:
        key: Any = x509.load_pem_x509_certificate(data).public_key()
    else:
        key = serialization.load_pem_public_key(data)
    if not isinstance(key, rsa.RSAPublicKey):
        raise CryptoError("the platform key must be an RSA key")
    return key


def private_key_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_key_pem(key: rsa.RSAPublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def rsa_sign(key: rsa.RSAPrivateKey, message: str) -> str:
    signature = key.sign(message.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def rsa_verify(key: rsa.RSAPublicKey, message: str, signature: str) -> bool:
    try:
        raw = base64.b64decode(signature, validate=True)
        key.verify(raw, message.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def request_message(method: str, url: str, timestamp: str, nonce: str, body: str) -> str:
    return f"{method.upper()}\n{url}\n{timestamp}\n{nonce}\n{body}\n"


def response_message(timestamp: str, nonce: str, body: str) -> str:
    return f"{timestamp}\n{nonce}\n{body}\n"


def authorization(
    *,
    mchid: str,
    serial_no: str,
    key: rsa.RSAPrivateKey,
    method: str,
    url: str,
    body: str,
    timestamp: str,
    nonce: str,
) -> str:
    signature = rsa_sign(key, request_message(method, url, timestamp, nonce, body))
    return (
        f'{SCHEMA} mchid="{mchid}",nonce_str="{nonce}",signature="{signature}",'
        f'timestamp="{timestamp}",serial_no="{serial_no}"'
    )


_AUTH_PAIR = re.compile(r'(\w+)="([^"]*)"')


def parse_authorization(header: str) -> dict[str, str]:
    """The fields of an Authorization header; empty when it is not a v3 signature."""
    schema, _, rest = header.strip().partition(" ")
    if schema != SCHEMA:
        return {}
    return dict(_AUTH_PAIR.findall(rest))


def aes_gcm_decrypt(key: bytes, *, nonce: str, ciphertext: str, associated_data: str) -> bytes:
    """AEAD_AES_256_GCM with the APIv3 key (32 bytes); the tag is the ciphertext's tail."""
    if len(key) != 32:
        raise CryptoError("the APIv3 key must be 32 bytes")
    try:
        return AESGCM(key).decrypt(
            nonce.encode("utf-8"),
            base64.b64decode(ciphertext, validate=True),
            associated_data.encode("utf-8") if associated_data else None,
        )
    except (InvalidTag, ValueError) as exc:
        raise CryptoError("resource decryption failed") from exc


def aes_gcm_encrypt(key: bytes, *, nonce: str, plaintext: bytes, associated_data: str) -> str:
    encrypted = AESGCM(key).encrypt(
        nonce.encode("utf-8"), plaintext, associated_data.encode("utf-8") or None
    )
    return base64.b64encode(encrypted).decode()


def jsapi_pay_sign(
    key: rsa.RSAPrivateKey, *, appid: str, timestamp: str, nonce: str, package: str
) -> str:
    return rsa_sign(key, f"{appid}\n{timestamp}\n{nonce}\n{package}\n")


# --- the trade bill (交易账单, bill_type=ALL) -------------------------------------------------
# A header row, one row per payment or refund with every field prefixed by a backtick, then a
# summary header and row. Amounts are yuan with two decimals.
BILL_HEADER = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
    "交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,"
    "充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,"
    "费率备注"
)
BILL_SUMMARY_HEADER = (
    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
)


def yuan_to_fen(text: str) -> int:
    return int((Decimal(text.strip() or "0") * 100).to_integral_value())


def fen_to_yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


def parse_trade_bill(text: str) -> list[dict[str, str]]:
    """The detail rows of a trade bill as dicts keyed by the Chinese column names."""
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    if not lines:
        return []
    header = [name.strip().lstrip("\ufeff") for name in lines[0].split(",")]
    rows = []
    for line in lines[1:]:
        if not line.startswith("`"):  # the summary header and row end the details
            break
        # every field starts with a backtick, so ",`" separates fields even around commas
        values = [value.strip() for value in line[1:].split(",`")]
        rows.append(dict(zip(header, values, strict=False)))
    return rows


def trade_bill_lines(text: str) -> list[BillLine]:
    """Payments (交易状态 SUCCESS) and refunds (a 商户退款单号) of a trade bill, in fen."""
    lines = []
    for row in parse_trade_bill(text):
        refund_no = row.get("商户退款单号", "")
        if refund_no and refund_no != "0":
            lines.append(
                BillLine(
                    out_trade_no=row["商户订单号"],
                    kind="refund",
                    amount=yuan_to_fen(row.get("退款金额", "0")),
                    provider_reference=row.get("微信退款单号", ""),
                    out_refund_no=refund_no,
                )
            )
        elif row.get("交易状态") == "SUCCESS":
            lines.append(
                BillLine(
                    out_trade_no=row["商户订单号"],
                    kind="payment",
                    amount=yuan_to_fen(row.get("订单金额") or row.get("应结订单金额", "0")),
                    provider_reference=row.get("微信订单号", ""),
                )
            )
    return lines
