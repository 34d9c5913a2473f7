"""POST /payments/notify/<provider>/: providers' server-to-server callbacks.

CSRF-exempt (the provider signs the message instead) and sessionless: the view never touches
`request.user` or `request.session`, so no session row is read for a callback.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from xiaoyou.payments.services.notifications import notification_receive


@csrf_exempt
@require_POST
def notify(request: HttpRequest, provider: str) -> HttpResponse:
    return notification_receive(
        provider=provider,
        headers=dict(request.headers),
        body=request.body,
        remote_addr=request.META.get("REMOTE_ADDR"),
    )
