"""Staff imports of members (导入会员): people added by name and mobile, before they have an
account. All or nothing: one bad row and nothing is imported; the problems come back as a list
(and as a downloadable Excel report). When the person later signs up and joins with that
(verified) phone, the join links their account to the imported row instead of adding another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoyou.accounts.phone import normalize_phone
from xiaoyou.core import audit, excel, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations import errors_membership as member_errors
from xiaoyou.organizations.models import (
    Membership,
    MembershipSource,
    MembershipStatus,
    Organization,
)

MAX_ROWS = 5000
# Column keys and the header texts recognised for them (any language the template was in).
COLUMNS: tuple[tuple[str, Any], ...] = (
    ("name", _("Name")),
    ("phone", _("Mobile phone")),
    ("student_id", _("Student number")),
)
HEADER_ALIASES = {
    "name": {"name", "姓名", "名字"},
    "phone": {"mobile phone", "mobile", "phone", "手机", "手机号", "手机号码", "电话"},
    "student_id": {"student number", "student id", "学号"},
}


@dataclass(frozen=True)
class ImportRow:
    name: str
    phone: str
    student_id: str = ""
    line: int = 0  # the row of the spreadsheet (0: typed in a form)


@dataclass(frozen=True)
class ImportProblem:
    line: int
    column: str
    value: str
    message: str


class MemberImportInvalid(ApplicationError):
    """Nothing was imported; `problems` says what to fix, row by row."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(member_errors.IMPORT_INVALID, status=400)
        self.problems = problems


def _label(key: str) -> str:
    return str(dict(COLUMNS)[key])


# --- Reading a workbook -----------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # phone numbers typed as numbers
    return str(value).strip()


