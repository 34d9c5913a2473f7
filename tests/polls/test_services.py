"""Polls services: creating polls (validation, options with images, canvassing links, audit),
the status changes (publish, pause, resume, close, show/hide, delete), voting (limits, the
window, the status, one vote per person, rate limits, the audit trail of a vote, duplicate-vote
flags), the results-visibility rule, and counters that always equal the Vote rows (exactly,
and under concurrent votes on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Sum
from django.utils import timezone, translation

from tests.factories import AlumniRecordFactory, UserFactory
from tests.organizations.org_support import image_upload
from tests.polls.factories import poll_with_options
from xiaoyou.alumni.models import VerificationState
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry
from xiaoyou.polls import errors
from xiaoyou.polls.models import (
    Audience,
    CanvassLink,
    ChoiceKind,
    Poll,
    PollOption,
    PollStatus,
    ResultsVisibility,
    Vote,
    VoteChoice,
)
from xiaoyou.polls.selectors import results_visible
from xiaoyou.polls.services import polls as services
from xiaoyou.polls.services.voting import Origin, keyed_hash, vote_cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def english(error: ApplicationError) -> str:
    with translation.override("en"):
        return error.text()


def _window(**delta):
    now = timezone.now()
    return {"starts_at": now - dt.timedelta(hours=1), "ends_at": now + dt.timedelta(days=1)}


def _ids(poll, *indexes):
    options = list(poll.options.order_by("position"))
    return [options[index].pk for index in indexes]


def assert_counters_match(poll):
    poll.refresh_from_db()
    assert poll.vote_count == Vote.objects.filter(poll=poll).count()
    for option in poll.options.all():
        assert option.vote_count == VoteChoice.objects.filter(option=option).count()
    for link in CanvassLink.objects.filter(poll=poll):
        assert link.vote_count == Vote.objects.filter(canvass_link=link).count()


# --- Create and manage --------------------------------------------------------------------


def test_create_a_poll_with_options_images_and_links(org_tree, college_admin, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    poll = services.poll_create(
        actor=college_admin,
        org=org_tree.club,
        title=" 最美校园景色 ",
        description='<p>选出<b>最美</b></p><script>alert(1)</script><img src="x" onerror="y">',
        kind=ChoiceKind.MULTIPLE,
        min_choices=1,
        max_choices=2,
        audience=Audience.VERIFIED,
        results_visibility=ResultsVisibility.AFTER_VOTE,
        options=[
            {"label": "图书馆", "image": image_upload("a.png")},
            {"label": "荷花池", "description": "夏天最美"},
            {"label": "  "},  # blank rows are left out
            {"label": "樱花大道"},
        ],
        **_window(),
    )
    assert poll.title == "最美校园景色"
    assert poll.status == PollStatus.DRAFT
    assert poll.description == '<p>选出<b>最美</b></p><img src="x">'
    labels = list(poll.options.order_by("position").values_list("label", "position"))
    assert labels == [("图书馆", 0), ("荷花池", 1), ("樱花大道", 2)]
    first = poll.options.get(label="图书馆")
    assert first.image.name.startswith("polls/options/") and first.image.name.endswith(".png")
    # Each option gets the organizer's canvassing link.
    assert CanvassLink.objects.filter(poll=poll, sharer__isnull=True).count() == 3
    entry = AuditEntry.objects.get(action="polls.poll.create")
    assert entry.actor_id == college_admin.pk and entry.org_id == org_tree.club.pk


def test_option_image_must_be_an_image(org_tree, college_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ApplicationError) as error:
        services.poll_create(
            actor=college_admin,
            org=org_tree.college,
            title="投票",
            options=[
                {"label": "甲", "image": SimpleUploadedFile("a.png", b"<html>not an image")},
                {"label": "乙"},
            ],
            **_window(),
        )
    assert error.value.code == errors.IMAGE_INVALID
    assert not Poll.objects.exists()


@pytest.mark.parametrize(
    ("fields", "options", "code"),
    [
        ({"title": "  "}, ["甲", "乙"], errors.TITLE_REQUIRED),
        ({}, ["甲"], errors.OPTIONS_REQUIRED),
        ({"kind": ChoiceKind.MULTIPLE, "min_choices": 2, "max_choices": 4}, ["甲", "乙", "丙"],
         errors.LIMITS_INVALID),
        ({"kind": ChoiceKind.MULTIPLE, "min_choices": 3, "max_choices": 2}, ["甲", "乙", "丙"],
         errors.LIMITS_INVALID),
        ({"ends_at": timezone.now() - dt.timedelta(days=1)}, ["甲", "乙"], errors.DATES_INVALID),
    ],
)  # fmt: skip
def test_bad_polls_are_refused(org_tree, college_admin, fields, options, code):
    values = {"title": "投票", **_window(), **fields}
    with pytest.raises(ApplicationError) as error:
        services.poll_create(
            actor=college_admin,
            org=org_tree.college,
            options=[{"label": label} for label in options],
            **values,
        )
    assert error.value.code == code
    assert not Poll.objects.exists()


def test_single_choice_always_means_exactly_one(org_tree, college_admin):
    poll = services.poll_create(
        actor=college_admin,
        org=org_tree.college,
        title="投票",
        kind=ChoiceKind.SINGLE,
        min_choices=2,
        max_choices=3,
        options=[{"label": "甲"}, {"label": "乙"}, {"label": "丙"}],
        **_window(),
    )
    assert (poll.min_choices, poll.max_choices) == (1, 1)


def test_status_changes_and_their_audit(org_tree, college_admin):
    poll = poll_with_options(org_tree.college, status=PollStatus.DRAFT)
    for action, status in [
        ("publish", PollStatus.PUBLISHED),
        ("pause", PollStatus.PAUSED),
        ("resume", PollStatus.PUBLISHED),
        ("close", PollStatus.CLOSED),
    ]:
        poll = services.poll_transition(actor=college_admin, poll=poll, action=action)
        assert poll.status == status
    assert poll.published_at is not None and poll.closed_at is not None
    actions = list(
        AuditEntry.objects.filter(object_id=str(poll.pk), action__startswith="polls.poll.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-4:] == [
        "polls.poll.publish",
        "polls.poll.pause",
        "polls.poll.resume",
        "polls.poll.close",
    ]
    with pytest.raises(ApplicationError) as error:
        services.poll_resume(actor=college_admin, poll=poll)
    assert error.value.code == errors.STATUS_CHANGE_INVALID
    assert english(error.value) == "The poll cannot go from Closed to Published."


def test_hide_show_delete_and_edit(org_tree, college_admin):
    poll = poll_with_options(org_tree.college)
    services.poll_set_visible(actor=college_admin, poll=poll, is_visible=False)
    assert Poll.objects.get(pk=poll.pk).is_visible is False
    services.poll_set_visible(actor=college_admin, poll=poll, is_visible=True)
    assert Poll.objects.get(pk=poll.pk).is_visible is True
    options = list(poll.options.order_by("position"))
    services.poll_update(
        actor=college_admin,
        poll=poll,
        title="新标题",
        options=[
            {"id": options[1].pk, "label": "李老师（数学）"},
            {"id": options[0].pk, "label": "张老师"},
        ],
    )
    poll.refresh_from_db()
    assert poll.title == "新标题"
    assert list(poll.options.order_by("position").values_list("label", flat=True)) == [
        "李老师（数学）",
        "张老师",
    ]
    services.poll_delete(actor=college_admin, poll=poll)
    assert Poll.objects.get(pk=poll.pk).deleted_at is not None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "polls.poll.hide",
        "polls.poll.show",
        "polls.poll.update",
        "polls.poll.delete",
    } <= actions


def test_an_option_with_votes_is_never_removed(org_tree, college_admin, verified_alumnus):
    poll = poll_with_options(org_tree.college, labels=("甲", "乙", "丙"))
    vote_cast(actor=verified_alumnus, poll=poll, option_ids=_ids(poll, 2))
    options = list(poll.options.order_by("position"))
    with pytest.raises(ApplicationError) as error:
        services.poll_update(
            actor=college_admin,
            poll=poll,
            options=[{"id": options[0].pk, "label": "甲"}, {"id": options[1].pk, "label": "乙"}],
        )
    assert error.value.code == errors.OPTION_HAS_VOTES
    assert poll.options.count() == 3


@pytest.mark.parametrize("persona", ["regional_admin", "verified_alumnus", "outsider"])
def test_only_admins_of_the_org_or_above_manage(request, org_tree, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.poll_create(
            actor=user,
            org=org_tree.college,
            title="投票",
            options=[{"label": "甲"}, {"label": "乙"}],
            **_window(),
        )
    poll = poll_with_options(org_tree.club)
    for call in (
        lambda: services.poll_pause(actor=user, poll=poll),
        lambda: services.poll_delete(actor=user, poll=poll),
        lambda: services.poll_update(actor=user, poll=poll, title="改"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert Poll.objects.get(pk=poll.pk).status == PollStatus.PUBLISHED


def test_a_college_admin_manages_the_polls_of_its_club(org_tree, college_admin):
    poll = poll_with_options(org_tree.club)
    services.poll_pause(actor=college_admin, poll=poll)
    assert Poll.objects.get(pk=poll.pk).status == PollStatus.PAUSED


# --- Voting ---------------------------------------------------------------------------------


def test_a_vote_counts_and_keeps_its_trail(org_tree, verified_alumnus):
    department_record = AlumniRecordFactory(
        org=org_tree.root,
        user=verified_alumnus,
        verification=VerificationState.VERIFIED,
        enrollment_year=2008,
    )
    poll = poll_with_options(org_tree.college)
    vote = vote_cast(
        actor=verified_alumnus,
        poll=poll,
        option_ids=_ids(poll, 1),
        origin=Origin(ip="203.0.113.7", user_agent="Mozilla/5.0 MicroMessenger", device_id="d1"),
    )
    assert vote.ip_hash == keyed_hash("203.0.113.7") and len(vote.ip_hash) == 64
    assert "203.0.113.7" not in vote.ip_hash
    assert vote.device_hash == keyed_hash("d1")
    assert vote.user_agent_hash == keyed_hash("Mozilla/5.0 MicroMessenger")
    assert vote.is_verified is True and vote.class_year == 2008
    assert vote.department == department_record.department.name
    assert vote.is_flagged is False
    assert list(vote.choices.values_list("option_id", flat=True)) == _ids(poll, 1)
    poll.refresh_from_db()
    assert poll.vote_count == 1
    assert [o.vote_count for o in poll.options.order_by("position")] == [0, 1, 0]


def test_one_vote_per_person(org_tree, verified_alumnus):
    poll = poll_with_options(org_tree.college)
    vote_cast(actor=verified_alumnus, poll=poll, option_ids=_ids(poll, 0))
    with pytest.raises(ApplicationError) as error:
        vote_cast(actor=verified_alumnus, poll=poll, option_ids=_ids(poll, 1))
    assert error.value.code == errors.ALREADY_VOTED
    assert error.value.status == 409
    assert english(error.value) == "You have already voted in this poll."
    assert_counters_match(poll)
    assert poll.vote_count == 1


def test_the_unique_constraint_refuses_a_second_vote_that_slipped_past_the_check(
    org_tree, verified_alumnus, monkeypatch
):
    """Two requests racing: both pass the "already voted?" read; the constraint decides."""
    from xiaoyou.polls.services import voting

    poll = poll_with_options(org_tree.college)
    vote_cast(actor=verified_alumnus, poll=poll, option_ids=_ids(poll, 0))

    real = Vote.objects

    class NeverVoted:
        def filter(self, **kwargs):
            return self

        def exists(self):
            return False

        def create(self, **kwargs):
            return real.create(**kwargs)

    monkeypatch.setattr(voting.Vote, "objects", NeverVoted())
    with pytest.raises(ApplicationError) as error:
        vote_cast(actor=verified_alumnus, poll=poll, option_ids=_ids(poll, 1))
    monkeypatch.undo()
    assert error.value.code == errors.ALREADY_VOTED
    assert_counters_match(poll)


@pytest.mark.parametrize(
    ("chosen", "code"),
    [
        ((), errors.TOO_FEW_CHOICES),
        ((0, 1, 2), errors.TOO_MANY_CHOICES),
    ],
)
def test_selection_limits_of_multiple_choice(org_tree, verified_alumnus, chosen, code):
    poll = poll_with_options(
        org_tree.college,
        labels=("甲", "乙", "丙", "丁"),
        kind=ChoiceKind.MULTIPLE,
        min_choices=1,
        max_choices=2,
    )
    with pytest.raises(ApplicationError) as error:
        vote_cast(actor=verified_alumnus, poll=poll, option_ids=_ids(poll, *chosen))
    assert error.value.code == code
    assert not Vote.objects.exists()
    vote = vote_cast(actor=verified_alumnus, poll=poll, option_ids=_ids(poll, 0, 3))
    assert sorted(vote.choices.values_list("option_id", flat=True)) == sorted(_ids(poll, 0, 3))
    assert_counters_match(poll)


def test_single_choice_takes_exactly_one(org_tree, verified_alumnus):
    poll = poll_with_options(org_tree.college)
    with pytest.raises(ApplicationError) as error:
        vote_cast(actor=verified_alumnus, poll=poll, option_ids=_ids(poll, 0, 1))
    assert error.value.code == errors.TOO_MANY_CHOICES
    assert english(error.value) == "Choose at most 1 options."


def test_options_of_another_poll_or_repeated_are_refused(org_tree, verified_alumnus):
    poll = poll_with_options(org_tree.college, kind=ChoiceKind.MULTIPLE, max_choices=2)
    other = poll_with_options(org_tree.college)
    for ids in (_ids(other, 0), [_ids(poll, 0)[0]] * 2, [999_999]):
        with pytest.raises(ApplicationError) as error:
            vote_cast(actor=verified_alumnus, poll=poll, option_ids=ids)
        assert error.value.code == errors.OPTION_INVALID
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    ("status", "window", "code"),
    [
        (PollStatus.DRAFT, 0, errors.NOT_ALLOWED),  # a draft is not even visible
        (PollStatus.PAUSED, 0, errors.PAUSED),
        (PollStatus.CLOSED, 0, errors.ENDED),
        (PollStatus.PUBLISHED, 1, errors.NOT_STARTED),
        (PollStatus.PUBLISHED, -1, errors.ENDED),
    ],
)
def test_votes_only_while_published_and_inside_the_window(
    org_tree, verified_alumnus, status, window, code
):
    now = timezone.now()
    fields = {}
    if window == 1:
        fields = {"starts_at": now + dt.timedelta(hours=1), "ends_at": now + dt.timedelta(days=1)}
    if window == -1:
        fields = {"starts_at": now - dt.timedelta(days=2), "ends_at": now - dt.timedelta(days=1)}
    poll = poll_with_options(org_tree.college, status=status, **fields)
    with pytest.raises(ApplicationError) as error:
        vote_cast(actor=verified_alumnus, poll=poll, option_ids=_ids(poll, 0))
    assert error.value.code == code
    assert not Vote.objects.exists()
    assert Poll.objects.get(pk=poll.pk).vote_count == 0


def test_a_poll_paused_after_the_page_was_loaded_refuses_the_vote(
    org_tree, college_admin, verified_alumnus
):
    poll = poll_with_options(org_tree.college)
    stale = Poll.objects.get(pk=poll.pk)  # the voter's copy, loaded before the pause
    services.poll_pause(actor=college_admin, poll=poll)
    with pytest.raises(ApplicationError) as error:
        vote_cast(actor=verified_alumnus, poll=stale, option_ids=_ids(poll, 0))
    assert error.value.code == errors.PAUSED
    assert not Vote.objects.exists()
    services.poll_resume(actor=college_admin, poll=poll)
    vote_cast(actor=verified_alumnus, poll=stale, option_ids=_ids(poll, 0))
    assert_counters_match(poll)


@pytest.mark.parametrize(
    ("audience", "allowed", "refused"),
    [
        (Audience.SIGNED_IN, ["verified_alumnus", "unverified_user", "outsider"], []),
        (Audience.VERIFIED, ["verified_alumnus"], ["unverified_user", "outsider"]),
        (Audience.MEMBERS, ["verified_alumnus"], ["unverified_user", "outsider"]),
    ],
)
def test_who_may_vote(request, org_tree, audience, allowed, refused):
    verified = request.getfixturevalue("verified_alumnus")
    AlumniRecordFactory(org=org_tree.root, user=verified, verification=VerificationState.VERIFIED)
    poll = poll_with_options(org_tree.college, audience=audience)
    for persona in allowed:
        vote_cast(actor=request.getfixturevalue(persona), poll=poll, option_ids=_ids(poll, 0))
    for persona in refused:
        with pytest.raises(ApplicationError) as error:
            vote_cast(actor=request.getfixturevalue(persona), poll=poll, option_ids=_ids(poll, 0))
        assert error.value.code == errors.NOT_ALLOWED
        assert english(error.value) == "This poll is not open to you."
    assert Poll.objects.get(pk=poll.pk).vote_count == len(allowed)


def test_an_unverified_member_of_another_org_may_not_vote_in_a_members_poll(
    org_tree, regional_admin
):
    poll = poll_with_options(org_tree.college, audience=Audience.MEMBERS)
    with pytest.raises(ApplicationError):
        vote_cast(actor=regional_admin, poll=poll, option_ids=_ids(poll, 0))


def test_rate_limit_per_person_and_per_ip(org_tree, monkeypatch):
    from xiaoyou.polls.services import voting

    monkeypatch.setattr(voting, "IP_RATES", ((3, 60),))
    polls = [poll_with_options(org_tree.college) for _ in range(2)]
    voters = [UserFactory() for _ in range(4)]
    origin = Origin(ip="198.51.100.1")
    for voter in voters[:3]:
        vote_cast(actor=voter, poll=polls[0], option_ids=_ids(polls[0], 0), origin=origin)
    with pytest.raises(ApplicationError) as error:
        vote_cast(actor=voters[3], poll=polls[0], option_ids=_ids(polls[0], 0), origin=origin)
    assert error.value.code == "rate_limited" and error.value.status == 429
    # Another address is not held back.
    vote_cast(
        actor=voters[3],
        poll=polls[0],
        option_ids=_ids(polls[0], 0),
        origin=Origin(ip="198.51.100.2"),
    )

    monkeypatch.setattr(voting, "USER_RATES", ((1, 60),))
    voter = UserFactory()
    vote_cast(
        actor=voter, poll=polls[1], option_ids=_ids(polls[1], 0), origin=Origin(ip="192.0.2.9")
    )
    third = poll_with_options(org_tree.college)
    with pytest.raises(ApplicationError) as error:
        vote_cast(
            actor=voter, poll=third, option_ids=_ids(third, 0), origin=Origin(ip="192.0.2.10")
        )
    assert error.value.code == "rate_limited"


def test_many_accounts_from_one_browser_or_address_are_flagged(org_tree):
    poll = poll_with_options(org_tree.college)
    first = vote_cast(
        actor=UserFactory(),
        poll=poll,
        option_ids=_ids(poll, 0),
        origin=Origin(ip="10.0.0.1", device_id="phone-1"),
    )
    assert first.is_flagged is False
    second = vote_cast(
        actor=UserFactory(),
        poll=poll,
        option_ids=_ids(poll, 0),
        origin=Origin(ip="10.0.0.2", device_id="phone-1"),
    )
    assert second.is_flagged is True and second.flag_reason == "device"
    first.refresh_from_db()
    assert first.is_flagged is True and first.flag_reason == "device"
    # One address: flagged from the third account on (offices share addresses).
    office = [
        vote_cast(
            actor=UserFactory(),
            poll=poll,
            option_ids=_ids(poll, 1),
            origin=Origin(ip="10.9.9.9", device_id=f"pc-{n}"),
        )
        for n in range(3)
    ]
    assert [vote.is_flagged for vote in office] == [False, False, True]
    assert Vote.objects.filter(poll=poll, is_flagged=True, flag_reason="ip").count() == 3
    # Votes older than the window do not count.
    Vote.objects.filter(poll=poll).update(created_at=timezone.now() - dt.timedelta(hours=1))
    later = vote_cast(
        actor=UserFactory(),
        poll=poll,
        option_ids=_ids(poll, 2),
        origin=Origin(ip="10.9.9.9", device_id="pc-9"),
    )
    assert later.is_flagged is False
    assert_counters_match(poll)


# --- Results visibility ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "before_vote", "after_vote", "after_close"),
    [
        (ResultsVisibility.ALWAYS, True, True, True),
        (ResultsVisibility.AFTER_VOTE, False, True, True),
        (ResultsVisibility.AFTER_CLOSE, False, False, True),
        (ResultsVisibility.STAFF, False, False, False),
    ],
)
def test_results_visibility(org_tree, verified_alumnus, college_admin, regional_admin, rule, before_vote, after_vote, after_close):  # fmt: skip
    poll = poll_with_options(org_tree.college, results_visibility=rule)
    assert results_visible(verified_alumnus, poll, has_voted=False) is before_vote
    assert results_visible(verified_alumnus, poll, has_voted=True) is after_vote
    assert results_visible(regional_admin, poll, has_voted=False) is before_vote
    assert results_visible(college_admin, poll, has_voted=False) is True  # managers always
    poll.status = PollStatus.CLOSED
    assert results_visible(verified_alumnus, poll, has_voted=False) is after_close
    poll.status = PollStatus.PUBLISHED
    poll.ends_at = timezone.now() - dt.timedelta(seconds=1)  # past its end counts as over
    assert results_visible(verified_alumnus, poll, has_voted=False) is after_close


# --- Exact totals -------------------------------------------------------------------------


def test_totals_equal_the_vote_rows_exactly(org_tree):
    poll = poll_with_options(
        org_tree.college,
        labels=("甲", "乙", "丙", "丁"),
        kind=ChoiceKind.MULTIPLE,
        min_choices=1,
        max_choices=3,
    )
    picks = [(0,), (0, 1), (1, 2, 3), (3,), (0, 3), (2,), (0, 1, 2)] * 5
    for index, chosen in enumerate(picks):
        vote_cast(
            actor=UserFactory(),
            poll=poll,
            option_ids=_ids(poll, *chosen),
            origin=Origin(ip=f"10.1.{index}.1"),
        )
    assert_counters_match(poll)
    assert poll.vote_count == 35
    expected = [sum(index in chosen for chosen in picks) for index in range(4)]
    assert expected == [20, 15, 15, 15]
    assert [o.vote_count for o in poll.options.order_by("position")] == expected
    assert PollOption.objects.filter(poll=poll).aggregate(n=Sum("vote_count"))["n"] == 65


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="concurrency of counters is proven on PostgreSQL (DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_never_lose_a_count(org_tree):
    """Twenty voters at once (threads, each with its own connection), one of them twice."""
    poll = poll_with_options(org_tree.college, kind=ChoiceKind.MULTIPLE, max_choices=2)
    link = CanvassLink.objects.filter(poll=poll).order_by("option__position").first()
    voters = [UserFactory() for _ in range(19)]
    voters.append(voters[0])
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(voters))

    def vote(index, voter):
        try:
            barrier.wait()
            vote_cast(
                actor=voter,
                poll=poll,
                option_ids=_ids(poll, index % 3, (index + 1) % 3),
                link_token=link.token,
                origin=Origin(ip=f"10.2.{index}.1"),
            )
            result = "ok"
        except ApplicationError as error:
            result = error.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=vote, args=(i, voter)) for i, voter in enumerate(voters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted(["ok"] * 19 + [errors.ALREADY_VOTED])
    assert_counters_match(poll)
    assert poll.vote_count == 19
    assert sum(o.vote_count for o in poll.options.all()) == 38
    link.refresh_from_db()
    assert link.vote_count == 19
