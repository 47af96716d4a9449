"""Migration 0007 on both databases: the audit log refuses UPDATE and DELETE (even from a bug),
accounts accept only known roles (admin included), and the migration goes down and up again."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, delete, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from scheduler.domain import Role
from scheduler.models import Account, AuditEntry
from signdesk.db import create_engine, session_factory, utcnow
from signdesk.migrate import alembic_config
from tests.conftest import make_settings
from tests.signdesk.test_accounts_cli import _run


def _migrate(connection: Connection, target: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    config.attributes["configure_logger"] = False
    if target == "head":
        command.upgrade(config, "head")
    else:
        command.downgrade(config, target)


async def test_the_audit_log_is_append_only(database_url: str) -> None:
    engine = create_engine(make_settings(database_url))
    sessions = session_factory(engine)
    try:
        async with sessions() as db, db.begin():
            db.add(AuditEntry(actor="system", action="test", target="x", client_address="::1"))
        for statement in (
            update(AuditEntry).values(actor="someone else"),
            delete(AuditEntry),
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                async with sessions() as db, db.begin():
                    await db.execute(statement)
        if engine.dialect.name == "postgresql":
            with pytest.raises(DBAPIError, match="append-only"):
                async with engine.begin() as conn:
                    await conn.execute(text("TRUNCATE audit_log"))
        async with sessions() as db:
            [row] = list(await db.scalars(select(AuditEntry)))
        assert (row.actor, row.client_address) == ("system", "::1")
    finally:
        await engine.dispose()


async def test_accounts_take_known_roles_only(database_url: str) -> None:
    engine = create_engine(make_settings(database_url))
    try:
        values = {"display_name": "X", "password_hash": "x", "active": True, "created_at": utcnow()}
        async with engine.begin() as conn:
            await conn.execute(insert(Account).values(username="a", role=Role.ADMIN, **values))
        with pytest.raises(DBAPIError, match="ck_accounts_role"):
            async with engine.begin() as conn:
                await conn.execute(
                    text(
                        "INSERT INTO accounts (username, display_name, role, password_hash,"
                        " active, created_at) VALUES ('b', 'B', 'root', 'x', true, :at)"
                    ),
                    {"at": utcnow()},
                )
        with pytest.raises(DBAPIError, match="ck_accounts_role"):
            async with engine.begin() as conn:
                await conn.execute(text("UPDATE accounts SET role = 'root'"))
    finally:
        await engine.dispose()


async def test_0007_goes_down_and_up_again(database_url: str) -> None:
    """Down: the triggers go first (so the column can be dropped), admins become inactive
    supervisors (nobody gains access); the audit rows stay. Up again: all of it is back."""
    engine = create_engine(make_settings(database_url))
    sessions = session_factory(engine)
    try:
        async with sessions() as db, db.begin():
            db.add(AuditEntry(actor="system", action="test", target="x", client_address="::1"))
            db.add(Account(username="root", display_name="R", role=Role.ADMIN, password_hash="x"))
        async with engine.begin() as conn:
            await conn.run_sync(_migrate, "0006")
        async with engine.connect() as conn:
            roles = (await conn.execute(text("SELECT role, active FROM accounts"))).all()
            assert [(r, bool(a)) for r, a in roles] == [("supervisor", False)]
            assert (await conn.execute(text("SELECT count(*) FROM audit_log"))).scalar() == 1
        async with engine.begin() as conn:
            await conn.run_sync(_migrate, "head")
        with pytest.raises(DBAPIError, match="append-only"):
            async with sessions() as db, db.begin():
                await db.execute(delete(AuditEntry))
    finally:
        await engine.dispose()


def test_the_cli_creates_an_admin(sqlite_template: Path, tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    db.write_bytes(sqlite_template.read_bytes())
    url = f"sqlite+aiosqlite:///{db}"
    done = _run(["--role", "admin", "--username", "root", "--name", "Root"], "a long password", url)
    assert done.returncode == 0, done.stderr
    assert "created admin account 'root'" in done.stdout
