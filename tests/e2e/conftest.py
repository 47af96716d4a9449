"""End-to-end fixtures: the real app on a free port, seeded through the real code, driven by
Debian's Chromium through Playwright.

The server runs in a background thread with its own event loop, so the tests can use
Playwright's sync API. One server (and database) serves all e2e tests; tests book different
slots and look bookings up by their code, so they do not depend on each other's data.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import socket
import threading
import urllib.request
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, sync_playwright

from scheduler.accounts import create_account
from scheduler.domain import Role
from scheduler.models import Interpreter, WeeklyShiftRow
from signdesk.app import create_app
from signdesk.appkeys import SESSIONS
from tests.conftest import ROOT, make_settings, skip_or_fail

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SEOUL = ZoneInfo("Asia/Seoul")

PASSWORD = "e2e-password-123"
STAFF_USERNAME = "staff.kim"
STAFF_NAME = "김직원"


@dataclass(frozen=True)
class SeedInterpreter:
    username: str
    name: str
    sign_languages: tuple[str, ...]
    specialties: tuple[str, ...]


INTERPRETERS = (
    SeedInterpreter("interp.park", "박통역", ("KSL",), ("legal", "welfare")),
    SeedInterpreter("interp.lee", "이통역", ("KSL", "ASL"), ("medical",)),
)

T = TypeVar("T")


class LiveServer:
    """The real SignDesk app on 127.0.0.1, in a thread with its own event loop."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self._loop = asyncio.new_event_loop()
        self._runner = web.AppRunner(app, access_log=None)
        self._ready: Future[None] = Future()
        self._thread = threading.Thread(target=self._serve, name="e2e-server", daemon=True)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port: int = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._start())
        except BaseException as exc:
            self._ready.set_exception(exc)
            self._loop.close()
            return
        self._ready.set_result(None)
        self._loop.run_forever()
        self._loop.run_until_complete(self._runner.cleanup())
        self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        self._loop.close()

    async def _start(self) -> None:
        await self._runner.setup()
        await web.SockSite(self._runner, self._sock).start()

    def start(self) -> None:
        self._thread.start()
        self._ready.result(timeout=30)

    def stop(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)
        self._sock.close()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        """Run a coroutine on the server's loop (e.g. to seed through the ORM)."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    # --- plain HTTP helpers for set-up (no browser) -----------------------------------------

    def get_json(self, path: str, token: str | None = None) -> Any:
        request = urllib.request.Request(  # noqa: S310 - our own http:// server
            self.url + path, headers={"Accept": "application/json"}
        )
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own server
            return json.loads(response.read())

    def post_json(self, path: str, body: dict[str, Any]) -> Any:
        request = urllib.request.Request(  # noqa: S310 - our own http:// server
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own server
            return json.loads(response.read())

    def free_slots(self, language: str = "KSL", days: int = 14) -> list[dict[str, Any]]:
        today = datetime.now(SEOUL).date()
        last = today + timedelta(days=days - 1)
        data = self.get_json(f"/api/availability?language={language}&from={today}&to={last}")
        return [slot for slot in data["slots"] if slot["free"] > 0]

    def book(self, slot_index: int = -1, name: str = "API 시민") -> dict[str, Any]:
        """Book a slot through the public API (for tests that need an existing booking)."""
        catalog = self.get_json("/api/catalog")
        slot = self.free_slots()[slot_index]
        return dict(
            self.post_json(
                "/api/reservations",
                {
                    "name": name,
                    "language": "KSL",
                    "topic": "welfare",
                    "start": slot["start"],
                    "consent": True,
                    "consent_version": catalog["consent_version"],
                },
            )
        )


def office_hours(weekday: int) -> tuple[time, time]:
    """The seeded interpreters' weekly shifts: 09-22 on weekdays, 09-18 at weekends."""
    return time(9, 0), time(22, 0) if weekday < 5 else time(18, 0)


async def _seed(
    app: web.Application,
    interpreters: tuple[SeedInterpreter, ...] = INTERPRETERS,
    hours: Callable[[int], tuple[time, time]] = office_hours,
) -> None:
    """Staff and interpreter accounts through `create_account`; shifts every day of the week."""
    async with app[SESSIONS]() as db, db.begin():
        await create_account(
            db, username=STAFF_USERNAME, display_name=STAFF_NAME, role=Role.STAFF, password=PASSWORD
        )
        for seed in interpreters:
            account = await create_account(
                db,
                username=seed.username,
                display_name=seed.name,
                role=Role.INTERPRETER,
                password=PASSWORD,
            )
            assert account.interpreter_id is not None
            interpreter = await db.get(Interpreter, account.interpreter_id)
            assert interpreter is not None
            interpreter.sign_languages = list(seed.sign_languages)
            interpreter.specialties = list(seed.specialties)
            interpreter.spoken_languages = ["ko"]
            for weekday in range(7):
                start, end = hours(weekday)
                db.add(
                    WeeklyShiftRow(
                        interpreter_id=interpreter.id,
                        weekday=weekday,
                        start_time=start,
                        end_time=end,
                    )
                )


@contextmanager
def running_server(
    template: Path,
    directory: Path,
    *,
    interpreters: tuple[SeedInterpreter, ...] = INTERPRETERS,
    hours: Callable[[int], tuple[time, time]] = office_hours,
    **overrides: object,
) -> Iterator[LiveServer]:
    """A seeded live server on a copy of the migrated template, with settings `overrides`."""
    path = directory / "signdesk.db"
    shutil.copy(template, path)
    app = create_app(make_settings(f"sqlite+aiosqlite:///{path}", **overrides))
    server = LiveServer(app)
    server.start()
    try:
        server.run(_seed(app, interpreters, hours))
        yield server
    finally:
        server.stop()


# Package scope, not session: while Playwright's sync API is alive it leaves its event loop set
# as the running loop of the main thread, which breaks pytest-asyncio tests that run after these.
@pytest.fixture(scope="package")
def live_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    with running_server(sqlite_template, tmp_path_factory.mktemp("e2e")) as server:
        yield server


@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        skip_or_fail(f"Debian Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@dataclass
class PageProblems:
    """Uncaught script errors and CSP violations seen while a page ran."""

    errors: list[str]

    def check(self) -> None:
        assert not self.errors, "page problems:\n" + "\n".join(self.errors)


def watch_problems(page: Page) -> PageProblems:
    problems = PageProblems(errors=[])
    page.on("pageerror", lambda exc: problems.errors.append(f"uncaught: {exc}"))

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Uncaught" in message.text:
            problems.errors.append(f"console: {message.text}")

    page.on("console", on_console)
    return problems


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser context (no cookies) in a zone far from Seoul, on a desktop viewport.

    The device's zone is Berlin on purpose: every time on the page must still be Seoul time.
    """
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        timezone_id="Europe/Berlin",
        locale="ko-KR",
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    problems = watch_problems(page)
    yield page
    context.close()
    problems.check()


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        skip_or_fail(f"axe-core not found at {AXE} (run npm ci in the repository root)")
    return AXE.read_text(encoding="utf-8")


def login(page: Page, username: str, next_path: str = "") -> None:
    """Log in through the real /login form."""
    page.goto("/login" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label(re.compile("아이디|Username")).fill(username)
    page.get_by_label(re.compile("비밀번호|Password")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^(로그인|Log in)$")).click()
    page.wait_for_url(re.compile(r"/(staff|interpreter)"))


def seoul_now() -> datetime:
    return datetime.now(UTC).astimezone(SEOUL)
