"""Uploaded lists of a campaign's audience (an xlsx/xls/csv of addresses or phones): read all
or nothing, with a per-row error report the uploader downloads."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import ApplicationError
from xiaoyou.messaging.audiences import Channel, Recipient, _normalize, _recipient

UPLOAD_MAX_ROWS = 200_000
UPLOAD_REPORT_DIR = "messaging/upload-reports"

_NAME_HEADERS = {"name", "姓名", "名字", "收件人"}
_EMAIL_HEADERS = {"email", "e-mail", "mail", "邮箱", "电子邮箱", "电子邮件", "邮件地址"}
_PHONE_HEADERS = {"phone", "mobile", "手机", "手机号", "手机号码", "电话", "联系电话"}


class UploadInvalid(ApplicationError):
    """Rows of an uploaded list are invalid: `report_name` names the per-row error report."""

    def __init__(self, *, count: int, report_name: str):
        super().__init__("audience_upload_invalid", count=count)
        self.report_name = report_name


def upload_report_path(report_name: str, *, user: Any = None) -> str | None:
    """Storage path of an error report by its name (None for a name that is not one, or a
    report made for someone other than `user`: "<user id>-<uuid>" names their owner)."""
    match = re.fullmatch(r"(?:(\d+)-)?[0-9a-f]{32}", report_name or "")
    if match is None:
        return None
    if match.group(1) is not None and user is not None and int(match.group(1)) != user.pk:
        return None
    return f"{UPLOAD_REPORT_DIR}/{report_name}.xlsx"


def upload_parse(file: Any, channel: Channel, *, owner: Any = None) -> list[Recipient]:
    """Reads an uploaded xlsx/xls/csv of addresses (email) or phones (SMS), all or nothing.

    Rule: a header row naming the columns (姓名/name, 邮箱/email, 手机/phone) is optional; without
    one, the first column holding addresses is taken. A row whose address is missing or
    invalid rejects the whole file with a downloadable report of the rows and reasons
    (`UploadInvalid.report_name`; with `owner`, only that user may download it). Duplicates
    are kept once, blank rows skipped.
    """
    from xiaoyou.alumni.importing.readers import ImportFileError, rows_of_bytes

    data = file.read() if hasattr(file, "read") else bytes(file)
    name = getattr(file, "name", "") or "upload.csv"
    try:
        rows = [list(row) for row in rows_of_bytes(data, name)]
    except ImportFileError as exc:
        raise ApplicationError("audience_upload_unreadable", reason=str(exc)) from exc
    except Exception as exc:  # openpyxl/xlrd refuse broken files with many exception types
        raise ApplicationError("audience_upload_unreadable", reason=exc.__class__.__name__) from exc
    rows = [row for row in rows if any(str(cell or "").strip() for cell in row)]
    if not rows:
        raise ApplicationError("audience_upload_empty")
    if len(rows) > UPLOAD_MAX_ROWS + 1:
        raise ApplicationError("audience_upload_too_large", limit=UPLOAD_MAX_ROWS)
    header = [str(cell or "").strip().lower() for cell in rows[0]]
    wanted = _EMAIL_HEADERS if channel == "email" else _PHONE_HEADERS
    address_column = next((i for i, cell in enumerate(header) if cell in wanted), None)
    name_column = next((i for i, cell in enumerate(header) if cell in _NAME_HEADERS), None)
    first_data_row = 2
    if address_column is None and name_column is None:
        first_data_row = 1  # no header: guess the column from the first row
        address_column = next((i for i, cell in enumerate(rows[0]) if _normalize(channel, cell)), 0)
        name_column = 1 if address_column == 0 and len(rows[0]) > 1 else None
        body = rows
    else:
        body = rows[1:]
        if address_column is None:
            address_column = -1
    recipients: list[Recipient] = []
    errors: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    for number, row in enumerate(body, start=first_data_row):
        raw = row[address_column] if 0 <= address_column < len(row) else None
        person = (
            str(row[name_column] or "").strip()
            if name_column is not None and name_column < len(row)
            else ""
        )
        address = _normalize(channel, raw)
        if not address:
            reason = (
                _("The address is missing.")
                if not str(raw or "").strip()
                else (
                    _("Not a valid email address.")
                    if channel == "email"
                    else _("Not a valid mobile number.")
                )
            )
            errors.append((number, str(raw or ""), str(reason)))
            continue
        if address in seen:
            continue
        seen.add(address)
        row_data = {
            "name": person,
            "email": address if channel == "email" else "",
            "phone": address if channel == "sms" else "",
        }
        recipients.append(_recipient(channel, address, row_data))
    if errors:
        raise UploadInvalid(count=len(errors), report_name=_store_report(errors, owner))
    if not recipients:
        raise ApplicationError("audience_upload_empty")
    return recipients


def _store_report(errors: list[tuple[int, str, str]], owner: Any = None) -> str:
    from xiaoyou.core.excel import xlsx_bytes

    report_name = uuid.uuid4().hex
    if getattr(owner, "pk", None) is not None:
        report_name = f"{owner.pk}-{report_name}"
    content = xlsx_bytes(
        [_("Row"), _("Value"), _("Problem")], errors, title=str(_("Rejected rows"))
    )
    default_storage.save(f"{UPLOAD_REPORT_DIR}/{report_name}.xlsx", ContentFile(content))
    return report_name
