"""`python -m signdesk.seed`: demo data for a first look, safe to run again.

Creates two interpreters (with log-ins), a staff and a supervisor account, a week of shifts and a
few reservations made through the real booking function. Passwords are random; they are printed
and kept in `var/demo-logins.txt` (mode 0600). A second run changes nothing and prints the same
log-ins again. Seeding another database reuses the passwords in that file, so it stays valid.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler import store
from scheduler.accounts import create_account
from scheduler.domain import Channel, Role
from scheduler.models import Account, Interpreter, WeeklyShiftRow
from signdesk.db import create_engine, session_factory, utcnow
from signdesk.migrate import ROOT, upgrade
from signdesk.settings import Settings, SettingsError, load_settings

LOGINS_FILE = ROOT / "var" / "demo-logins.txt"


@dataclass(frozen=True, slots=True)
class DemoInterpreter:
    username: str
    display_name: str
    sign_languages: tuple[str, ...]
    spoken_languages: tuple[str, ...]
    specialties: tuple[str, ...]
    # (weekday, start, end) in local wall-clock time; end <= start runs past midnight.
    shifts: tuple[tuple[int, time, time], ...]


WEEKDAYS = range(5)
INTERPRETERS = (
    DemoInterpreter(
        username="interp-kim",
        display_name="김수어 Kim Sueo",
        sign_languages=("KSL",),
        spoken_languages=("ko",),
        specialties=("welfare", "medical"),
        shifts=(
            *((d, time(9), time(18)) for d in WEEKDAYS),
            (5, time(9), time(13)),  # Saturday morning
        ),
    ),
    DemoInterpreter(
        username="interp-lee",
        display_name="이한빛 Lee Hanbit",
        sign_languages=("KSL", "ASL"),
        spoken_languages=("ko", "en"),
        specialties=("legal", "tax"),
        shifts=(
            *((d, time(10), time(17)) for d in WEEKDAYS),
            (3, time(18), time(22)),  # Thursday evening
        ),
    ),
)
STAFF = (
    ("staff-park", "박민원 Park Minwon", Role.STAFF),
    ("super-choi", "최감독 Choi", Role.SUPERVISOR),
    ("admin-kang", "강관리 Kang Admin", Role.ADMIN),
)

# (days ahead counted in weekdays, hour, language, topic, specialty, channel)
DEMO_BOOKINGS = (
    (1, 10, "KSL", "welfare", "welfare", Channel.WEB),
    (1, 14, "KSL", "legal", "legal", Channel.PHONE),
    (2, 11, "ASL", "tax", "tax", Channel.WEB),
    (3, 15, "KSL", "health", "medical", Channel.COUNTER),
)


def read_logins(path: Path) -> dict[str, tuple[str, str]]:
    """username -> (role, password) from a logins file (missing file: empty)."""
    if not path.exists():
        return {}
    found: dict[str, tuple[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3 and not line.startswith("#"):
            role, username, password = parts
            found[username] = (role, password)
    return found


def write_logins(path: Path, logins: dict[str, tuple[str, str]]) -> None:
    """Write the file readable by its owner only (it holds working passwords)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# SignDesk demo log-ins: role username password (keep private)"]
    lines += [f"{role} {username} {password}" for username, (role, password) in logins.items()]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    path.chmod(0o600)


def print_logins(logins: dict[str, tuple[str, str]], path: Path) -> None:
    print(f"Demo log-ins (also in {path}):")
    for username, (role, password) in logins.items():
        print(f"  {role:<12} {username:<12} {password}")


def _usernames() -> list[str]:
    return [i.username for i in INTERPRETERS] + [s[0] for s in STAFF]


async def _already_seeded(session: AsyncSession) -> bool:
    found = await session.scalar(select(Account.id).where(Account.username.in_(_usernames())))
    return found is not None


