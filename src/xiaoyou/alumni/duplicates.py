"""疑似重复: finds pairs of live records that probably describe the same person.

Blocking keeps this linear enough for 1,000,000 records: no pair is compared unless the two
records share a block.
- Exact keys (the database groups them: GROUP BY value HAVING COUNT(*) > 1): the same phone,
  email or national ID number hash. A value shared by more than `MAX_GROUP` records (an office
  switchboard, a placeholder) says nothing about people and is skipped.
- Similar names within the same birth date, or within the same degree entry (department +
  enrollment year). Each block is streamed from the database sorted by its key (server-side
  cursor, `iterator()`), so memory holds one block at a time plus the pairs found. Inside a
  block, names are split by the initial of their pinyin (a surname typed differently is
  rarely the same person) and compared with rapidfuzz on the full pinyin; traditional and
  simplified characters read alike, and `simplified()` folds the common traditional ones so
  張偉 and 张伟 count as the same name, not merely as a homophone.
Two records of one block with different known birth dates are different people, whatever
their names (two 张伟 of the same class).
Pairs are written as DuplicateCandidate rows (first.id < second.id); pairs already decided
(merged, dismissed) keep their decision.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz

from xiaoyou.alumni.models import AlumniRecord, DuplicateCandidate
from xiaoyou.alumni.names import name_keys, normalize_name

# Values shared by more records than this are not identities (switchboards, placeholders).
MAX_GROUP = 50
# Blocks larger than this are compared by sorted neighbourhood instead of all pairs.
MAX_BLOCK = 400
NEIGHBOURS = 20
NAME_SIMILARITY = 90  # rapidfuzz ratio on the pinyin, 0..100
MIN_SCORE = 50
CHUNK = 10_000
WRITE_BATCH = 2_000

# Common traditional characters of names and their simplified forms (繁 -> 简).
TRADITIONAL_TO_SIMPLIFIED = str.maketrans(
    "張偉陳劉楊黃趙吳週鄭孫馬許何呂蘇盧蔣蔡賈丁魏薛葉閻餘潘杜戴夏鍾汪田任姜範方石姚譚廖鄒熊"
    "金陸郝孔白崔康毛邱秦江史顧侯邵孟龍萬段雷錢湯尹黎易常武喬賀賴龔文華國強軍傑濤明麗靜敏"
    "燕艷紅曉鵬輝東麗雲飛鳳嬌軒穎瑩濱濟韓馮蕭鄧羅鄭謝沈曾彭鄧興億書進運連鐵銀鋒豐權樂誌",
    "张伟陈刘杨黄赵吴周郑孙马许何吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊"
    "金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文华国强军杰涛明丽静敏"
    "燕艳红晓鹏辉东丽云飞凤娇轩颖莹滨济韩冯萧邓罗郑谢沈曾彭邓兴亿书进运连铁银锋丰权乐志",
)


def simplified(name: str) -> str:
    return normalize_name(name).translate(TRADITIONAL_TO_SIMPLIFIED)


@dataclass
class Row:
    id: int
    name: str
    pinyin: str
    birth_date: datetime.date | None


@dataclass
class Found:
    score: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def add(self, reason: str, score: int) -> None:
        if score > self.reasons.get(reason, 0):
            self.reasons[reason] = score
        best = max(self.reasons.values())
        # Each further independent reason adds confidence.
        self.score = min(100, best + 5 * (len(self.reasons) - 1))


@dataclass
class Summary:
    records: int = 0
    pairs: int = 0
    created: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "pairs": self.pairs,
            "created": self.created,
            "by_reason": self.by_reason,
        }


Progress = Callable[[int, int], None]


def _live() -> QuerySet[AlumniRecord]:
    return AlumniRecord.objects.filter(deleted_at__isnull=True)


def name_similarity(first: Row, second: Row) -> tuple[int, str]:
    """(0..100, reason) of two names: same name, traditional/simplified variant, same pinyin,
    or rapidfuzz's ratio of the pinyin when at or above NAME_SIMILARITY (else 0)."""
    if first.name == second.name:
        return 100, "same_name"
    if simplified(first.name) == simplified(second.name):
        return 98, "name_variant"
    if first.pinyin and first.pinyin == second.pinyin:
        return 90, "same_pinyin"
    if not first.pinyin or not second.pinyin:
        return 0, ""
    ratio = fuzz.ratio(first.pinyin, second.pinyin, score_cutoff=NAME_SIMILARITY)
    return (int(ratio), "similar_name") if ratio else (0, "")


