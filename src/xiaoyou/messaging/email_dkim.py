"""DKIM signatures (RFC 6376) of outgoing campaign mail, with dkimpy, when a key is configured.

Django's SMTP backend sends `message.message().as_bytes(linesep="\\r\\n")`. `SignedEmail.message()`
serializes the MIME message once, signs exactly those bytes (relaxed/relaxed) and returns a
wrapper whose `as_bytes` puts the DKIM-Signature header in front of them, so what is signed is
byte for byte what is sent. Provider backends (anymail) read the message's parts instead and sign
with the provider's own key; the wrapper passes everything else through.
"""

from __future__ import annotations

from typing import Any

import dkim
from django.core.mail import EmailMultiAlternatives

from xiaoyou.messaging import email_settings

SIGNED_HEADERS = (
    b"From",
    b"To",
    b"Subject",
    b"Date",
    b"Message-ID",
    b"MIME-Version",
    b"Content-Type",
    b"Reply-To",
    b"List-Unsubscribe",
    b"List-Unsubscribe-Post",
    b"Feedback-ID",
)


class _SignedMime:
    def __init__(self, mime: Any, key: email_settings.DkimKey):
        self._mime = mime
        self._key = key
        self._signed: bytes | None = None

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        if self._signed is None:
            body = self._mime.as_bytes(linesep="\r\n")
            signature = dkim.sign(
                body,
                self._key.selector,
                self._key.domain,
                self._key.private_key,
                canonicalize=(b"relaxed", b"relaxed"),
                include_headers=list(SIGNED_HEADERS),
            )
            self._signed = signature + body
        if linesep == "\r\n":
            return self._signed
        return self._signed.replace(b"\r\n", linesep.encode())

    def as_string(self, unixfrom: bool = False, linesep: str = "\n") -> str:
        return self.as_bytes(linesep=linesep).decode("utf-8", "replace")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._mime, name)

    def __getitem__(self, name: str) -> Any:
        return self._mime[name]


class SignedEmail(EmailMultiAlternatives):
    """An html + text email, DKIM-signed when DKIM_SELECTOR/DKIM_DOMAIN/DKIM_PRIVATE_KEY are set."""

    dkim_key: email_settings.DkimKey | None = None

    def message(self, *args: Any, **kwargs: Any) -> Any:
        mime = super().message(*args, **kwargs)
        if self.dkim_key is None:
            return mime
        return _SignedMime(mime, self.dkim_key)
