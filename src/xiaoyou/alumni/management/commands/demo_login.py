"""`xiaoyou demo-login`: prints the demo platform admin's sign-in and where to go."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse

from xiaoyou.accounts.models import User
from xiaoyou.alumni.demo import credentials_path, read_credentials


class Command(BaseCommand):
    help = "Prints the demo platform administrator's phone, email and password, and the URL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default=settings.SITE_URL, help="Base URL of the site.")

    def handle(self, *args: Any, **options: Any) -> None:
        credentials = read_credentials()
        admin = credentials.get("accounts", {}).get("platform_admin")
        if admin is None:
            self.stdout.write(
                f"No demo accounts here ({credentials_path()} is missing): "
                "the demo school was not loaded on this database."
            )
            return
        base = options["url"].rstrip("/")
        user = User.objects.filter(username=admin["username"]).first()
        note = ""
        if user is None:
            note = "  (this account no longer exists: run `xiaoyou seed-demo`)"
        elif not user.check_password(admin["password"]):
            note = "  (the password was changed since the demo was loaded)"
        lines = [
            "",
            f"Demo school {credentials.get('school', '')}: platform administrator{note}",
            f"  Console:  {base}{reverse('console:dashboard')}",
            f"  Sign in:  {base}{reverse('account_login')}",
            f"  Phone:    {admin['phone']}",
            f"  Email:    {admin['email']}",
            f"  Password: {admin['password']}",
            "  Staff accounts must set up two-factor authentication (an authenticator app, TOTP)",
            "  at their first console sign-in: keep your phone at hand.",
            f"  Other demo accounts (college and regional admins, an alumnus): {credentials_path()}",
            "",
        ]
        self.stdout.write("\n".join(lines))
