"""Fixtures of the email tests: a real local SMTP server (aiosmtpd), a DKIM key, a campaign."""

from __future__ import annotations

import asyncio
import base64
import email
import socket
import threading
from dataclasses import dataclass, field
from email import policy as email_policy

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class SmtpServer:
    port: int
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    # Addresses refused at RCPT with this reply.
    refuse: dict[str, str] = field(default_factory=dict)
    # Seconds each message takes to be accepted (a slow server, to see progress move).
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def messages(self) -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(content, policy=email_policy.default)
            for _sender, _rcpts, content in self.received
        ]

    def recipients(self) -> list[str]:
        return [rcpt for _sender, rcpts, _content in self.received for rcpt in rcpts]


def start_smtp(settings) -> tuple[SmtpServer, object]:
    from aiosmtpd.controller import Controller

    server = SmtpServer(port=free_port())

    class Handler:
        async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
            if address in server.refuse:
                return server.refuse[address]
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, smtp, session, envelope):
            if server.delay:
                await asyncio.sleep(server.delay)
            with server.lock:
                server.received.append(
                    (envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
                )
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname="127.0.0.1", port=server.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.MESSAGING_EMAIL_FROM = "示范大学校友总会 <news@alumni.example.edu>"
    settings.MESSAGING_BOUNCE_ADDRESS = "bounces@alumni.example.edu"
    settings.SITE_URL = "https://alumni.example.edu"
    return server, controller


@pytest.fixture
def smtp_server(settings):
    server, controller = start_smtp(settings)
    try:
        yield server
    finally:
        controller.stop()


@dataclass
class DkimKeys:
    private_pem: str
    dns_record: bytes

    def dnsfunc(self, name, timeout=5):
        return self.dns_record


@pytest.fixture
def dkim_keys(settings) -> DkimKeys:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    settings.DKIM_PRIVATE_KEY = pem
    settings.DKIM_SELECTOR = "xy2026"
    settings.DKIM_DOMAIN = "alumni.example.edu"
    return DkimKeys(pem, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public))


def console_login(client, user):
    """Signs `user` in; staff get a TOTP authenticator, without which the console is closed."""
    from allauth.mfa.models import Authenticator

    if user.is_staff or user.is_superuser:
        Authenticator.objects.get_or_create(
            user=user,
            type=Authenticator.Type.TOTP,
            defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}},
        )
    client.force_login(user)
    return client
