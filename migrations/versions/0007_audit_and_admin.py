"""audit and admin: the audit log's client address, append-only triggers, the admin role

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 02:00:00.000000

`audit_log.client_address` records "from where" (the address aiohttp saw, `request.remote`): it is
personal data kept for accountability, see docs/threat-model.md. Triggers refuse UPDATE and DELETE
on `audit_log` on both databases (and TRUNCATE on PostgreSQL), so the log stays append-only even
against a bug; dropping the whole database still works.

Roles were plain strings without a database check (SQLAlchemy 2 no longer emits the Enum's CHECK
by default). This revision adds one that knows `admin`: a named CHECK on PostgreSQL; on SQLite the
same rule as BEFORE INSERT / UPDATE OF role triggers, because adding a CHECK there means rebuilding
`accounts`, and the rebuild's DROP TABLE runs under `PRAGMA foreign_keys=ON` (which cannot be
switched off inside the migration's transaction): it would cascade-delete every web session and
clear every reservation's creator. The downgrade drops the triggers first, then the column, and
turns admins into inactive supervisors (the old schema has no admin; nobody gains access).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLES_NOW = ("interpreter", "staff", "supervisor", "admin")
_ROLE_CHECK = "role IN (" + ", ".join(f"'{r}'" for r in _ROLES_NOW) + ")"
_APPEND_ONLY = "audit_log is append-only"

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{_APPEND_ONLY}' USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_address", sa.String(length=64), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.create_check_constraint("ck_accounts_role", "accounts", _ROLE_CHECK)
        op.execute(_PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log"
            " FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log"
            " FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log"
            f" BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
        )
    for name, event in (("insert", "INSERT"), ("update", "UPDATE OF role")):
        op.execute(
            f"CREATE TRIGGER ck_accounts_role_{name} BEFORE {event} ON accounts"
            f" WHEN NOT (NEW.{_ROLE_CHECK})"
            " BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: ck_accounts_role'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
        op.drop_constraint("ck_accounts_role", "accounts", type_="check")
    else:
        for name in ("ck_accounts_role_update", "ck_accounts_role_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        for name in ("audit_log_no_delete", "audit_log_no_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("UPDATE accounts SET role = 'supervisor', active = false WHERE role = 'admin'")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("client_address")
