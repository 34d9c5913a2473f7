"""The providers' SMS callbacks: POST /m/sms/<provider>/<report|reply>/<token> (no session).

The token is MESSAGING_SMS_CALLBACK_TOKEN, given to the provider as part of the URL; a wrong
or missing one gets 404 (no hint that the route exists).
"""

from __future__ import annotations

import hmac
import json

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from xiaoyou.messaging import sms_conf, sms_receipts


@csrf_exempt
@require_POST
def sms_callback(request: HttpRequest, provider: str, kind: str, token: str) -> HttpResponse:
    expected = sms_conf.callback_token()
    handler = sms_receipts.HANDLERS.get((provider, kind))
    if not expected or handler is None or not hmac.compare_digest(token, expected):
        raise Http404
    try:
        payload = json.loads(request.body or b"null")
    except ValueError:
        return JsonResponse({"code": 1, "msg": "invalid JSON"}, status=400)
    handler(payload)
    return JsonResponse(sms_receipts.ANSWERS[provider])
