"""What one run of the demo seeding created, counted by kind."""

from __future__ import annotations

from dataclasses import dataclass, field

from xiaoyou.organizations.models import Organization


@dataclass
class SeedResult:
    school: str
    root: Organization
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, count: int = 1) -> None:
        if count:
            self.created[kind] = self.created.get(kind, 0) + count
