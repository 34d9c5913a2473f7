"""The mail backend and django-anymail's settings from the environment (imported by settings.py,
so it imports nothing of Django's).

EMAIL_PROVIDER chooses how mail leaves:
- unset: EMAIL_BACKEND as given (the console backend in development);
- `smtp`: Django's SMTP backend with EMAIL_HOST, EMAIL_PORT, ... (the production default);
- `mailgun`: MAILGUN_API_KEY (required), MAILGUN_SENDER_DOMAIN (else the From domain),
  MAILGUN_API_URL (e.g. the EU region https://api.eu.mailgun.net/v3),
  MAILGUN_WEBHOOK_SIGNING_KEY (required: tracking webhooks are verified with it);
- `postmark`: POSTMARK_SERVER_TOKEN (required), POSTMARK_API_URL; campaigns go to the message
  stream MESSAGING_POSTMARK_STREAM (Postmark wants bulk mail on a broadcast stream);
- `sendgrid`: SENDGRID_API_KEY (required), SENDGRID_API_URL,
  SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY (the signed event webhook's public key).
  django-anymail 15 no longer supports SendGrid officially: prefer another provider;
- `amazon_ses`: boto3's own credentials (AWS_ACCESS_KEY_ID, ... or an instance role),
  AMAZON_SES_REGION, AMAZON_SES_CONFIGURATION_SET_NAME (whose SNS topic posts the tracking
  webhook).

ANYMAIL_WEBHOOK_SECRET ("user:password", or several separated by commas while rotating) is the
HTTP basic auth every provider's webhook URL must carry (/anymail/<provider>/tracking/); it is
required with any provider.
"""

from __future__ import annotations

from typing import Any

from xiaoyou.core.env import EnvironmentError_, env_list, env_str

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
PROVIDER_BACKENDS = {
    "mailgun": "anymail.backends.mailgun.EmailBackend",
    "postmark": "anymail.backends.postmark.EmailBackend",
    "sendgrid": "anymail.backends.sendgrid.EmailBackend",
    "amazon_ses": "anymail.backends.amazon_ses.EmailBackend",
}
PROVIDERS = ("smtp", *PROVIDER_BACKENDS)


def _provider_settings(provider: str) -> dict[str, Any]:
    """The provider's part of ANYMAIL (upper-case keys, as anymail reads them)."""
    found: dict[str, Any] = {}
    optional: tuple[str, ...]
    if provider == "mailgun":
        found["MAILGUN_API_KEY"] = env_str("MAILGUN_API_KEY", required=True)
        found["MAILGUN_WEBHOOK_SIGNING_KEY"] = env_str("MAILGUN_WEBHOOK_SIGNING_KEY", required=True)
        optional = ("MAILGUN_SENDER_DOMAIN", "MAILGUN_API_URL")
    elif provider == "postmark":
        found["POSTMARK_SERVER_TOKEN"] = env_str("POSTMARK_SERVER_TOKEN", required=True)
        optional = ("POSTMARK_API_URL",)
    elif provider == "sendgrid":
        found["SENDGRID_API_KEY"] = env_str("SENDGRID_API_KEY", required=True)
        optional = ("SENDGRID_API_URL", "SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY")
    else:  # amazon_ses
        region = env_str("AMAZON_SES_REGION")
        if region:
            found["AMAZON_SES_CLIENT_PARAMS"] = {"region_name": region}
        optional = ("AMAZON_SES_CONFIGURATION_SET_NAME",)
    for name in optional:
        value = env_str(name)
        if value:
            found[name] = value
    return found


def email_backend_settings(default_backend: str) -> tuple[str, dict[str, Any]]:
    """(EMAIL_BACKEND, ANYMAIL) for the EMAIL_PROVIDER of the environment."""
    provider = env_str("EMAIL_PROVIDER").strip().lower()
    webhook_secret = env_list("ANYMAIL_WEBHOOK_SECRET", [])
    anymail: dict[str, Any] = {}
    if webhook_secret:
        if any(":" not in secret for secret in webhook_secret):
            raise EnvironmentError_("ANYMAIL_WEBHOOK_SECRET must be user:password")
        anymail["WEBHOOK_SECRET"] = webhook_secret
    if not provider:
        return default_backend, anymail
    if provider not in PROVIDERS:
        raise EnvironmentError_(f"EMAIL_PROVIDER={provider!r} is not one of {', '.join(PROVIDERS)}")
    if provider == "smtp":
        return SMTP_BACKEND, anymail
    if not webhook_secret:
        raise EnvironmentError_(
            f"EMAIL_PROVIDER={provider} needs ANYMAIL_WEBHOOK_SECRET (user:password) for its "
            "tracking webhook"
        )
    anymail.update(_provider_settings(provider))
    return PROVIDER_BACKENDS[provider], anymail
