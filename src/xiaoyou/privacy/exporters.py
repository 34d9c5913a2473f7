"""The personal-data exporters of the existing apps, registered by privacy's AppConfig so the
apps themselves need no change (each reads only rows about the person, never another's)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.audit import to_json_value
from xiaoyou.core.registry import PersonalDataExporter, personal_data_exporters


def _rows(queryset: Any, fields: list[str]) -> list[dict[str, Any]]:
    return [
        {name: to_json_value(value) for name, value in row.items()}
        for row in queryset.values(*fields)
    ]


def account_profile(user: Any) -> list[dict[str, Any]]:
    from allauth.account.models import EmailAddress

    emails = ", ".join(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    return [
        {
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "email_addresses": emails,
            "phone": user.phone or "",
            "phone_verified": user.phone_verified,
            "language": user.language,
            "avatar": user.avatar.name if user.avatar else "",
            "date_joined": to_json_value(user.date_joined),
            "last_login": to_json_value(user.last_login),
        }
    ]


def account_logins(user: Any) -> list[dict[str, Any]]:
    from xiaoyou.core.models import AuditEntry

    # The last sign-in, then what the person did as the audit log has it (with the address).
    rows = [{"created_at": to_json_value(user.last_login), "action": "last_login", "ip": ""}]
    entries = AuditEntry.objects.filter(actor_id=user.pk).order_by("-created_at")[:500]
    return rows + _rows(entries, ["created_at", "action", "ip"])


def social_accounts(user: Any) -> list[dict[str, Any]]:
    from allauth.socialaccount.models import SocialAccount

    return _rows(
        SocialAccount.objects.filter(user=user), ["provider", "uid", "date_joined", "last_login"]
    )


def alumni_record(user: Any) -> list[dict[str, Any]]:
    from xiaoyou.alumni.models import AlumniRecord

    fields = [
        "name", "former_name", "english_name", "gender", "birth_date", "student_id",
        "department__name", "major__name", "class_name", "degree_level", "enrollment_year",
        "graduation_year", "phone", "email", "wechat", "address", "city", "province",
        "country", "employer", "position", "industry", "national_id_last4", "verification",
        "custom_data", "created_at", "updated_at",
    ]  # fmt: skip
    return _rows(AlumniRecord.objects.filter(user=user), fields)


def alumni_history(user: Any) -> list[dict[str, Any]]:
    from xiaoyou.alumni.models import RecordChange

    changes = RecordChange.objects.filter(record__user=user).order_by("-created_at", "-id")
    return _rows(changes, ["created_at", "field", "old_value", "new_value", "source"])


def memberships(user: Any) -> list[dict[str, Any]]:
    from xiaoyou.organizations.models import Membership

    fields = ["org__name", "name", "phone", "status", "source", "joined_at", "ended_at", "answers"]
    return _rows(Membership.objects.filter(user=user).order_by("joined_at", "id"), fields)


def join_requests(user: Any) -> list[dict[str, Any]]:
    from xiaoyou.organizations.models import JoinRequest

    fields = ["org__name", "status", "message", "answers", "created_at", "decided_at"]
    return _rows(JoinRequest.objects.filter(user=user).order_by("created_at"), fields)


def notifications(user: Any) -> list[dict[str, Any]]:
    from xiaoyou.core.models import Notification

    fields = ["created_at", "kind", "title", "body", "read_at"]
    return _rows(Notification.objects.filter(user=user).order_by("-created_at"), fields)


def community_posts(user: Any) -> list[dict[str, Any]]:
    from xiaoyou.community.models import BoardMessage, BoardReply, HelpPost, HelpReply

    rows: list[dict[str, Any]] = []
    for message in BoardMessage.objects.filter(author=user).select_related("org"):
        rows.append(
            _post(
                "board_message",
                message.org.name,
                message.title,
                message.body,
                message.created_at,
                message.status,
            )
        )
    for reply in BoardReply.objects.filter(author=user):
        rows.append(_post("board_reply", "", "", reply.body, reply.created_at, ""))
    for post in HelpPost.objects.filter(author=user).select_related("org"):
        rows.append(
            _post(
                "help_post",
                post.org.name,
                post.title,
                post.body,
                post.created_at,
                post.status,
                post.contact,
            )
        )
    for help_reply in HelpReply.objects.filter(author=user):
        rows.append(_post("help_reply", "", "", help_reply.body, help_reply.created_at, ""))
    return rows


def _post(
    kind: str, org: str, title: str, body: str, created_at: Any, status: str, contact: str = ""
) -> dict[str, Any]:
    return {
        "type": kind,
        "organization": org,
        "title": title,
        "body": body,
        "contact": contact,
        "status": status,
        "created_at": to_json_value(created_at),
    }


def campaign_responses(user: Any) -> list[dict[str, Any]]:
    from xiaoyou.alumni.models import CollectionResponse

    fields = ["campaign__title", "created_at", "status", "answers"]
    return _rows(CollectionResponse.objects.filter(user=user).order_by("created_at"), fields)


def consents(user: Any) -> list[dict[str, Any]]:
    from xiaoyou.privacy.models import Consent

    fields = ["purpose", "policy__version", "granted_at", "withdrawn_at", "ip", "user_agent"]
    return _rows(Consent.objects.filter(user=user).order_by("granted_at", "id"), fields)


def register() -> None:
    for order, (key, label, export) in enumerate(
        (
            ("profile", _("Profile"), account_profile),
            ("logins", _("Sign-ins and activity"), account_logins),
            ("social_accounts", _("Linked social accounts"), social_accounts),
            ("alumni_record", _("My alumni record"), alumni_record),
            ("alumni_history", _("Changes to my record"), alumni_history),
            ("memberships", _("Memberships"), memberships),
            ("join_requests", _("Join requests"), join_requests),
            ("notifications", _("Notifications"), notifications),
            ("community_posts", _("Community posts"), community_posts),
            ("campaign_responses", _("Information campaign answers"), campaign_responses),
            ("consents", _("Consents"), consents),
        )
    ):
        personal_data_exporters.add(
            PersonalDataExporter(key=key, label=label, export=export, order=(order + 1) * 10)
        )
