"""线上活动: the blessing and photo walls, claim-a-gift offers and online challenges of an event.

Rules enforced here:
- Walls (祝福墙 / 照片纪念墙): people who may view the event post (rate-limited); every post
  waits for moderation; the event's managers publish, reject or hide posts, in bulk. Photos are
  checked by their real content, re-encoded upright and without metadata (EXIF GPS never
  served) and stored under a random name. A pending post is also an item of the review queue
  (kind "events.wall_post", the console's to-do list): deciding it there publishes or rejects
  it, and moderating it on the event's page decides the item, so the two never disagree.
- Gifts (领取礼品): one live claim per person and offer; the stock is taken by the conditional
  UPDATE `claimed = claimed + 1 WHERE claimed < stock`, so concurrent claims never oversell;
  a cancelled claim gives its gift back; staff mark claims shipped with a tracking number and
  the claimant is notified in the app.
- Challenges (线上挑战): reports inside the challenge's window, each above 0 and at most
  `max_per_report`; staff void reports that look wrong (a voided report leaves the board).
Every staff write is audit-logged.
"""

from __future__ import annotations

from xiaoyou.events.services.online.challenges import (
    challenge_is_running,
    challenge_report,
    challenge_report_void,
    challenge_save,
    plain_number,
)
from xiaoyou.events.services.online.common import (
    CENT,
    CHALLENGE_FIELDS,
    GIFT_FIELDS,
    GIFT_SHIPPED,
    MODERATION_ACTIONS,
    REPORT_RATES,
    SIGNATURE_MAX_LENGTH,
    WALL_PHOTO_MAX_BYTES,
    WALL_PHOTO_MAX_SIDE,
    WALL_RATES,
    WALL_REVIEW_KIND,
    WALL_TEXT_MAX_LENGTH,
)
from xiaoyou.events.services.online.gifts import (
    gift_claim,
    gift_claim_cancel,
    gift_claim_ship,
    gift_offer_is_open,
    gift_offer_save,
    register_notification_kinds,
)
from xiaoyou.events.services.online.walls import (
    photo_without_metadata,
    register_review_kind,
    wall_post_create,
    wall_post_moderate,
)

__all__ = [
    "CENT",
    "CHALLENGE_FIELDS",
    "GIFT_FIELDS",
    "GIFT_SHIPPED",
    "MODERATION_ACTIONS",
    "REPORT_RATES",
    "SIGNATURE_MAX_LENGTH",
    "WALL_PHOTO_MAX_BYTES",
    "WALL_PHOTO_MAX_SIDE",
    "WALL_RATES",
    "WALL_REVIEW_KIND",
    "WALL_TEXT_MAX_LENGTH",
    "challenge_is_running",
    "challenge_report",
    "challenge_report_void",
    "challenge_save",
    "gift_claim",
    "gift_claim_cancel",
    "gift_claim_ship",
    "gift_offer_is_open",
    "gift_offer_save",
    "photo_without_metadata",
    "plain_number",
    "register_notification_kinds",
    "register_review_kind",
    "wall_post_create",
    "wall_post_moderate",
]
