"""Error codes of the events app, raised as core ApplicationError with translated text."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

FULL = "events.full"
CLOSED = "events.closed"
NOT_OPEN_YET = "events.not_open_yet"
BLACKLISTED = "events.blacklisted"
ALREADY_REGISTERED = "events.already_registered"
NOT_ALLOWED = "events.not_allowed"
INVITATION_INVALID = "events.invitation_invalid"
NOT_PUBLISHED = "events.not_published"
TICKET_UNAVAILABLE = "events.ticket_unavailable"
TOO_MANY_GUESTS = "events.too_many_guests"
ANSWER_REQUIRED = "events.answer_required"
NAME_REQUIRED = "events.name_required"
STATUS_CHANGED = "events.status_changed"
REASON_REQUIRED = "events.reason_required"
CAPACITY_BELOW_TAKEN = "events.capacity_below_taken"
EVENT_NOT_EDITABLE = "events.event_not_editable"
DATES_INVALID = "events.dates_invalid"
SERIES_INVALID = "events.series_invalid"
SERIES_OF_SESSION = "events.series_of_session"
SESSION_OF_SESSION = "events.session_of_session"
TITLE_REQUIRED = "events.title_required"

register_messages(
    {
        SERIES_INVALID: _("Choose weekly, every two weeks or monthly, and 1 to %(limit)s dates."),
        SERIES_OF_SESSION: _("A session cannot repeat on its own: repeat its main event."),
        SESSION_OF_SESSION: _("A session cannot have sessions of its own."),
        TITLE_REQUIRED: _("Please enter a title."),
        FULL: _("Sorry, this event is full."),
        CLOSED: _("Registration for this event has closed."),
        NOT_OPEN_YET: _("Registration for this event is not open yet."),
        BLACKLISTED: _("You cannot register for this event. Reason: %(reason)s"),
        ALREADY_REGISTERED: _("You have already registered for this event."),
        NOT_ALLOWED: _("This event is not open to you."),
        INVITATION_INVALID: _("This invitation code is not valid or has been used up."),
        NOT_PUBLISHED: _("This event is not open for registration."),
        TICKET_UNAVAILABLE: _("This ticket type is not available."),
        TOO_MANY_GUESTS: _("You may bring at most %(limit)s extra guests."),
        ANSWER_REQUIRED: _("Please answer: %(label)s"),
        NAME_REQUIRED: _("Please enter your name."),
        STATUS_CHANGED: _("This registration has changed meanwhile. Reload and try again."),
        REASON_REQUIRED: _("Please give a reason."),
        CAPACITY_BELOW_TAKEN: _("The capacity cannot be lower than the %(taken)s seats taken."),
        EVENT_NOT_EDITABLE: _("A cancelled or rejected event cannot be changed."),
        DATES_INVALID: _("The event must end after it starts."),
    }
)

# 抽奖 (services/lottery.py)
LOTTERY_PRIZE_NAME_REQUIRED = "events.lottery_prize_name_required"
LOTTERY_QUANTITY_INVALID = "events.lottery_quantity_invalid"
LOTTERY_QUANTITY_BELOW_WINNERS = "events.lottery_quantity_below_winners"
LOTTERY_PRIZE_HAS_WINNERS = "events.lottery_prize_has_winners"
LOTTERY_PRIZE_EXHAUSTED = "events.lottery_prize_exhausted"
LOTTERY_COUNT_INVALID = "events.lottery_count_invalid"
LOTTERY_POOL_TOO_SMALL = "events.lottery_pool_too_small"

register_messages(
    {
        LOTTERY_PRIZE_NAME_REQUIRED: _("Please name the prize."),
        LOTTERY_QUANTITY_INVALID: _("The quantity must be between 1 and %(limit)s."),
        LOTTERY_QUANTITY_BELOW_WINNERS: _(
            "The quantity cannot be lower than the %(winners)s winners already drawn."
        ),
        LOTTERY_PRIZE_HAS_WINNERS: _("A prize that has winners cannot be deleted."),
        LOTTERY_PRIZE_EXHAUSTED: _("This prize has all been drawn."),
        LOTTERY_COUNT_INVALID: _("Draw between 1 and %(left)s winners of this prize."),
        LOTTERY_POOL_TOO_SMALL: _(
            "Only %(pool)s checked-in attendees can still win this prize: draw fewer winners."
        ),
    }
)

# --- Online activities (线上活动: walls, gifts, challenges) ------------------------------------
WALL_KIND_INVALID = "events.wall_kind_invalid"
WALL_SIGNATURE_REQUIRED = "events.wall_signature_required"
WALL_TEXT_REQUIRED = "events.wall_text_required"
WALL_TEXT_TOO_LONG = "events.wall_text_too_long"
WALL_PHOTO_REQUIRED = "events.wall_photo_required"
WALL_PHOTO_INVALID = "events.wall_photo_invalid"
WALL_ACTION_INVALID = "events.wall_action_invalid"
GIFT_GONE = "events.gift_gone"
GIFT_CLOSED = "events.gift_closed"
GIFT_ALREADY_CLAIMED = "events.gift_already_claimed"
GIFT_ADDRESS_REQUIRED = "events.gift_address_required"
GIFT_PHONE_INVALID = "events.gift_phone_invalid"
GIFT_STOCK_BELOW_CLAIMED = "events.gift_stock_below_claimed"
GIFT_CLAIM_NOT_CANCELLABLE = "events.gift_claim_not_cancellable"
GIFT_CLAIM_NOT_SHIPPABLE = "events.gift_claim_not_shippable"
GIFT_TRACKING_REQUIRED = "events.gift_tracking_required"
CHALLENGE_NOT_RUNNING = "events.challenge_not_running"
CHALLENGE_AMOUNT_INVALID = "events.challenge_amount_invalid"
CHALLENGE_LIMITS_INVALID = "events.challenge_limits_invalid"

register_messages(
    {
        WALL_KIND_INVALID: _("Choose a blessing or a photo."),
        WALL_SIGNATURE_REQUIRED: _("Please sign your post (your name and class)."),
        WALL_TEXT_REQUIRED: _("Please write your blessing."),
        WALL_TEXT_TOO_LONG: _("The text may have at most %(limit)s characters."),
        WALL_PHOTO_REQUIRED: _("Please choose a photo."),
        WALL_PHOTO_INVALID: _("The photo cannot be used: %(reason)s"),
        WALL_ACTION_INVALID: _("Unknown moderation action."),
        GIFT_GONE: _("Sorry, all the gifts have been claimed."),
        GIFT_CLOSED: _("This gift is not open for claims."),
        GIFT_ALREADY_CLAIMED: _("You have already claimed this gift."),
        GIFT_ADDRESS_REQUIRED: _("Please enter the address to ship the gift to."),
        GIFT_PHONE_INVALID: _("Enter a valid mobile number."),
        GIFT_STOCK_BELOW_CLAIMED: _(
            "The stock cannot be lower than the %(claimed)s gifts claimed."
        ),
        GIFT_CLAIM_NOT_CANCELLABLE: _("This claim can no longer be cancelled."),
        GIFT_CLAIM_NOT_SHIPPABLE: _("Only a claimed gift can be marked as shipped."),
        GIFT_TRACKING_REQUIRED: _("Please enter the tracking number."),
        CHALLENGE_NOT_RUNNING: _("This challenge is not running now."),
        CHALLENGE_AMOUNT_INVALID: _("Enter an amount above 0 and at most %(limit)s %(unit)s."),
        CHALLENGE_LIMITS_INVALID: _(
            "The challenge must end after it starts, and its limits must be above 0."
        ),
    }
)
