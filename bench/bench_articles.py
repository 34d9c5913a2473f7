"""Article search benchmark (issue 8): the hall's keyword search over N published articles.

Generates N articles with Chinese bodies of 200 to 2,000 characters drawn from a vocabulary with
Zipf-like frequencies (domain words such as 校友, 活动, 招聘 common; the pypinyin phrase list as
the long tail; a few Latin words), inserts them in bulk and builds their search index (timed),
then runs a mix of queries through the hall's path — articles_published() + search(), the first
page of 20 and the paginator's count (capped at 1,000 like the hall's) — one after another on one connection: a common
2-character term, a rare 2-character term, a 3-4 character phrase, two terms, a Latin word and
a term found nowhere. Prints one JSON object with p50/p95/p99 ms per kind and overall.

    .venv/bin/python -m bench.bench_articles --smoke        # 1,000 articles (CI)
    .venv/bin/python -m bench.bench_articles                # 100,000 articles (slow)
    .venv/bin/python -m bench.bench_articles --database-url postgres://postgres@127.0.0.1/postgres
    .venv/bin/python -m bench.bench_articles --db-dir var/bench-articles --reuse

SQLite in a temporary directory by default; with --database-url (or DATABASE_URL) PostgreSQL on
a database named bench_xiaoyou_articles next to it (created by the script; never the
configured database itself).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from collections import defaultdict
from typing import Any

from bench.common import cpu_ticks, percentile, prepare_postgres

SIZES = {"smoke": 1_000, "full": 100_000}
QUERIES_PER_KIND = {"smoke": 10, "full": 100}
BENCH_DATABASE = "bench_xiaoyou_articles"
PAGE_SIZE = 20
BATCH = 2_000

# Common words of an alumni association's news, most frequent first.
_DOMAIN_TEXT = (
    "校友 活动 学校 母校 学院 同学 发展 工作 学生 老师 毕业 校友会 合作 交流 会议 招聘 企业 "
    "举行 代表 参加 大学 校园 教育 研究 科技 创新 社会 服务 文化 建设 校庆 返校 讲座 论坛 "
    "捐赠 基金 奖学金 理事会 秘书长 会长 分会 联谊 座谈 聚会 年会 校友企业 校友活动 毕业典礼 "
    "实习 就业 创业 导师 专业 课程 实验室 图书馆 体育馆 运动会 志愿者 公益 慈善 医学 工程 "
    "计算机 人工智能 经济 管理 法学 艺术 音乐 历史 未来 青年 梦想 感恩 回忆 青春 祝福 欢迎"
)
DOMAIN_WORDS = tuple(_DOMAIN_TEXT.split(" "))
LATIN_WORDS = ("Python", "AI", "MBA", "Java", "CEO", "EMBA", "GitHub", "Linux", "IEEE", "SCI")


def _vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Words and their cumulative weights: domain words first, then 8,000 phrases of the
    pypinyin dictionary; weight 1/rank^1.05 (Zipf)."""
    from pypinyin.phrases_dict import phrases_dict

    domain = set(DOMAIN_WORDS)
    tail = sorted(word for word in phrases_dict if 2 <= len(word) <= 4 and word not in domain)
    rng.shuffle(tail)
    words = list(DOMAIN_WORDS) + tail[:8000]
    cumulative: list[float] = []
    total = 0.0
    for rank, _word in enumerate(words, start=1):
        total += 1.0 / rank**1.05
        cumulative.append(total)
    return words, cumulative


def _text(rng: random.Random, words: list[str], weights: list[float], length: int) -> str:
    pieces: list[str] = []
    size = 0
    while size < length:
        sentence = rng.choices(words, cum_weights=weights, k=rng.randint(6, 16))
        if rng.random() < 0.04:
            sentence.insert(rng.randint(0, len(sentence)), f" {rng.choice(LATIN_WORDS)} ")
        text = "".join(sentence) + rng.choice("，，，。。；！")
        pieces.append(text)
        size += len(text)
    return "".join(pieces)


