"""Console page of SMS invitations to join the organization."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations.forms_membership import SmsInviteForm
from xiaoyou.organizations.services import sms_invites
from xiaoyou.organizations.views.console_members import _invite_result, _org

# --- SMS invitations ---------------------------------------------------------------------------


def member_invite(request: HttpRequest) -> HttpResponse:
    """Invite alumni to join by SMS: numbers typed or pasted, one of the approved templates."""
    org = _org(request)
    form = SmsInviteForm(
        request.POST if request.method == "POST" else None,
        templates=sms_invites.invite_templates(),
    )
    if request.method == "POST" and form.is_valid():
        recipients = form.recipient_list()
        if not recipients:
            form.add_error("recipients", gettext("Enter at least one mobile number."))
        else:
            try:
                result = sms_invites.members_invite_by_sms(
                    actor=request.user,
                    org=org,
                    phones_or_record_ids=recipients,
                    template=form.cleaned_data["template"],
                )
            except ApplicationError as error:
                form.add_error(None, error.text())
            else:
                return _invite_result(request, result)
    return render(
        request,
        "organizations/console/members/invite.html",
        {"org": org, "form": form, "link": sms_invites.join_link(org)},
        status=400 if form.errors else 200,
    )
