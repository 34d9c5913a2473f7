"""Lottery (抽奖): the documented pick (fixed vector, determinism), the pool rules (confirmed and
checked in, no second win unless allowed), quantity and count limits, verification against a
tampered pool or seed, the prize lock, audit and notification, permissions, console pages."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.db.models.query import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from tests.events.factories import EventFactory, RegistrationFactory, TicketTypeFactory
from tests.organizations.org_support import console_login
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry, Notification
from xiaoyou.events import errors
from xiaoyou.events.models import (
    LotteryDraw,
    LotteryPrize,
    LotteryWinner,
    RegistrationStatus,
)
from xiaoyou.events.services import lottery

pytestmark = pytest.mark.django_db

SEED = "a" * 64
HEADERS = ("Prize", "Order drawn", "Name", "Mobile phone")


# --- The pick itself ---------------------------------------------------------------------


def test_winners_pick_fixed_vector():
    # Re-computable anywhere: printf 'aaa…a:3' | sha256sum gives the lowest digest of 1..10.
    assert lottery.ticket_digest(SEED, 3) == (
        "619ebc53dd3bede34d0b1580fe77456b39d059e459d5d45a1a1e7bf1d0bab64e"
    )
    assert lottery.winners_pick(SEED, list(range(1, 11)), 3) == [3, 2, 10]
    assert lottery.winners_pick(SEED, list(range(1, 11)), 10) == [3, 2, 10, 7, 1, 4, 6, 5, 9, 8]
    assert lottery.pool_text([1, 2, 10]) == "1,2,10"
    assert lottery.pool_digest(list(range(1, 11))) == (
        "d10434d8c3b61a402e8c5a9f2e64e628b1e9f8c1dd747e7f480dbe57eb79c425"
    )


def test_winners_pick_is_deterministic_and_follows_the_documented_rule():
    pool = [5, 17, 23, 42, 99, 120]
    seed = "0123456789abcdef" * 4
    expected = sorted(pool, key=lambda i: hashlib.sha256(f"{seed}:{i}".encode()).hexdigest())
    assert lottery.winners_pick(seed, pool, 4) == expected[:4]
    assert lottery.winners_pick(seed, list(reversed(pool)), 4) == expected[:4]  # order-free
    assert lottery.winners_pick(seed, pool, 0) == []
    assert lottery.winners_pick(seed, pool, 99) == expected
    assert lottery.winners_pick("b" * 64, pool, 6) != expected  # another seed, another order


# --- Fixtures ----------------------------------------------------------------------------


@pytest.fixture
def event(org_tree):
    return EventFactory(org=org_tree.college, title="校庆晚宴")


def attendee(event, name, *, checked_in=True, status=RegistrationStatus.CONFIRMED, **fields):
    ticket = fields.pop("ticket_type", None) or TicketTypeFactory(event=event)
    return RegistrationFactory(
        event=event,
        ticket_type=ticket,
        name=name,
        status=status,
        checked_in_at=timezone.now() if checked_in else None,
        **fields,
    )


@pytest.fixture
def crowd(event):
    """Four who may win, and three who may not (not checked in, waitlisted, cancelled)."""
    eligible = [attendee(event, name) for name in ("王一", "李二", "张三", "赵四")]
    attendee(event, "未签到", checked_in=False)
    attendee(event, "候补", status=RegistrationStatus.WAITLISTED, checked_in=False)
    attendee(event, "已取消", status=RegistrationStatus.CANCELLED)
    return eligible


def _prize(event, actor, name="一等奖", quantity=1, **fields):
    return lottery.prize_create(actor=actor, event=event, name=name, quantity=quantity, **fields)


def _fixed_seed(monkeypatch, seed=SEED):
    monkeypatch.setattr(lottery.secrets, "token_hex", lambda size: seed)


# --- Pool and draws ----------------------------------------------------------------------


def test_pool_is_confirmed_and_checked_in_attendees_in_id_order(event, crowd, college_admin):
    prize = _prize(event, college_admin, quantity=3)
    assert lottery.lottery_pool(prize) == sorted(r.pk for r in crowd)


def test_draw_records_seed_pool_digest_and_winners(event, crowd, college_admin, monkeypatch):
    _fixed_seed(monkeypatch)
    prize = _prize(event, college_admin, quantity=3)
    draw = lottery.lottery_draw(actor=college_admin, prize=prize, count=2)
    pool = sorted(r.pk for r in crowd)
    assert (draw.seed, draw.pool, draw.count, draw.drawn_by) == (SEED, pool, 2, college_admin)
    assert draw.pool_digest == hashlib.sha256(",".join(map(str, pool)).encode()).hexdigest()
    winners = list(draw.winners.order_by("position").values_list("registration_id", "position"))
    assert winners == [
        (pk, index) for index, pk in enumerate(lottery.winners_pick(SEED, pool, 2), 1)
    ]
    assert lottery.lottery_verify(draw=draw) is True
    entry = AuditEntry.objects.get(action="events.lottery_draw")
    assert (entry.object_id, entry.org_id, entry.changes["seed"]) == (
        str(draw.pk),
        event.org_id,
        SEED,
    )
    assert entry.changes["winners"] == [pk for pk, _position in winners]


def test_nobody_wins_twice_unless_the_prize_allows_it(event, crowd, college_admin):
    first = _prize(event, college_admin, "一等奖", quantity=2)
    second = _prize(event, college_admin, "二等奖", quantity=2)
    grand = _prize(event, college_admin, "特别奖", quantity=4, allow_previous_winners=True)
    draw = lottery.lottery_draw(actor=college_admin, prize=first, count=2)
    won = {winner.registration_id for winner in draw.winners.all()}
    assert set(lottery.lottery_pool(second)) == {r.pk for r in crowd} - won
    again = lottery.lottery_draw(actor=college_admin, prize=second, count=2)
    assert not won & {winner.registration_id for winner in again.winners.all()}
    # Everyone has won once: no pool left for a prize without earlier winners...
    third = _prize(event, college_admin, "三等奖", quantity=1)
    with pytest.raises(ApplicationError) as caught:
        lottery.lottery_draw(actor=college_admin, prize=third, count=1)
    assert (caught.value.code, caught.value.params) == (errors.LOTTERY_POOL_TOO_SMALL, {"pool": 0})
    # ...while the prize that allows earlier winners draws among all four, once each.
    assert lottery.lottery_pool(grand) == sorted(r.pk for r in crowd)
    lottery.lottery_draw(actor=college_admin, prize=grand, count=3)
    assert lottery.lottery_pool(grand) == sorted(
        set(lottery.lottery_pool(grand))
    )  # still ascending
    assert len(lottery.lottery_pool(grand)) == 1
    assert LotteryWinner.objects.filter(prize=grand).count() == 3


def test_quantity_and_count_limits(event, crowd, college_admin):
    prize = _prize(event, college_admin, quantity=2)
    for count, code, params in (
        (0, errors.LOTTERY_COUNT_INVALID, {"left": 2}),
        (3, errors.LOTTERY_COUNT_INVALID, {"left": 2}),
        (-1, errors.LOTTERY_COUNT_INVALID, {"left": 2}),
    ):
        with pytest.raises(ApplicationError) as caught:
            lottery.lottery_draw(actor=college_admin, prize=prize, count=count)
        assert (caught.value.code, caught.value.params) == (code, params)
    lottery.lottery_draw(actor=college_admin, prize=prize, count=1)
    with pytest.raises(ApplicationError) as caught:
        lottery.lottery_draw(actor=college_admin, prize=prize, count=2)
    assert caught.value.params == {"left": 1}
    lottery.lottery_draw(actor=college_admin, prize=prize, count=1)
    with pytest.raises(ApplicationError) as caught:
        lottery.lottery_draw(actor=college_admin, prize=prize, count=1)
    assert caught.value.code == errors.LOTTERY_PRIZE_EXHAUSTED
    assert LotteryDraw.objects.count() == 2 and LotteryWinner.objects.count() == 2


def test_pool_smaller_than_count_is_refused_with_a_clear_message(event, college_admin):
    attendee(event, "唯一")
    prize = _prize(event, college_admin, quantity=5)
    with pytest.raises(ApplicationError) as caught:
        lottery.lottery_draw(actor=college_admin, prize=prize, count=2)
    assert caught.value.code == errors.LOTTERY_POOL_TOO_SMALL
    with translation.override("en"):
        assert caught.value.text() == (
            "Only 1 checked-in attendees can still win this prize: draw fewer winners."
        )
    assert not LotteryDraw.objects.exists()


def test_verify_detects_a_tampered_pool_seed_or_winner(event, crowd, college_admin, monkeypatch):
    _fixed_seed(monkeypatch)
    prize = _prize(event, college_admin, quantity=2)
    draw = lottery.lottery_draw(actor=college_admin, prize=prize, count=2)
    pool = list(draw.pool)
    assert lottery.lottery_verify(draw=draw)

    draw.pool = pool[:-1]  # someone left out of the pool
    assert lottery.lottery_verify(draw=draw) is False
    draw.pool = list(reversed(pool))  # same ids, not in ascending order
    assert lottery.lottery_verify(draw=draw) is False
    draw.pool = pool
    draw.pool_digest = "0" * 64
    assert lottery.lottery_verify(draw=draw) is False
    draw.pool_digest = lottery.pool_digest(pool)
    other = "b" * 64  # a seed that ranks the winners differently
    assert lottery.winners_pick(other, pool, 2) != lottery.winners_pick(SEED, pool, 2)
    draw.seed = other
    assert lottery.lottery_verify(draw=draw) is False
    draw.seed = SEED
    assert lottery.lottery_verify(draw=draw) is True

    LotteryDraw.objects.filter(pk=draw.pk).update(seed=other)
    assert lottery.lottery_verify(draw=LotteryDraw.objects.get(pk=draw.pk)) is False
    LotteryDraw.objects.filter(pk=draw.pk).update(seed=SEED)
    first = draw.winners.get(position=1)
    first.position = 3  # the recorded order changed
    first.save(update_fields=["position"])
    assert lottery.lottery_verify(draw=LotteryDraw.objects.get(pk=draw.pk)) is False


def test_draw_locks_the_prize_rows(event, crowd, college_admin, monkeypatch):
    locked: list[type] = []
    original = QuerySet.select_for_update

    def spy(self, *args, **kwargs):
        locked.append(self.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    prize = _prize(event, college_admin)
    locked.clear()
    lottery.lottery_draw(actor=college_admin, prize=prize, count=1)
    assert locked[0] is LotteryPrize  # first, before the pool is read (then the audit chain)


def test_winners_are_notified_in_app(event, crowd, college_admin):
    prize = _prize(event, college_admin, "电饭煲", quantity=4)
    draw = lottery.lottery_draw(actor=college_admin, prize=prize, count=4)
    users = {winner.registration.user_id for winner in draw.winners.select_related("registration")}
    rows = Notification.objects.filter(kind=lottery.WON)
    assert {row.user_id for row in rows} == users
    one = rows.get(user=crowd[0].user)
    with translation.override("zh-hans"):  # the user's language (the site's default)
        assert one.title == translation.gettext("You won %(prize_name)s!") % {
            "prize_name": "电饭煲"
        }
    assert "校庆晚宴" in one.body and "王一" in one.body
    assert one.url == reverse("hall:event", args=[event.pk])


# --- Prizes ------------------------------------------------------------------------------


def test_prize_create_update_delete_with_audit(event, crowd, college_admin):
    prize = _prize(event, college_admin, "  一等奖 ", quantity=2, description="扫地机器人")
    assert (prize.name, prize.quantity, prize.position) == ("一等奖", 2, 1)
    assert _prize(event, college_admin, "二等奖").position == 2
    lottery.prize_update(
        actor=college_admin, prize=prize, name="特等奖", quantity=3, allow_previous_winners=True
    )
    prize.refresh_from_db()
    assert (prize.name, prize.quantity, prize.allow_previous_winners) == ("特等奖", 3, True)
    lottery.lottery_draw(actor=college_admin, prize=prize, count=2)
    with pytest.raises(ApplicationError) as caught:
        lottery.prize_update(actor=college_admin, prize=prize, name="特等奖", quantity=1)
    assert (caught.value.code, caught.value.params) == (
        errors.LOTTERY_QUANTITY_BELOW_WINNERS,
        {"winners": 2},
    )
    with pytest.raises(ApplicationError) as caught:
        lottery.prize_delete(actor=college_admin, prize=prize)
    assert caught.value.code == errors.LOTTERY_PRIZE_HAS_WINNERS
    spare = LotteryPrize.objects.get(name="二等奖")
    lottery.prize_delete(actor=college_admin, prize=spare)
    assert list(LotteryPrize.objects.values_list("name", flat=True)) == ["特等奖"]
    actions = list(
        AuditEntry.objects.filter(action__startswith="events.lottery").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == sorted(
        [
            "events.lottery_prize_create",
            "events.lottery_prize_create",
            "events.lottery_prize_update",
            "events.lottery_draw",
            "events.lottery_prize_delete",
        ]
    )


@pytest.mark.parametrize(
    ("name", "quantity", "code"),
    [
        ("  ", 1, errors.LOTTERY_PRIZE_NAME_REQUIRED),
        ("奖", 0, errors.LOTTERY_QUANTITY_INVALID),
        ("奖", lottery.QUANTITY_LIMIT + 1, errors.LOTTERY_QUANTITY_INVALID),
    ],
)
def test_prize_bad_input(event, college_admin, name, quantity, code):
    with pytest.raises(ApplicationError) as caught:
        _prize(event, college_admin, name, quantity=quantity)
    assert caught.value.code == code
    assert not LotteryPrize.objects.exists()


# --- Permissions -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["platform_admin", "college_admin"])
def test_managers_may_draw(request, event, crowd, persona):
    user = request.getfixturevalue(persona)
    prize = _prize(event, user)
    assert lottery.lottery_draw(actor=user, prize=prize, count=1).count == 1


@pytest.mark.parametrize(
    "persona", ["regional_admin", "verified_alumnus", "unverified_user", "outsider"]
)
def test_others_may_not_touch_the_lottery(request, event, crowd, college_admin, persona):
    from django.core.exceptions import PermissionDenied

    user = request.getfixturevalue(persona)
    prize = _prize(event, college_admin)
    with pytest.raises(PermissionDenied):
        lottery.lottery_draw(actor=user, prize=prize, count=1)
    with pytest.raises(PermissionDenied):
        _prize(event, user)
    with pytest.raises(PermissionDenied):
        lottery.prize_update(actor=user, prize=prize, name="x", quantity=1)
    with pytest.raises(PermissionDenied):
        lottery.prize_delete(actor=user, prize=prize)
    assert not LotteryDraw.objects.exists()


def test_college_admin_of_another_college_is_refused(org_tree, college_admin):
    other = EventFactory(org=org_tree.other_college)
    attendee(other, "他院校友")
    from django.core.exceptions import PermissionDenied

    prize = LotteryPrize.objects.create(event=other, name="一等奖", quantity=1)
    with pytest.raises(PermissionDenied):
        lottery.lottery_draw(actor=college_admin, prize=prize, count=1)


# --- Console pages -----------------------------------------------------------------------


def _url(name, event, *args):
    return reverse(f"console:{name}", args=[event.pk, *args])


def test_lottery_page_lists_prizes_draws_and_winners(client, event, crowd, college_admin):
    crowd[0].phone = "13812345678"
    crowd[0].save(update_fields=["phone"])
    prize = _prize(event, college_admin, "一等奖", quantity=4)
    lottery.lottery_draw(actor=college_admin, prize=prize, count=4)
    console_login(client, college_admin)
    response = client.get(_url("event_lottery", event))
    assert response.status_code == 200
    html = response.content.decode()
    assert [row.winners for row in response.context["prizes"]] == [4]
    assert [item["is_verified"] for item in response.context["draws"]] == [True]
    assert response.context["checked_in"] == 4
    assert "138****5678" in html and "13812345678" not in html
    assert 'data-verified="yes"' in html
    assert {w.registration.name for w in response.context["winners"]} == {
        "王一",
        "李二",
        "张三",
        "赵四",
    }


def test_lottery_page_query_count_is_fixed(
    client, event, college_admin, django_assert_max_num_queries
):
    console_login(client, college_admin)
    people = [attendee(event, f"校友{i}") for i in range(3)]
    prize = _prize(event, college_admin, quantity=30)
    lottery.lottery_draw(actor=college_admin, prize=prize, count=1)
    with django_assert_max_num_queries(40) as few:
        client.get(_url("event_lottery", event))
    people += [attendee(event, f"新校友{i}") for i in range(12)]
    for index in range(3):
        more = _prize(event, college_admin, f"奖{index}", quantity=3)
        lottery.lottery_draw(actor=college_admin, prize=more, count=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url("event_lottery", event))
    assert len(response.context["draws"]) == 4
    assert len(list(response.context["winners"])) == 10


def test_prize_pages_add_edit_delete(client, event, college_admin):
    console_login(client, college_admin)
    response = client.post(
        _url("event_lottery_prize_add", event), {"name": "二等奖", "quantity": "3"}
    )
    assert response.status_code == 302
    prize = LotteryPrize.objects.get()
    assert (prize.name, prize.quantity, prize.allow_previous_winners) == ("二等奖", 3, False)
    response = client.post(_url("event_lottery_prize_add", event), {"name": "", "quantity": "0"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "quantity"}
    response = client.post(
        _url("event_lottery_prize_edit", event, prize.pk),
        {"name": "一等奖", "quantity": "1", "allow_previous_winners": "on"},
    )
    assert response.status_code == 302
    prize.refresh_from_db()
    assert (prize.name, prize.quantity, prize.allow_previous_winners) == ("一等奖", 1, True)
    assert client.post(_url("event_lottery_prize_delete", event, prize.pk)).status_code == 302
    assert not LotteryPrize.objects.exists()


def test_draw_endpoint_json_and_errors(client, event, crowd, college_admin):
    console_login(client, college_admin)
    prize = _prize(event, college_admin, "一等奖", quantity=2)
    url = _url("event_lottery_draw", event)
    response = client.post(
        url, {"prize": prize.pk, "count": 1}, headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    data = response.json()
    draw = LotteryDraw.objects.get()
    assert data["draw"] == draw.pk
    assert data["prize"] == {"id": prize.pk, "name": "一等奖", "left": 1}
    assert data["pool_size"] == 4 and data["seed"] == draw.seed
    assert [w["name"] for w in data["winners"]] == [draw.winners.get().registration.name]
    response = client.post(
        url, {"prize": prize.pk, "count": 5}, headers={"accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == errors.LOTTERY_COUNT_INVALID
    response = client.post(url, {"prize": "x"}, headers={"accept": "application/json"})
    assert response.status_code == 400
    # Without JavaScript: a redirect back with the winners in a message.
    response = client.post(url, {"prize": prize.pk, "count": 1})
    assert response.status_code == 302
    assert LotteryWinner.objects.count() == 2


def test_screen_page_has_no_console_chrome(client, event, crowd, college_admin):
    _prize(event, college_admin, "一等奖", quantity=2)
    console_login(client, college_admin)
    response = client.get(_url("event_lottery_screen", event))
    assert response.status_code == 200
    html = response.content.decode()
    assert "console-sidebar" not in html and "lottery-screen" in html
    assert "events/lottery.js" in html
    config = response.context["config"]
    assert config["names"] == ["王一", "李二", "张三", "赵四"]
    assert config["prizes"][0]["left"] == 2


def test_winners_export(client, event, crowd, college_admin):
    crowd[1].phone = "13900001111"
    crowd[1].save(update_fields=["phone"])
    prize = _prize(event, college_admin, "一等奖", quantity=4)
    lottery.lottery_draw(actor=college_admin, prize=prize, count=4)
    console_login(client, college_admin)
    response = client.get(_url("event_lottery_export", event))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    with translation.override("zh-hans"):
        expected = tuple(translation.gettext(text) for text in HEADERS)
    assert rows[0][:4] == expected
    assert sorted(row[1] for row in rows[1:]) == [1, 2, 3, 4]
    assert ("一等奖", "李二", "13900001111") in {(r[0], r[2], r[3]) for r in rows[1:]}


@pytest.mark.parametrize(
    "name", ["event_lottery", "event_lottery_screen", "event_lottery_export", "event_statistics"]
)
def test_pages_of_another_colleges_event_are_404(client, org_tree, college_admin, name):
    other = EventFactory(org=org_tree.other_college)
    console_login(client, college_admin)
    assert client.get(_url(name, other)).status_code == 404


def test_draw_on_another_colleges_event_is_404(client, org_tree, college_admin):
    other = EventFactory(org=org_tree.other_college)
    attendee(other, "他院校友")
    prize = LotteryPrize.objects.create(event=other, name="一等奖", quantity=1)
    console_login(client, college_admin)
    response = client.post(_url("event_lottery_draw", other), {"prize": prize.pk, "count": 1})
    assert response.status_code == 404
    assert not LotteryDraw.objects.exists()


# --- Concurrency -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_simultaneous_draws_never_exceed_a_prize_nor_pick_anyone_twice(org_tree, college_admin):
    """Twelve draws at once (threads, each with its own connection) on two prizes of three."""
    import threading

    from django.db import connection

    event = EventFactory(org=org_tree.college)
    for index in range(8):
        attendee(event, f"校友{index}")
    prizes = [_prize(event, college_admin, name, quantity=3) for name in ("一等奖", "二等奖")]
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(12)

    def draw(prize):
        try:
            barrier.wait()
            lottery.lottery_draw(actor=college_admin, prize=prize, count=1)
            result = "won"
        except ApplicationError as error:
            result = error.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=draw, args=(prizes[i % 2],)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted(["won"] * 6 + [errors.LOTTERY_PRIZE_EXHAUSTED] * 6)
    winners = list(LotteryWinner.objects.values_list("prize_id", "registration_id"))
    assert sorted(prize for prize, _registration in winners) == sorted(
        [prizes[0].pk] * 3 + [prizes[1].pk] * 3
    )
    assert len({registration for _prize, registration in winners}) == 6
    assert all(lottery.lottery_verify(draw=draw) for draw in LotteryDraw.objects.all())


def test_draw_record_is_enough_to_reproduce_the_draw(client, event, crowd, college_admin):
    prize = _prize(event, college_admin, "一等奖", quantity=3)
    draw = lottery.lottery_draw(actor=college_admin, prize=prize, count=3)
    console_login(client, college_admin)
    response = client.get(_url("event_lottery_draw_record", event, draw.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="lottery-draw-{draw.pk}.json"'
    )
    record = response.json()
    # Re-checked from the record alone, the way an outsider would (no project code).
    pool_text = ",".join(str(i) for i in record["pool"])
    assert hashlib.sha256(pool_text.encode()).hexdigest() == record["pool_digest"]
    ranked = sorted(
        record["pool"], key=lambda i: hashlib.sha256(f"{record['seed']}:{i}".encode()).hexdigest()
    )
    assert ranked[: record["count"]] == record["winners"]
    assert record["pool"] == sorted(r.pk for r in crowd)
    assert (record["reproduced"], record["prize"]["name"], record["count"]) == (True, "一等奖", 3)
    other = EventFactory(org=event.org)
    assert client.get(_url("event_lottery_draw_record", other, draw.pk)).status_code == 404