def _setup(args: argparse.Namespace) -> None:
    url = args.database_url or os.environ.get("DATABASE_URL", "")
    if url:
        os.environ["DATABASE_URL"] = prepare_postgres(url, BENCH_DATABASE, fresh=not args.reuse)
    else:
        os.environ.pop("DATABASE_URL", None)
        directory = args.db_dir or tempfile.mkdtemp(prefix="xiaoyou-bench-articles-")
        os.makedirs(directory, exist_ok=True)
        os.environ["XIAOYOU_VAR_DIR"] = directory
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                path = os.path.join(directory, "xiaoyou.sqlite3" + suffix)
                if os.path.exists(path):
                    os.remove(path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoyou.settings")
    os.environ["XIAOYOU_TESTING"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["XIAOYOU_PLAIN_STATIC"] = "true"
    import django

    django.setup()


def _generate(count: int, words: list[str], weights: list[float]) -> dict[str, Any]:
    """Bulk-inserts published articles up to `count` and indexes them (both timed)."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from xiaoyou.content.models import Article, ArticleCategory, ArticleStatus
    from xiaoyou.content.search_articles import articles_search_index, articles_search_optimize
    from xiaoyou.organizations.models import Organization, OrganizationKind
    from xiaoyou.organizations.services import organization_create

    root = Organization.objects.filter(parent__isnull=True, name="基准大学校友总会").first()
    if root is None:
        root = organization_create(actor=None, name="基准大学校友总会", kind=OrganizationKind.MAIN)
    categories = [
        ArticleCategory.objects.get_or_create(org=root, name=name)[0]
        for name in ("新闻", "通知", "校友风采", "招聘")
    ]
    existing = Article.objects.count()
    figures: dict[str, Any] = {"articles_before": existing}
    if existing >= count:
        return figures
    rng = random.Random(existing + 7)
    start = timezone.now() - dt.timedelta(days=3650)
    insert_seconds = index_seconds = 0.0
    characters = 0
    for offset in range(existing, count, BATCH):
        batch = []
        for number in range(offset, min(count, offset + BATCH)):
            body = _text(rng, words, weights, rng.randint(200, 2000))
            characters += len(body)
            title = _text(rng, words, weights, rng.randint(6, 24)).rstrip("，。；！")[:60]
            published = start + dt.timedelta(minutes=number * 30 + rng.randint(0, 29))
            batch.append(
                Article(
                    org=root,
                    category=rng.choice(categories),
                    title=title,
                    body=f"<p>{body}</p>",
                    body_text=body,
                    status=ArticleStatus.PUBLISHED,
                    published_at=published,
                    is_pinned=rng.random() < 0.001,
                )
            )
        started = time.perf_counter()
        with transaction.atomic():
            created = Article.objects.bulk_create(batch)
        insert_seconds += time.perf_counter() - started
        started = time.perf_counter()
        with transaction.atomic():
            articles_search_index([article.pk for article in created])
        index_seconds += time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        articles_search_optimize()
    optimize_seconds = time.perf_counter() - started
    inserted = count - existing
    figures.update(
        {
            "articles_inserted": inserted,
            "mean_body_characters": round(characters / max(inserted, 1)),
            "insert_seconds": round(insert_seconds, 1),
            "index_build_seconds": round(index_seconds, 1),
            "index_optimize_seconds": round(optimize_seconds, 1),
            "index_articles_per_second": round(inserted / max(index_seconds, 1e-9), 1),
        }
    )
    return figures


def _queries(per_kind: int, words: list[str]) -> list[tuple[str, str]]:
    """(kind, text): terms drawn from the vocabulary by frequency band."""
    rng = random.Random(11)
    two = [word for word in words if len(word) == 2]
    phrases = [word for word in words if 3 <= len(word) <= 4]
    from pypinyin.phrases_dict import phrases_dict

    used = set(words)
    unused = sorted(word for word in phrases_dict if len(word) == 3 and word not in used)
    kinds: dict[str, Any] = {
        "common_2char": lambda: rng.choice(two[:15]),
        "rare_2char": lambda: rng.choice(two[3000:]),
        "phrase_3_4char": lambda: rng.choice(phrases[:10] + phrases[200:1200]),
        "two_terms": lambda: f"{rng.choice(two[:40])} {rng.choice(phrases[:400] + two[:400])}",
        "latin_word": lambda: rng.choice(
            [word.lower() for word in LATIN_WORDS] + [word[:3] for word in LATIN_WORDS]
        ),
        "no_hit": lambda: rng.choice(unused),
    }
    queries = [(kind, make()) for kind, make in kinds.items() for _ in range(per_kind)]
    rng.shuffle(queries)
    return queries


def _run(queries: list[tuple[str, str]]) -> tuple[dict[str, list[float]], list[dict[str, Any]]]:
    from xiaoyou.content import selectors_articles as selectors
    from xiaoyou.core.paginator import CappedPaginator

    samples: dict[str, list[float]] = defaultdict(list)
    slowest: list[dict[str, Any]] = []
    for kind, text in queries:
        started = time.perf_counter()
        queryset = selectors.search(selectors.articles_published(), text)
        # The hall's paginator for a search: the first page and a count capped at 1,000.
        page = CappedPaginator(queryset, PAGE_SIZE).get_page(1)
        rows = list(page.object_list)
        count = page.paginator.count
        elapsed = (time.perf_counter() - started) * 1000
        samples[kind].append(elapsed)
        slowest.append({"ms": round(elapsed, 1), "kind": kind, "text": text, "count": count})
        assert len(rows) == min(PAGE_SIZE, count)
    slowest.sort(key=lambda row: -row["ms"])
    return samples, slowest[:5]


def _summary(samples: list[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "p50_ms": round(percentile(samples, 0.50), 2),
        "p95_ms": round(percentile(samples, 0.95), 2),
        "p99_ms": round(percentile(samples, 0.99), 2),
        "max_ms": round(max(samples), 2),
    }


def _hits(queries: list[tuple[str, str]]) -> dict[str, float]:
    """Mean matching articles per kind (how selective each kind is)."""
    from xiaoyou.content import selectors_articles as selectors

    counts: dict[str, list[int]] = defaultdict(list)
    for kind, text in queries:
        if len(counts[kind]) < 10:
            counts[kind].append(selectors.search(selectors.articles_published(), text).count())
    return {kind: round(sum(values) / len(values)) for kind, values in sorted(counts.items())}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="1,000 articles (CI)")
    parser.add_argument("--articles", type=int, default=0, help="override the article count")
    parser.add_argument("--queries", type=int, default=0, help="queries per kind")
    parser.add_argument("--database-url", default="", help="PostgreSQL server to run on")
    parser.add_argument("--db-dir", default="", help="SQLite: keep the database here")
    parser.add_argument("--reuse", action="store_true", help="keep generated articles")
    args = parser.parse_args()
    size = "smoke" if args.smoke else "full"
    count = args.articles or SIZES[size]
    per_kind = args.queries or QUERIES_PER_KIND[size]
    _setup(args)

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    rng = random.Random(5)
    words, weights = _vocabulary(rng)
    figures: dict[str, Any] = {
        "benchmark": "article_search",
        "size": size,
        "articles": count,
        "database": connection.vendor,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_before": [round(value, 2) for value in os.getloadavg()],
        },
    }
    figures["generation"] = _generate(count, words, weights)
    queries = _queries(per_kind, words)
    figures["mean_hits"] = _hits(queries)
    _run(queries[: min(len(queries), 30)])  # warm-up: caches and plans, not measured
    busy_before, total_before = cpu_ticks()
    started = time.perf_counter()
    samples, slowest = _run(queries)
    elapsed = time.perf_counter() - started
    busy_after, total_after = cpu_ticks()
    everything = [value for values in samples.values() for value in values]
    figures["queries"] = len(everything)
    figures["queries_per_second"] = round(len(everything) / elapsed, 1)
    figures["machine_busy_share"] = round(
        (busy_after - busy_before) / max(total_after - total_before, 1), 2
    )
    figures["machine"]["load_average_after"] = [round(value, 2) for value in os.getloadavg()]
    figures["overall"] = _summary(everything)
    figures["by_kind"] = {kind: _summary(values) for kind, values in sorted(samples.items())}
    figures["slowest"] = slowest
    json.dump(figures, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
