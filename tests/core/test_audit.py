from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.db.utils import DatabaseError

from tests.factories import AuditEntryFactory, OrganizationFactory, UserFactory
from xiaoyou.core import audit, context
from xiaoyou.core.models import AuditChainHead, AuditEntry
from xiaoyou.organizations.models import OrgRole, Role

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _allow_raw_tampering() -> None:
    # On PostgreSQL the trigger refuses tampering; switch it off for this test's transaction
    # only (ALTER TABLE is transactional there and rolled back with the test).
    if ON_POSTGRESQL:
        _raw("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only", [])


def test_record_fills_actor_org_object_ip_and_request_id(org_tree, college_admin):
    grant = OrgRole.objects.get(user=college_admin, org=org_tree.college)
    token = context.activate(context.RequestContext(request_id="req-42", ip="203.0.113.9"))
    try:
        entry = audit.record(
            actor=college_admin,
            action="role.change",
            obj=grant,
            changes={"role": ["member", "admin"]},
        )
    finally:
        context.deactivate(token)
    entry.refresh_from_db()
    assert entry.actor_id == college_admin.pk
    assert entry.actor_label == "学院管理员"
    assert entry.org_id == org_tree.college.pk  # derived from obj.org
    assert entry.object_type == "organizations.orgrole"
    assert entry.object_id == str(grant.pk)
    assert entry.object_repr == str(grant)
    assert entry.changes == {"role": ["member", "admin"]}
    assert entry.ip == "203.0.113.9"
    assert entry.request_id == "req-42"
    assert entry.entry_hash == audit.compute_hash(entry)


def test_an_organization_is_its_own_org_and_a_bad_ip_is_dropped(org_tree, platform_admin):
    token = context.activate(context.RequestContext(request_id="r", ip="not-an-ip"))
    try:
        entry = audit.record(actor=platform_admin, action="organization.change", obj=org_tree.club)
    finally:
        context.deactivate(token)
    assert entry.org_id == org_tree.club.pk
    assert entry.ip is None


def test_entries_chain_to_each_other_and_the_head_follows(org_tree, platform_admin):
    first = audit.record(actor=platform_admin, action="a.one", obj=org_tree.root)
    second = audit.record(actor=platform_admin, action="a.two", obj=org_tree.root)
    assert second.previous_hash == first.entry_hash
    head = AuditChainHead.objects.get(pk=1)
    assert head.last_hash == second.entry_hash
    assert head.count == AuditEntry.objects.count()


def test_the_chain_verifies_and_reports_progress(org_tree, platform_admin, monkeypatch):
    monkeypatch.setattr(audit, "PROGRESS_EVERY", 3)
    for number in range(4):
        audit.record(actor=platform_admin, action=f"test.{number}", obj=org_tree.root)
    # Five organizations of the tree, the platform admin's role grant, then these four.
    assert AuditEntry.objects.count() == 10
    calls: list[tuple[int, int]] = []
    result = audit.verify_chain(on_progress=lambda done, count: calls.append((done, count)))
    assert result.ok is True
    assert (result.checked, result.total, result.broken_entry_id) == (10, 10, None)
    assert calls == [(3, 10), (6, 10), (9, 10), (10, 10)]


def test_changing_a_row_with_raw_sql_is_detected(org_tree, platform_admin):
    entries = [
        audit.record(actor=platform_admin, action=f"t.{n}", obj=org_tree.root) for n in range(3)
    ]
    _allow_raw_tampering()
    _raw("UPDATE core_auditentry SET object_repr = %s WHERE id = %s", ["伪造", entries[1].pk])
    result = audit.verify_chain()
    assert result.ok is False
    assert result.broken_entry_id == entries[1].pk
    assert result.reason == "entry_hash_mismatch"


def test_rehashing_a_changed_row_still_breaks_the_next_link(org_tree, platform_admin):
    entries = [
        audit.record(actor=platform_admin, action=f"t.{n}", obj=org_tree.root) for n in range(3)
    ]
    forged = AuditEntry.objects.get(pk=entries[1].pk)
    forged.action = "t.forged"
    forged_hash = audit.compute_hash(forged)
    _allow_raw_tampering()
    _raw(
        "UPDATE core_auditentry SET action = %s, entry_hash = %s WHERE id = %s",
        ["t.forged", forged_hash, forged.pk],
    )
    result = audit.verify_chain()
    assert (result.ok, result.broken_entry_id, result.reason) == (
        False,
        entries[2].pk,
        "previous_hash_mismatch",
    )


def test_deleting_a_middle_row_or_the_last_row_is_detected(org_tree, platform_admin):
    entries = [
        audit.record(actor=platform_admin, action=f"t.{n}", obj=org_tree.root) for n in range(3)
    ]
    _allow_raw_tampering()
    _raw("DELETE FROM core_auditentry WHERE id = %s", [entries[2].pk])
    result = audit.verify_chain()
    assert (result.ok, result.broken_entry_id, result.reason) == (False, None, "head_mismatch")
    _raw("DELETE FROM core_auditentry WHERE id = %s", [entries[0].pk])
    result = audit.verify_chain()
    assert (result.ok, result.broken_entry_id, result.reason) == (
        False,
        entries[1].pk,
        "previous_hash_mismatch",
    )


