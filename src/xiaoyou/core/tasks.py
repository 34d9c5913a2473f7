"""Celery tasks of the kernel: each takes ids and calls a function that does the work.

Job infrastructure (progress, the Job row, retries listed in the console) lives in core/jobs.py;
the tasks here stay small.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from xiaoyou.core import notifications


# max_retries=None: the Delivery row's attempt counter decides when to give up (MAX_ATTEMPTS).
@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def deliver_notification(self: Any, delivery_id: int) -> str:
    """Sends one queued notification Delivery; temporary failures retry with backoff."""
    retries = self.request.retries or 0
    while True:
        outcome = notifications.delivery_send(delivery_id=delivery_id)
        if outcome != "retry":
            return outcome
        if not self.request.is_eager:
            raise self.retry(countdown=notifications.retry_delay(retries + 1))
        # Eager mode (tests, inline runs): Celery would raise Retry into the caller, so retry
        # in place without the wait; the row goes through the same states as in a worker.
        retries += 1