def _row(values: tuple[Any, ...]) -> Row:
    pk, name, pinyin, birth = values[:4]
    return Row(pk, name, pinyin or name_keys(name)[0], birth)


def _pairs_within(block: list[Row]) -> Iterator[tuple[Row, Row]]:
    by_initial: dict[str, list[Row]] = defaultdict(list)
    for row in block:
        by_initial[row.pinyin[:1]].append(row)
    for rows in by_initial.values():
        if len(rows) < 2:
            continue
        if len(rows) <= MAX_BLOCK:
            for index, first in enumerate(rows):
                for second in rows[index + 1 :]:
                    yield first, second
        else:
            rows.sort(key=lambda row: (row.pinyin, row.id))
            for index, first in enumerate(rows):
                for second in rows[index + 1 : index + 1 + NEIGHBOURS]:
                    yield first, second


class Finder:
    def __init__(self, *, on_progress: Progress | None = None) -> None:
        self.found: dict[tuple[int, int], Found] = {}
        self.on_progress = on_progress
        self.total = 0
        self.done = 0

    def _add(self, first: int, second: int, reason: str, score: int) -> None:
        if first == second or score < 1:
            return
        key = (first, second) if first < second else (second, first)
        self.found.setdefault(key, Found()).add(reason, score)

    def _tick(self, rows: int) -> None:
        self.done += rows
        if self.on_progress is not None:
            self.on_progress(min(self.done, self.total), self.total)

    # --- exact keys -------------------------------------------------------------------------
    def exact(self, field_name: str, reason: str, base: int, named_bonus: int) -> None:
        shared = (
            _live()
            .exclude(**{field_name: ""})
            .values(field_name)
            .annotate(count=Count("id"))
            .filter(count__gt=1, count__lte=MAX_GROUP)
            .values(field_name)
        )
        rows = (
            _live()
            .filter(**{f"{field_name}__in": shared})
            .order_by(field_name, "id")
            .values_list("id", "name", "name_pinyin", "birth_date", field_name)
            .iterator(chunk_size=CHUNK)
        )
        for _value, group in groupby(rows, key=lambda values: values[4]):
            members = [_row(values) for values in group]
            for index, first in enumerate(members):
                for second in members[index + 1 :]:
                    similarity, _kind = name_similarity(first, second)
                    bonus = named_bonus if similarity >= NAME_SIMILARITY else 0
                    self._add(first.id, second.id, reason, base + bonus)

    # --- name blocks ------------------------------------------------------------------------
    def _blocks(
        self, queryset: QuerySet[AlumniRecord], keys: tuple[str, ...]
    ) -> Iterator[list[Row]]:
        rows = (
            queryset.order_by(*keys, "id")
            .values_list("id", "name", "name_pinyin", "birth_date", *keys)
            .iterator(chunk_size=CHUNK)
        )
        seen = 0
        for _key, group in groupby(rows, key=lambda values: values[4:]):
            block = [_row(values) for values in group]
            seen += len(block)
            if seen >= CHUNK:
                self._tick(seen)
                seen = 0
            if len(block) > 1:
                yield block
        self._tick(seen)

    def by_birth_date(self) -> None:
        queryset = _live().filter(birth_date__isnull=False)
        for block in self._blocks(queryset, ("birth_date",)):
            for first, second in _pairs_within(block):
                similarity, kind = name_similarity(first, second)
                if similarity:
                    self._add(first.id, second.id, f"{kind}+birth_date", similarity - 10)

    def by_degree(self) -> None:
        queryset = _live().filter(department__isnull=False, enrollment_year__isnull=False)
        for block in self._blocks(queryset, ("department_id", "enrollment_year")):
            for first, second in _pairs_within(block):
                if first.birth_date and second.birth_date and first.birth_date != second.birth_date:
                    continue  # two people of one class who share a name
                similarity, kind = name_similarity(first, second)
                if similarity:
                    self._add(first.id, second.id, f"{kind}+degree", similarity - 20)

    def run(self) -> Summary:
        summary = Summary()
        summary.records = _live().count()
        self.total = summary.records * 2
        self.exact("phone", "phone", 70, 25)
        self.exact("email", "email", 70, 25)
        self.exact("national_id_hash", "national_id", 95, 5)
        self.by_birth_date()
        self.by_degree()
        summary.pairs = sum(1 for found in self.found.values() if found.score >= MIN_SCORE)
        for found in self.found.values():
            if found.score >= MIN_SCORE:
                for reason in found.reasons:
                    summary.by_reason[reason] = summary.by_reason.get(reason, 0) + 1
        summary.created = write_candidates(self.found.items())
        if self.on_progress is not None:
            self.on_progress(self.total, self.total)
        return summary


