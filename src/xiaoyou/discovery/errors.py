"""Error codes of discovery (知名校友, 招聘), raised as core ApplicationError."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

register_messages(
    {
        "discovery_no_source": _("Choose at least one source to crawl."),
        "discovery_unknown_source": _("This source does not exist."),
        "discovery_candidate_decided": _("This candidate has already been decided."),
        "discovery_record_not_found": _("The alumni record does not exist or you cannot see it."),
        "discovery_job_title_required": _("Please give the job a title."),
        "discovery_job_not_open": _("This job is not open for applications."),
        "discovery_already_applied": _("You have already applied for this job."),
        "discovery_resume_type": _("The resume must be a PDF or Word document."),
        "discovery_resume_size": _("The resume must be at most %(limit)s MB."),
        "discovery_own_job": _("You cannot apply for a job you posted."),
        "discovery_may_not_post": _("Only verified alumni may do this."),
        "discovery_enterprise_exists": _("This enterprise is already registered."),
    }
)
