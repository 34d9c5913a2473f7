"""Building one campaign message (see email_sending): what is constant across a campaign is
computed once (the compiled template, headers' shapes, tracking URL templates, the DKIM key),
then each recipient's message is filled in: personalization, tracked links and pixel,
RFC 8058 unsubscribe headers, Message-ID and Feedback-ID; through a provider backend
(email_providers) the provider owns the envelope and our token travels as metadata."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from xiaoyou.messaging import email_providers, email_settings, email_tracking
from xiaoyou.messaging.email_dkim import SignedEmail
from xiaoyou.messaging.email_render import CompiledCampaign, compile_campaign, render_compiled
from xiaoyou.messaging.models import EmailCampaign

_TOKEN = "__TOKEN__"


@dataclass
class Composer:
    """Everything constant across a campaign's messages, computed once."""

    campaign: EmailCampaign
    compiled: CompiledCampaign
    from_header: str
    envelope_from: str
    dkim_key: email_settings.DkimKey | None
    domain: str
    link_template: str
    pixel_template: str
    unsubscribe_template: str
    mailto_template: str
    provider: bool = False  # through an anymail backend (email_providers.py)

    @classmethod
    def for_campaign(cls, campaign: EmailCampaign, *, provider: bool | None = None) -> Composer:
        name, address = parseaddr(email_settings.from_address())
        from_header = formataddr((campaign.from_name or name or campaign.org.name, address))
        compiled = compile_campaign(
            subject=campaign.subject,
            body_html=campaign.body_html,
            body_text=campaign.body_text,
            org_name=campaign.org.name,
            links=list(campaign.links or []),
            track_clicks=campaign.track_clicks,
        )
        return cls(
            campaign=campaign,
            compiled=compiled,
            from_header=from_header,
            envelope_from=email_settings.bounce_address() or address,
            dkim_key=email_settings.dkim_key(),
            domain=email_settings.sender_domain(),
            link_template=email_tracking.link_url(_TOKEN, 0)[: -len("0/")],
            pixel_template=email_tracking.pixel_url(_TOKEN),
            unsubscribe_template=email_tracking.unsubscribe_url(_TOKEN),
            mailto_template=email_tracking.unsubscribe_mailto(_TOKEN),
            provider=email_providers.is_provider_backend() if provider is None else provider,
        )

    def build(
        self, *, email: str, name: str, context: dict[str, str], message_id: int | None
    ) -> SignedEmail:
        """The message for one recipient; `message_id=None` for a test (no tracking)."""
        values = dict(context)
        values.setdefault("org", self.campaign.org.name)
        values.setdefault("email", email)
        token: str | None = None
        if message_id is None:
            rendered = render_compiled(self.compiled, values)
            headers: dict[str, str] = {"From": self.from_header}
        else:
            token = email_tracking.message_token(message_id)
            links = None
            if self.campaign.track_clicks:
                prefix = self.link_template.replace(_TOKEN, token)
                links = [f"{prefix}{number}/" for number in range(len(self.compiled.links))]
            unsubscribe = self.unsubscribe_template.replace(_TOKEN, token)
            rendered = render_compiled(
                self.compiled,
                values,
                link_urls=links,
                pixel_url=(
                    self.pixel_template.replace(_TOKEN, token) if self.campaign.track_opens else ""
                ),
                unsubscribe_url=unsubscribe,
            )
            mailto = self.mailto_template.replace(_TOKEN, token)
            headers = {
                "From": self.from_header,
                "Message-ID": f"<{token}.{self.campaign.pk}@{self.domain}>",
                "List-Unsubscribe": f"<{unsubscribe}>, <{mailto}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Feedback-ID": f"{self.campaign.pk}:{self.campaign.org_id}:campaign:xiaoyou",
                "X-Xiaoyou-Message": token,
            }
        if self.provider:  # the From header is from_email; the provider owns the envelope
            del headers["From"]
        mail = SignedEmail(
            subject=rendered.subject,
            body=rendered.text,
            from_email=self.from_header if self.provider else self.envelope_from,
            to=[formataddr((name, email)) if name else email],
            reply_to=[self.campaign.reply_to] if self.campaign.reply_to else None,
            headers=headers,
        )
        mail.attach_alternative(rendered.html, "text/html")
        mail.dkim_key = self.dkim_key
        if self.provider:
            email_providers.prepare(mail, token=token, campaign_id=self.campaign.pk)
        return mail
