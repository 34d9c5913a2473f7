from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xiaoyou.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Background jobs: Celery tasks, Job policy, job kinds, schedules, console entry.
        from xiaoyou.core import job_tasks

        job_tasks.register()
        # Audit log and review queue policy; built-in notification channels and kinds.
        from xiaoyou.core import notifications, policy_rules

        policy_rules.register()
        notifications.register_builtin()
