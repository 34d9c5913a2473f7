"""Alipay open-platform formats shared by the adapter and the sandbox: RSA2 signing, amounts,
timestamps, response-node extraction and the daily bill (zip of GBK CSV).

- Sign content: every parameter except `sign` (and, for notifications, `sign_type`) whose value
  is not empty, sorted by key, joined as `k=v` with `&`, values not URL-encoded.
- RSA2 = SHA256withRSA, PKCS#1 v1.5, base64.
- Responses are `{"<method with _>_response": {...}, "sign": "..."}`; the signature covers the
  exact JSON text of the response node as sent, so it is cut out of the body, not re-serialized.
- Amounts are yuan strings with two decimals ("12.34"); our code keeps integer fen. Converted with
  Decimal, never float.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SHANGHAI = ZoneInfo("Asia/Shanghai")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


# --- keys and signatures ----------------------------------------------------------------------


def load_pem(value: str) -> bytes:
    """PEM text, or the path of a file holding it (read when needed, so the demo's sandbox can
    create its keys after the settings were read)."""
    text = value.strip()
    if not text.startswith("-----BEGIN"):
        text = Path(text).read_text(encoding="ascii").strip()
    return text.encode("ascii")


def private_key(value: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(load_pem(value), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


def public_key(value: str) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(load_pem(value))
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("not an RSA public key")
    return key


def generate_key_pair() -> tuple[str, str]:
    """(private PEM, public PEM) of a new 2048-bit RSA key, as Alipay's key tool makes."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    return private_pem, public_pem


def sign_content(params: Mapping[str, str], *, exclude: tuple[str, ...] = ("sign",)) -> str:
    return "&".join(
        f"{key}={params[key]}"
        for key in sorted(params)
        if key not in exclude and params[key] not in ("", None)
    )


def rsa2_sign(content: str, key: rsa.RSAPrivateKey) -> str:
    signature = key.sign(content.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def rsa2_verify(content: str, signature: str, key: rsa.RSAPublicKey) -> bool:
    try:
        raw = base64.b64decode(signature, validate=True)
        key.verify(raw, content.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def sign_params(params: dict[str, str], key: rsa.RSAPrivateKey) -> dict[str, str]:
    """The request parameters with `sign` added (sign_type is part of the signed content)."""
    signed = {k: v for k, v in params.items() if v not in ("", None)}
    signed["sign"] = rsa2_sign(sign_content(signed), key)
    return signed


# --- amounts and times ------------------------------------------------------------------------


def fen_to_yuan(fen: int) -> str:
    return str((Decimal(int(fen)) / 100).quantize(Decimal("0.01")))


def yuan_to_fen(yuan: str) -> int:
    """'12.34' -> 1234; raises ValueError for anything that is not a whole number of fen."""
    try:
        value = Decimal(str(yuan).strip())
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {yuan!r}") from exc
    fen = value * 100
    if not value.is_finite() or fen != fen.to_integral_value():
        raise ValueError(f"not a whole number of fen: {yuan!r}")
    return int(fen.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_time(moment: dt.datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime(TIME_FORMAT)


def parse_time(text: str) -> dt.datetime | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, TIME_FORMAT).replace(tzinfo=SHANGHAI)
    except ValueError:
        return None


# --- responses --------------------------------------------------------------------------------


def response_key(method: str) -> str:
    return method.replace(".", "_") + "_response"


def response_node(body: str, key: str) -> tuple[str, dict[str, str], str] | None:
    """(exact JSON text of the node `key`, the node decoded, the sign) or None when absent."""
    marker = f'"{key}"'
    start = body.find(marker)
    if start < 0:
        return None
    colon = body.index(":", start + len(marker))
    begin = colon + 1
    while body[begin] in " \t\r\n":
        begin += 1
    node, end = json.JSONDecoder().raw_decode(body, begin)
    document = json.loads(body)
    return body[begin:end], node, str(document.get("sign", ""))


def response_body(key: str, node: Mapping[str, str], signer: rsa.RSAPrivateKey | None) -> str:
    """The gateway's answer: the node serialized once, signed over exactly that text."""
    text = json.dumps(node, ensure_ascii=False, separators=(",", ":"))
    if signer is None:
        return f'{{"{key}":{text}}}'
    return f'{{"{key}":{text},"sign":"{rsa2_sign(text, signer)}"}}'


# --- bill -------------------------------------------------------------------------------------

BILL_COLUMNS = [
    "支付宝交易号",
    "商户订单号",
    "业务类型",
    "商品名称",
    "创建时间",
    "完成时间",
    "门店编号",
    "门店名称",
    "操作员",
    "终端号",
    "对方账户",
    "订单金额（元）",
    "商家实收（元）",
    "支付宝红包（元）",
    "集分宝（元）",
    "支付宝优惠（元）",
    "商家优惠（元）",
    "券核销金额（元）",
    "券名称",
    "商家红包消费金额（元）",
    "卡消费金额（元）",
    "退款批次号/请求号",
    "服务费（元）",
    "分润（元）",
    "备注",
]


def bill_zip(*, seller_id: str, day: dt.date, rows: list[dict[str, str]]) -> bytes:
    """A trade bill as Alipay serves it: a zip with the detail CSV and a summary CSV, in GBK."""
    stamp = day.strftime("%Y%m%d")
    detail = io.StringIO()
    detail.write("#支付宝业务明细查询\n#账号：[" + seller_id + "0156]\n")
    detail.write(
        f"#起始日期：[{day:%Y年%m月%d日} 00:00:00]   终止日期：[{day:%Y年%m月%d日} 23:59:59]\n"
    )
    detail.write(
        "#-----------------------------------------业务明细列表----------------------------------------\n"
    )
    writer = csv.writer(detail, lineterminator="\n")
    writer.writerow(BILL_COLUMNS)
    for row in rows:
        writer.writerow([row.get(column, "") + "\t" for column in BILL_COLUMNS])
    detail.write(
        "#-----------------------------------------业务明细列表结束------------------------------------\n"
    )
    detail.write(f"#导出时间：[{format_time(dt.datetime.now(tz=SHANGHAI))}]\n")
    summary = "#支付宝业务汇总查询\n#-----业务汇总列表结束-----\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        base = f"{seller_id}0156_{stamp}"
        archive.writestr(f"{base}_业务明细.csv", detail.getvalue().encode("gbk"))
        archive.writestr(f"{base}_业务明细(汇总).csv", summary.encode("gbk"))
    return buffer.getvalue()


def bill_rows(data: bytes) -> list[dict[str, str]]:
    """The detail rows of a downloaded trade bill (zip of GBK CSV), cells stripped."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [name for name in archive.namelist() if "汇总" not in _zip_name(name)]
        if not names:
            return []
        text = archive.read(names[0]).decode("gbk")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    reader = csv.reader(lines)
    header = [cell.strip() for cell in next(reader, [])]
    return [
        {header[i]: cell.strip() for i, cell in enumerate(row) if i < len(header)} for row in reader
    ]


def _zip_name(name: str) -> str:
    # Zip entries without the UTF-8 flag come back decoded as cp437; Alipay writes GBK names.
    try:
        return name.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name