def write_candidates(found: Iterable[tuple[tuple[int, int], Found]]) -> int:
    """Stores pairs at MIN_SCORE or above; a pair already stored keeps its row and decision."""
    before = DuplicateCandidate.objects.count()
    batch: list[DuplicateCandidate] = []
    for (first, second), result in found:
        if result.score < MIN_SCORE:
            continue
        reasons = sorted(result.reasons, key=lambda reason: -result.reasons[reason])
        batch.append(
            DuplicateCandidate(
                first_id=first, second_id=second, score=result.score, reasons=reasons
            )
        )
        if len(batch) >= WRITE_BATCH:
            DuplicateCandidate.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        DuplicateCandidate.objects.bulk_create(batch, ignore_conflicts=True)
    return DuplicateCandidate.objects.count() - before


def duplicates_find(*, on_progress: Progress | None = None) -> Summary:
    """Finds and stores probable duplicate pairs over all live records (see the module doc)."""
    return Finder(on_progress=on_progress).run()


# --- the background job ---------------------------------------------------------------------

FIND_DUPLICATES_JOB = "alumni.find_duplicates"


def _run_job(context: Any) -> dict[str, Any]:
    return duplicates_find(on_progress=context.progress).as_dict()


def may_find_duplicates(user: Any, org: Any) -> bool:
    """Admins of the organization that keeps records (detection runs over the whole archive,
    the list then shows each admin the pairs of their scope)."""
    from xiaoyou.core import policy

    if org is None:
        return bool(getattr(user, "is_superuser", False))
    return policy.can(user, "change", AlumniRecord, org=org)


def register_jobs() -> None:
    from xiaoyou.core.jobs import register_job

    register_job(
        FIND_DUPLICATES_JOB,
        _run_job,
        _("Find duplicate records"),
        may_find_duplicates,
        max_retries=1,
    )


def duplicates_detection_start(*, actor: Any, org: Any) -> Any:
    """Starts the detection job (queued; it runs when the transaction commits)."""
    from django.utils.translation import gettext

    from xiaoyou.core.jobs import job_create

    return job_create(
        kind=FIND_DUPLICATES_JOB,
        title=gettext("Find duplicate records"),
        actor=actor,
        org=org,
        total=0,
    )


# --- reads ----------------------------------------------------------------------------------


def candidates_visible_to(user: Any, *, status: str = "open") -> QuerySet[DuplicateCandidate]:
    """Pairs of live records the user may change both of (their scope), best score first."""
    from xiaoyou.alumni.policy import record_scope

    # The department-widened scope of the record pages (a college admin reaches the records
    # filed under their college's departments).
    records = record_scope(_live(), user).values("pk")
    return (
        DuplicateCandidate.objects.filter(status=status, first__in=records, second__in=records)
        .select_related("first__department", "second__department")
        .order_by("-score", "id")
    )


REASON_LABELS = {
    "phone": _("Same mobile phone"),
    "email": _("Same email"),
    "national_id": _("Same ID number"),
    "same_name": _("same name"),
    "name_variant": _("traditional/simplified name"),
    "same_pinyin": _("same pinyin"),
    "similar_name": _("similar name"),
    "birth_date": _("same date of birth"),
    "degree": _("same department and year"),
}


def reason_text(reason: str) -> str:
    """A reason code such as "name_variant+birth_date" in the user's language."""
    parts = [str(REASON_LABELS.get(part, part)) for part in reason.split("+")]
    return " + ".join(parts)
