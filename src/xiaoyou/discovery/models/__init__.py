from xiaoyou.discovery.models.crawl import (
    CachedResponse,
    CrawlLogEntry,
    CrawlRun,
    CrawlStatus,
    LogKind,
    LogLevel,
)
from xiaoyou.discovery.models.enterprises import (
    Enterprise,
    EnterpriseOrigin,
    EnterprisePerson,
    EnterpriseStatus,
)
from xiaoyou.discovery.models.jobs import (
    JobApplication,
    JobPosting,
    PostingKind,
    PostingStatus,
)
from xiaoyou.discovery.models.news import NewsItem
from xiaoyou.discovery.models.notables import (
    CandidateStatus,
    Field,
    NotableAlumnus,
    NotableCandidate,
    Visibility,
)

__all__ = [
    "CachedResponse",
    "CandidateStatus",
    "CrawlLogEntry",
    "CrawlRun",
    "CrawlStatus",
    "Enterprise",
    "EnterpriseOrigin",
    "EnterprisePerson",
    "EnterpriseStatus",
    "Field",
    "JobApplication",
    "JobPosting",
    "LogKind",
    "LogLevel",
    "NewsItem",
    "NotableAlumnus",
    "NotableCandidate",
    "PostingKind",
    "PostingStatus",
    "Visibility",
]
