"""Interpreter, staff, supervisor and admin accounts, and the CLI that creates them.

    python -m scheduler.accounts create --role staff --username kim --name "Kim Staff"
    python -m scheduler.accounts create --role admin --username root --name "Admin"  # the first

The password is read from the terminal (or `--password-stdin`), never from argv, so it does not
land in shell history or `ps`.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.domain import Role
from scheduler.models import Account, Interpreter
from signdesk.db import create_engine, session_factory
from signdesk.settings import load_settings

MIN_PASSWORD_CHARS = 10


class AccountError(ValueError):
    """An account cannot be created or used as asked."""


def password_hasher() -> PasswordHasher:
    # argon2-cffi's defaults follow RFC 9106's second recommended option.
    return PasswordHasher()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"password must have at least {MIN_PASSWORD_CHARS} characters")
    return password_hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return password_hasher().verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# Verified against when the username is unknown, so a wrong name costs as long as a wrong password.
DUMMY_HASH = PasswordHasher().hash("not-a-real-password-for-timing")


async def authenticate(session: AsyncSession, username: str, password: str) -> Account | None:
    account = await session.scalar(select(Account).where(Account.username == username))
    if account is None or not account.active:
        verify_password(DUMMY_HASH, password)
        return None
    if not verify_password(account.password_hash, password):
        return None
    return account


async def create_account(
    session: AsyncSession,
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    interpreter_id: int | None = None,
) -> Account:
    username = username.strip().lower()
    if (
        not username
        or len(username) > 64
        or not username.replace("-", "").replace("_", "").replace(".", "").isalnum()
    ):
        raise AccountError("username must be 1-64 letters, digits, '.', '-' or '_'")
    if not display_name.strip():
        raise AccountError("display name is required")
    if role is Role.INTERPRETER and interpreter_id is None:
        interpreter = Interpreter(display_name=display_name.strip(), sign_languages=["KSL"])
        session.add(interpreter)
        await session.flush()
        interpreter_id = interpreter.id
    account = Account(
        username=username,
        display_name=display_name.strip(),
        role=role,
        password_hash=hash_password(password),
        interpreter_id=interpreter_id,
    )
    session.add(account)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise AccountError(f"username {username!r} is taken") from exc
    return account


async def _create_from_cli(args: argparse.Namespace, password: str) -> int:
    settings = load_settings()
    engine = create_engine(settings)
    try:
        async with session_factory(engine)() as session, session.begin():
            account = await create_account(
                session,
                username=args.username,
                display_name=args.name,
                role=Role(args.role),
                password=password,
                interpreter_id=args.interpreter_id,
            )
        print(f"created {account.role} account {account.username!r} (id {account.id})")
        return 0
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scheduler.accounts")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="create an account")
    create.add_argument("--role", choices=[r.value for r in Role], required=True)
    create.add_argument("--username", required=True)
    create.add_argument("--name", required=True, help="display name")
    create.add_argument("--interpreter-id", type=int, default=None)
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    args = parser.parse_args(argv)

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            print("passwords differ", file=sys.stderr)
            return 2
    try:
        return asyncio.run(_create_from_cli(args, password))
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