def test_the_orm_cannot_update_or_delete_entries(org_tree, platform_admin):
    entry = audit.record(actor=platform_admin, action="t.x", obj=org_tree.root)
    entry.action = "t.changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="t.changed")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "t.x"
    assert audit.verify_chain().ok is True


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the trigger exists on PostgreSQL only")
def test_postgresql_trigger_refuses_raw_update_and_delete(org_tree, platform_admin):
    entry = audit.record(actor=platform_admin, action="t.x", obj=org_tree.root)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw("UPDATE core_auditentry SET action = 'forged' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "t.x"


def test_deleting_the_actor_keeps_the_entry_and_the_chain(org_tree):
    actor = UserFactory(display_name="离职管理员")
    entry = audit.record(actor=actor, action="t.x", obj=org_tree.root)
    actor.delete()
    kept = AuditEntry.objects.get(pk=entry.pk)
    assert kept.actor_id == entry.actor_id
    assert kept.actor_label == "离职管理员"
    assert audit.verify_chain().ok is True


def test_a_rolled_back_service_leaves_no_entry_and_no_head_change(org_tree, platform_admin):
    head_before = AuditChainHead.objects.get(pk=1).last_hash
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=platform_admin, action="t.rolled_back", obj=org_tree.root)
        raise RuntimeError("service failed")
    assert not AuditEntry.objects.filter(action="t.rolled_back").exists()
    assert AuditChainHead.objects.get(pk=1).last_hash == head_before
    assert audit.verify_chain().ok is True


def test_snapshot_and_diff_mask_sensitive_fields(org_tree):
    user = UserFactory(display_name="王芳", email="wang@example.com")
    before = audit.snapshot(user, ["display_name", "email", "password", "is_staff"])
    assert before["password"] == user.password  # the snapshot itself is the raw hash
    user.display_name = "王芳芳"
    user.set_password("another-long-secret-phrase")
    after = audit.snapshot(user, ["display_name", "email", "password", "is_staff"])
    changes = audit.diff(before, after)
    assert changes == {"display_name": ["王芳", "王芳芳"], "password": ["******", "******"]}
    national = audit.diff({"national_id_number": ""}, {"national_id_number": "110101199003077777"})
    assert national == {"national_id_number": ["", "******"]}
    extra = audit.diff({"salary": 1}, {"salary": 2}, sensitive=["salary"])
    assert extra == {"salary": ["******", "******"]}


def test_snapshot_takes_foreign_keys_by_id_without_a_query(org_tree, django_assert_num_queries):
    grant = OrgRole.objects.filter(org=org_tree.root).first() or OrgRole.objects.create(
        user=UserFactory(), org=org_tree.root, role=Role.MEMBER
    )
    fresh = OrgRole.objects.get(pk=grant.pk)
    with django_assert_num_queries(0):
        values = audit.snapshot(fresh, ["org", "user", "role", "created_at"])
    assert values["org"] == org_tree.root.pk
    assert values["user"] == grant.user_id
    assert values["role"] == grant.role
    assert values["created_at"].endswith("+00:00")


def test_record_masks_changes_built_by_hand(org_tree, platform_admin):
    entry = audit.record(
        actor=platform_admin,
        action="user.change",
        obj=platform_admin,
        changes={
            "password": [None, "plain-text!"],
            "id_card": "110101199003077777",
            "name": ["a", "b"],
        },
    )
    assert entry.changes == {"password": [None, "******"], "id_card": "******", "name": ["a", "b"]}


def test_factory_entries_are_chained(org_tree):
    AuditEntryFactory.create_batch(3, obj=org_tree.club)
    assert AuditEntry.objects.filter(action="test.change", org=org_tree.club).count() == 3
    assert audit.verify_chain().ok is True


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_the_chain_valid():
    org = OrganizationFactory(name="并发校友会")
    actors = [UserFactory() for _ in range(4)]
    errors: list[BaseException] = []
    per_thread = 8
    start = threading.Barrier(len(actors))

    def work(actor) -> None:
        try:
            start.wait()
            for number in range(per_thread):
                # Each write is its own service transaction, as in real requests.
                with transaction.atomic():
                    audit.record(actor=actor, action=f"concurrent.{number}", obj=org)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert (
        AuditEntry.objects.filter(action__startswith="concurrent.").count()
        == len(actors) * per_thread
    )
    result = audit.verify_chain()
    assert result.ok is True, result
    assert result.checked == AuditEntry.objects.count()
    assert AuditChainHead.objects.get(pk=1).count == result.checked