async def _create_people(
    session: AsyncSession, passwords: dict[str, tuple[str, str]]
) -> dict[str, tuple[str, str]]:
    logins: dict[str, tuple[str, str]] = {}

    def password_for(username: str, role: Role) -> str:
        known = passwords.get(username)
        password = known[1] if known else secrets.token_urlsafe(12)
        logins[username] = (role.value, password)
        return password

    for demo in INTERPRETERS:
        interpreter = Interpreter(
            display_name=demo.display_name,
            sign_languages=list(demo.sign_languages),
            spoken_languages=list(demo.spoken_languages),
            specialties=list(demo.specialties),
            active=True,
        )
        session.add(interpreter)
        await session.flush()
        for weekday, start, end in demo.shifts:
            session.add(
                WeeklyShiftRow(
                    interpreter_id=interpreter.id, weekday=weekday, start_time=start, end_time=end
                )
            )
        await create_account(
            session,
            username=demo.username,
            display_name=demo.display_name,
            role=Role.INTERPRETER,
            password=password_for(demo.username, Role.INTERPRETER),
            interpreter_id=interpreter.id,
        )
    for username, name, role in STAFF:
        await create_account(
            session,
            username=username,
            display_name=name,
            role=role,
            password=password_for(username, role),
        )
    return logins


def _weekdays_ahead(today: date, count: int) -> date:
    day = today
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


async def _book_demo(settings: Settings, sessions: store.Sessions, staff_id: int) -> int:
    """A few reservations through the real booking path; returns how many were made."""
    today = utcnow().astimezone(settings.tz).date()
    made = 0
    for number, (ahead, hour, language, topic, specialty, channel) in enumerate(DEMO_BOOKINGS, 1):
        start = datetime.combine(_weekdays_ahead(today, ahead), time(hour), settings.tz)
        request = store.NewBooking(
            name=f"데모 시민 {number} Demo Citizen",
            contact=None,
            language=language,
            topic=topic,
            specialty=specialty,
            start=start,
            consent_version=settings.consent_version,
            channel=channel,
            created_by_account_id=None if channel is Channel.WEB else staff_id,
        )
        try:
            booked = await store.book(sessions, settings, request)
        except (store.SlotTaken, store.SlotUnavailable) as exc:
            print(f"  skipped demo booking {number}: {type(exc).__name__}")
            continue
        made += 1
        print(f"  booked {booked.reservation.code} at {start:%Y-%m-%d %H:%M} ({language})")
    return made


async def seed(settings: Settings, logins_file: Path = LOGINS_FILE) -> dict[str, tuple[str, str]]:
    """Seed once; return the demo log-ins (from the file when the database is seeded already)."""
    engine = create_engine(settings)
    sessions = session_factory(engine)
    try:
        async with sessions() as session, session.begin():
            if await _already_seeded(session):
                print("Demo data already present; nothing changed.")
                logins = read_logins(logins_file)
                return {u: v for u, v in logins.items() if u in _usernames()}
            logins = await _create_people(session, read_logins(logins_file))
            staff_id = await session.scalar(
                select(Account.id).where(Account.username == STAFF[0][0])
            )
        write_logins(logins_file, logins)
        print("Seeded interpreters, accounts and shifts.")
        await _book_demo(settings, sessions, int(staff_id or 0))
        return logins
    finally:
        await engine.dispose()


def _ensure_sqlite_dir(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m signdesk.seed", description=__doc__)
    parser.add_argument("--logins", type=Path, default=LOGINS_FILE, help="log-ins file")
    parser.add_argument("--no-migrate", action="store_true", help="skip `alembic upgrade head`")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"seed: {exc}", file=sys.stderr)
        return 2
    _ensure_sqlite_dir(settings.database_url)
    if not args.no_migrate:
        upgrade(settings.database_url)
    logins = asyncio.run(seed(settings, args.logins))
    if logins:
        print_logins(logins, args.logins)
    else:
        print(f"No log-ins on file ({args.logins}); reset a password with scheduler.accounts.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
