"""Models of messaging, one module per concept, re-exported here so that
`from xiaoyou.messaging.models import X` works: email.py (templates, campaigns, per-recipient
messages, suppressions, tracking), sms.py (SMS campaigns, messages, quota), birthdays.py
(birthday greeting settings and log)."""

from xiaoyou.messaging.models.birthdays import *  # noqa: F403
from xiaoyou.messaging.models.email import *  # noqa: F403
from xiaoyou.messaging.models.sms import *  # noqa: F403
