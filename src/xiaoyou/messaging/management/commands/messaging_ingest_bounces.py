"""Feeds returned mail (DSN bounces, ARF complaints, mailto unsubscribes) to messaging.

xiaoyou messaging_ingest_bounces < message.eml          # one message on stdin (MTA pipe)
xiaoyou messaging_ingest_bounces a.eml b.eml            # files
xiaoyou messaging_ingest_bounces --maildir /var/mail/bounces [--delete]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiaoyou.messaging.email_bounces import ingest


class Command(BaseCommand):
    help = "Ingest returned mail: bounces (RFC 3464), complaints (ARF), unsubscribe mail."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", help="raw messages; none: read one from stdin")
        parser.add_argument("--maildir", help="a Maildir whose new/ messages are ingested")
        parser.add_argument(
            "--delete", action="store_true", help="delete Maildir messages once ingested"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        totals: dict[str, int] = {}

        def add(counts: dict[str, int]) -> None:
            for key, value in counts.items():
                totals[key] = totals.get(key, 0) + value

        if options["maildir"]:
            for path in sorted((Path(options["maildir"]) / "new").iterdir()):
                if path.is_file():
                    add(ingest(path.read_bytes()))
                    if options["delete"]:
                        path.unlink()
        for name in options["files"]:
            add(ingest(Path(name).read_bytes()))
        if not options["maildir"] and not options["files"]:
            add(ingest(sys.stdin.buffer.read()))
        self.stdout.write(json.dumps(totals, sort_keys=True))
