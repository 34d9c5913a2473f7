"""`xiaoyou import-alumni FILE [--dry-run] [--json] [--org ID] [--key student_id] [--mapping NAME]`.

Imports a spreadsheet into the archive the way the console does (same services, same batches,
same history and undo), with the suggested column mapping or a saved one, and prints a summary.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiaoyou.alumni.importing.fields import KEY_FIELDS
from xiaoyou.alumni.models import ImportMapping
from xiaoyou.alumni.services import importing
from xiaoyou.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Import alumni records from an xlsx, xls or csv file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and count; write nothing."
        )
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")
        parser.add_argument("--org", type=int, help="Organization id (default: the root).")
        parser.add_argument("--key", default="student_id", choices=sorted(KEY_FIELDS))
        parser.add_argument("--mapping", default="", help="Name of a saved column mapping.")
        parser.add_argument("--user", default="", help="Username recorded as the actor.")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.contrib.auth import get_user_model

        from xiaoyou.organizations.models import Organization

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if options["org"]:
            org = Organization.objects.filter(pk=options["org"]).first()
        else:
            org = Organization.objects.filter(parent__isnull=True).order_by("id").first()
        if org is None:
            raise CommandError("No such organization")
        User = get_user_model()
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
        else:
            # The command is run by the operator: act as the first platform administrator.
            actor = User.objects.filter(is_superuser=True, is_active=True).order_by("id").first()
        if actor is None:
            raise CommandError("No actor: create a platform administrator or pass --user")
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        try:
            batch = importing.import_upload(
                org=org, actor=actor, upload=upload, key_field=options["key"]
            )
            if options["mapping"]:
                saved = ImportMapping.objects.filter(org=org, name=options["mapping"]).first()
                if saved is None:
                    raise CommandError(f"No saved mapping named {options['mapping']!r}")
                header = importing.batch_header(batch)
                batch.mapping = importing.mapping_apply(batch=batch, saved=saved, header=header)
            importing.import_set_mapping(
                batch=batch, actor=actor, mapping=batch.mapping, key_field=options["key"]
            )
            result = importing.import_run_now(batch=batch, actor=actor, dry_run=options["dry_run"])
        except ApplicationError as exc:
            raise CommandError(exc.text()) from exc
        summary = {"batch": batch.pk, "file": batch.file_name, **result.summary()}
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{batch.file_name}: {summary['created']} created, {summary['updated']} updated, "
            f"{summary['unchanged']} unchanged, {summary['rejected']} rejected"
            + (" (dry run, nothing written)" if options["dry_run"] else "")
        )
        for item in summary["rejected_rows"]:
            self.stdout.write(f"  row {item['row']}: {item['reason']}")
