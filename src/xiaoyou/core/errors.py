"""One application error type: a code and a translated message, turned into a page or JSON."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A rule of the domain was broken; `code` is stable, `message` is shown to the user."""

    status = 400

    def __init__(self, code: str, message: Any = None, *, status: int | None = None, **params: Any):
        self.code = code
        self.message = message if message is not None else MESSAGES.get(code, code)
        self.params = params
        if status is not None:
            self.status = status
        super().__init__(f"{code}: {self.message}")

    def text(self) -> str:
        message = str(self.message)
        return message % self.params if self.params else message


# Codes shared by every module; each app's errors.py adds its own to this table.
MESSAGES: dict[str, Any] = {
    "permission_denied": _("You do not have permission to do this."),
    "not_found": _("The object does not exist or you cannot see it."),
    "invalid_input": _("The input is not valid."),
    "rate_limited": _("Too many requests. Please try again later."),
    "conflict": _("The object was changed by someone else. Reload and try again."),
}


def register_messages(messages: dict[str, Any]) -> None:
    MESSAGES.update(messages)
