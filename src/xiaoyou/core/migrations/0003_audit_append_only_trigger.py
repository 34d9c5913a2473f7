"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit log.

The application already refuses them (model and queryset); the trigger also stops raw SQL and
other clients of the database. SQLite gets no trigger: the embedded mode trusts its one file,
and the hash chain still shows tampering there.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION xiaoyou_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditentry is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION xiaoyou_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS xiaoyou_audit_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # params=None: the "%" of RAISE is not a query placeholder.
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_references_and_delivery_sending"),
    ]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
