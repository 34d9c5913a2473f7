"""The `xiaoyou` command: the project's manage.py."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoyou.settings")
    from django.core.management import execute_from_command_line

    # Commands are modules (seed_demo.py) but typed with hyphens (`xiaoyou seed-demo`).
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        sys.argv[1] = sys.argv[1].replace("-", "_")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
