"""`xiaoyou payments-sandbox`: runs the local payment sandboxes (emulators) on fixed ports.

Each provider's sandbox appends one `SandboxSpec` to `SANDBOXES`. The factory named by
`factory` ("module:function") takes the port and returns an emulator (not yet started) that has
`describe() -> list[str]`: the settings / environment lines that point the app at it.
These are SANDBOXES, never real gateways: no money moves.
"""

from __future__ import annotations

import importlib
import os
import time
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError


@dataclass(frozen=True)
class SandboxSpec:
    name: str  # provider name, as in PAYMENTS_PROVIDERS
    port_env: str  # environment variable overriding the port
    default_port: int
    factory: str  # "module:function", function(port: int) -> Emulator with describe()

    @property
    def port(self) -> int:
        return int(os.environ.get(self.port_env) or self.default_port)

    def build(self) -> Any:
        module_name, _, function = self.factory.partition(":")
        return getattr(importlib.import_module(module_name), function)(self.port)


SANDBOXES: list[SandboxSpec] = [
    SandboxSpec(
        "wechat",
        "PAYMENTS_SANDBOX_PORT_WECHAT",
        8601,
        "xiaoyou.payments.sandbox.wechatpay:demo_sandbox",
    ),
    SandboxSpec(
        "alipay",
        "PAYMENTS_SANDBOX_PORT_ALIPAY",
        8602,
        "xiaoyou.payments.sandbox.alipay:demo_sandbox",
    ),
]


class Command(BaseCommand):
    help = "Run the local payment sandboxes (WeChat Pay v3, Alipay) on fixed ports."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "providers", nargs="*", help="Only these sandboxes (default: all of them)."
        )
        parser.add_argument(
            "--check", action="store_true", help="Start, print the settings and stop at once."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = set(options["providers"])
        unknown = wanted - {spec.name for spec in SANDBOXES}
        if unknown:
            raise CommandError(f"unknown sandbox: {', '.join(sorted(unknown))}")
        running = []
        try:
            for spec in SANDBOXES:
                if wanted and spec.name not in wanted:
                    continue
                emulator = spec.build()
                emulator.start()
                running.append(emulator)
                self.stdout.write(
                    self.style.WARNING(f"[SANDBOX] {spec.name} listening on {emulator.url}")
                )
                for line in emulator.describe():
                    self.stdout.write(f"    {line}")
            self.stdout.write("Sandboxes only: no real money moves. Ctrl-C stops them.")
            if not options["check"]:
                while True:
                    time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            for emulator in running:
                emulator.stop()
