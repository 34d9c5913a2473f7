"""Email templates (邮件素材): the library each organization starts with, and its edits.

The library (holiday greeting, newsletter, event invitation, donation thanks) lives in
templates/messaging/mail/library/<kind>.html and .txt; an organization gets its own editable
copies the first time its admins open the template list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import audit, policy
from xiaoyou.messaging.email_render import html_to_text, sanitize_body
from xiaoyou.messaging.models import EmailTemplate, EmailTemplateKind

LIBRARY_DIR = Path(__file__).resolve().parent.parent.parent / "templates/messaging/mail/library"
# kind: (name, subject); the bodies are the files of LIBRARY_DIR.
LIBRARY: dict[str, tuple[Any, str]] = {
    EmailTemplateKind.HOLIDAY: (_("Holiday greeting"), "新春快乐，{{ name }}校友！"),
    EmailTemplateKind.NEWSLETTER: (_("Newsletter"), "{{ org }}校友通讯"),
    EmailTemplateKind.INVITATION: (_("Event invitation"), "诚邀您参加：{{ event }}"),
    EmailTemplateKind.THANKS: (_("Donation thanks"), "感谢您的爱心捐赠，{{ name }}校友"),
}
_SAMPLE_SITE = "https://alumni.example.edu"


def library_body(kind: str) -> tuple[str, str]:
    """(html, text) of a library template, its sample links pointing at this site."""
    site = settings.SITE_URL.rstrip("/")
    html = (LIBRARY_DIR / f"{kind}.html").read_text(encoding="utf-8").replace(_SAMPLE_SITE, site)
    text = (LIBRARY_DIR / f"{kind}.txt").read_text(encoding="utf-8").replace(_SAMPLE_SITE, site)
    return html, text


def email_templates_seed(*, org: Any) -> int:
    """Gives an organization the library's templates once (when it has no template at all)."""
    if EmailTemplate.objects.filter(org=org).exists():
        return 0
    rows = []
    for kind, (name, subject) in LIBRARY.items():
        html, text = library_body(kind)
        rows.append(
            EmailTemplate(
                org=org, kind=kind, name=str(name), subject=subject, body_html=html, body_text=text
            )
        )
    with transaction.atomic():
        EmailTemplate.objects.bulk_create(rows)
    return len(rows)


def email_template_create(
    *, actor: Any, org: Any, name: str, subject: str, body_html: str, body_text: str = ""
) -> EmailTemplate:
    """A new template of `org`. Rule: its admins."""
    policy.require(actor, "manage", EmailTemplate, org=org)
    html = sanitize_body(body_html)
    with transaction.atomic():
        template = EmailTemplate.objects.create(
            org=org,
            name=name[:100],
            subject=subject[:200],
            body_html=html,
            body_text=(body_text or "").strip() or html_to_text(html),
            created_by=actor,
        )
        audit.record(actor=actor, action="messaging.email_template.create", obj=template)
    return template


def email_template_update(
    *,
    actor: Any,
    template: EmailTemplate,
    name: str,
    subject: str,
    body_html: str,
    body_text: str = "",
    is_archived: bool = False,
) -> EmailTemplate:
    """Edits a template; campaigns written from it keep their copy. Rule: its org's admins."""
    policy.require(actor, "manage", template)
    html = sanitize_body(body_html)
    with transaction.atomic():
        template.name = name[:100]
        template.subject = subject[:200]
        template.body_html = html
        template.body_text = (body_text or "").strip() or html_to_text(html)
        template.is_archived = is_archived
        template.save(
            update_fields=["name", "subject", "body_html", "body_text", "is_archived", "updated_at"]
        )
        audit.record(
            actor=actor,
            action="messaging.email_template.update",
            obj=template,
            changes={"archived": is_archived},
        )
    return template
