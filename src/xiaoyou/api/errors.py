"""Error codes of the JSON API; every error body is {"error": {"code", "message", "details"}}."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

NOT_AUTHENTICATED = "not_authenticated"
PERMISSION_DENIED = "permission_denied"
CSRF_FAILED = "csrf_failed"
NOT_FOUND = "not_found"
METHOD_NOT_ALLOWED = "method_not_allowed"
INVALID_INPUT = "invalid_input"
RATE_LIMITED = "rate_limited"
SERVER_ERROR = "server_error"
TOKEN_ALREADY_REVOKED = "token_already_revoked"

MESSAGES = {
    NOT_AUTHENTICATED: _("Sign in or send a valid API token."),
    CSRF_FAILED: _("The CSRF check failed. Send the X-CSRFToken header."),
    METHOD_NOT_ALLOWED: _("This method is not allowed here."),
    SERVER_ERROR: _("Something went wrong on our side. Please try again later."),
    TOKEN_ALREADY_REVOKED: _("This token has already been revoked."),
}

# The code used for a bare HTTP status (ninja's HttpError, Django's 404 and 403).
CODE_BY_STATUS = {
    401: NOT_AUTHENTICATED,
    403: PERMISSION_DENIED,
    404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    422: INVALID_INPUT,
    429: RATE_LIMITED,
    500: SERVER_ERROR,
}


def register() -> None:
    register_messages(MESSAGES)