def read_import_workbook(handle: IO[bytes]) -> list[ImportRow]:
    """The rows of the first sheet; the first row names the columns (Name, Mobile phone and
    optionally Student number, in English or Chinese). Raises MemberImportInvalid for a file
    that is not a workbook or lacks a column."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not xlsx
        raise MemberImportInvalid(
            [ImportProblem(0, "", "", gettext("The file is not an Excel workbook (.xlsx)."))]
        ) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        text = _cell_text(value).lower()
        for key, aliases in HEADER_ALIASES.items():
            if text in aliases and key not in positions:
                positions[key] = index
    missing = [key for key in ("name", "phone") if key not in positions]
    if missing:
        workbook.close()
        raise MemberImportInvalid(
            [
                ImportProblem(1, _label(key), "", gettext("This column is missing."))
                for key in missing
            ]
        )
    result: list[ImportRow] = []
    for line, values in enumerate(rows, start=2):
        cells = {
            key: _cell_text(values[index]) if index < len(values) else ""
            for key, index in positions.items()
        }
        if not any(cells.values()):
            continue
        result.append(
            ImportRow(
                name=cells.get("name", ""),
                phone=cells.get("phone", ""),
                student_id=cells.get("student_id", ""),
                line=line,
            )
        )
        if len(result) > MAX_ROWS:
            workbook.close()
            raise MemberImportInvalid(
                [
                    ImportProblem(
                        line,
                        "",
                        "",
                        gettext("At most %(count)s rows can be imported at once.")
                        % {"count": MAX_ROWS},
                    )
                ]
            )
    workbook.close()
    return result


def import_template() -> bytes:
    """An empty workbook with the column headers, in the active language."""
    return excel.xlsx_bytes(
        [label for _key, label in COLUMNS],
        [["张三", "13800138000", "20100110001"]],
        title=gettext("Members"),
    )


def import_error_report(problems: Sequence[ImportProblem]) -> bytes:
    return excel.xlsx_bytes(
        [gettext("Row"), gettext("Column"), gettext("Value"), gettext("Problem")],
        [
            [problem.line or "", problem.column, problem.value, problem.message]
            for problem in problems
        ],
        title=gettext("Import problems"),
    )


# --- Importing -------------------------------------------------------------------------------


@dataclass
class _Prepared:
    row: ImportRow
    phone: str
    record: Any = None
    reactivate: Membership | None = None


def member_import(*, actor: Any, org: Organization, rows: Sequence[ImportRow]) -> list[Membership]:
    """Adds people to `org` as imported members (no account yet), all or nothing.

    Rules: a name and a valid mobile number on every row; a number at most once in the file
    and not already an active member's or a banned person's in the org; a student number, when
    given, must name exactly one alumni record the admin may see (the member is linked to it).
    An earlier imported row of the same number that was removed or left is re-activated.
    """
    from xiaoyou.alumni.selectors import alumni_records_for

    policy.require(actor, "manage", Membership, org=org)
    if not rows:
        raise ApplicationError(member_errors.IMPORT_EMPTY)
    problems: list[ImportProblem] = []
    prepared: list[_Prepared] = []
    seen: dict[str, int] = {}
    for row in rows:
        name = " ".join(row.name.split())
        if not name:
            problems.append(
                ImportProblem(row.line, _label("name"), "", gettext("The name is missing."))
            )
        elif len(name) > 100:
            problems.append(
                ImportProblem(row.line, _label("name"), name[:30], gettext("The name is too long."))
            )
        try:
            phone = normalize_phone(row.phone)
        except ValidationError as exc:
            problems.append(
                ImportProblem(row.line, _label("phone"), row.phone, str(exc.messages[0]))
            )
            continue
        if phone in seen:
            problems.append(
                ImportProblem(
                    row.line,
                    _label("phone"),
                    row.phone,
                    gettext("This number is also on row %(row)s.") % {"row": seen[phone]},
                )
            )
            continue
        seen[phone] = row.line
        prepared.append(
            _Prepared(row=ImportRow(name, row.phone, row.student_id.strip(), row.line), phone=phone)
        )
    phones = [item.phone for item in prepared]
    existing = list(
        Membership.objects.filter(org=org)
        .filter(Q(phone__in=phones) | Q(user__phone__in=phones))
        .select_related("user")
    )
    by_phone: dict[str, list[Membership]] = {}
    for found in existing:
        for phone in {found.phone, getattr(found.user, "phone", "") or ""}:
            if phone:
                by_phone.setdefault(phone, []).append(found)
    student_ids = [item.row.student_id for item in prepared if item.row.student_id]
    records: dict[str, list[Any]] = {}
    for record in alumni_records_for(actor).filter(student_id__in=student_ids):
        records.setdefault(record.student_id, []).append(record)
    for item in prepared:
        for found in by_phone.get(item.phone, []):
            if found.status == MembershipStatus.BANNED:
                problems.append(
                    ImportProblem(
                        item.row.line,
                        _label("phone"),
                        item.row.phone,
                        gettext("This person is banned."),
                    )
                )
            elif found.status == MembershipStatus.ACTIVE:
                problems.append(
                    ImportProblem(
                        item.row.line,
                        _label("phone"),
                        item.row.phone,
                        gettext("This person is already a member."),
                    )
                )
            elif found.user_id is None:
                item.reactivate = found
        if item.row.student_id:
            matches = records.get(item.row.student_id, [])
            if len(matches) != 1:
                problems.append(
                    ImportProblem(
                        item.row.line,
                        _label("student_id"),
                        item.row.student_id,
                        gettext("No alumni record has this student number.")
                        if not matches
                        else gettext("Several alumni records have this student number."),
                    )
                )
            else:
                item.record = matches[0]
    if problems:
        raise MemberImportInvalid(sorted(problems, key=lambda problem: problem.line))
    now = timezone.now()
    created: list[Membership] = []
    with transaction.atomic():
        for item in prepared:
            if item.reactivate is None:
                membership = Membership.objects.create(
                    org=org,
                    user=None,
                    name=item.row.name,
                    phone=item.phone,
                    status=MembershipStatus.ACTIVE,
                    source=MembershipSource.IMPORTED,
                    joined_at=now,
                    alumni_record=item.record,
                )
            else:
                membership = item.reactivate
                membership.name = item.row.name
                membership.status = MembershipStatus.ACTIVE
                membership.source = MembershipSource.IMPORTED
                membership.joined_at = now
                membership.ended_at = None
                membership.end_reason = ""
                membership.alumni_record = item.record or membership.alumni_record
                membership.save(
                    update_fields=[
                        "name",
                        "status",
                        "source",
                        "joined_at",
                        "ended_at",
                        "end_reason",
                        "alumni_record",
                        "updated_at",
                    ]
                )
            created.append(membership)
        # One entry for the whole import: its size and who was added.
        audit.record(
            actor=actor,
            action="membership.import",
            obj=org,
            org=org,
            changes={
                "count": [None, len(created)],
                "members": [None, [membership.pk for membership in created]],
            },
        )
    return created
