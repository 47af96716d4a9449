"""Set-up for the counseling record tests: call sessions as the record writer stores them, with
their walk-in contact or booking, chat lines and survey answer, written straight through the ORM.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from scheduler.domain import Role
from scheduler.models import (
    CallSessionRecord,
    ChatMessage,
    QueueContact,
    SurveyAnswer,
)
from signdesk.appkeys import SESSIONS
from signdesk.db import utcnow
from tests.api.helpers import PASSWORD, Client, login
from web.auth import CSRF_COOKIE, SESSION_COOKIE

_SEQ = itertools.count(1)

QUALITY = {
    "duration_seconds": 120.0,
    "sides": {
        "caller": {
            "total": {
                "frames": 600,
                "hands_visible_share": 0.9,
                "cropped_share": 0.05,
                "mean_brightness": 120.0,
                "mean_received_fps": 24.0,
                "signing_seconds": 80.0,
                "hints": {"low_light": {"raised": 1, "seconds": 4.0}},
            }
        }
    },
}


async def add_contact(client: Client, language: str = "KSL", name: str | None = "큐 시민") -> int:
    async with client.app[SESSIONS]() as db, db.begin():
        contact = QueueContact(
            created_at=utcnow(),
            language=language,
            mode="chat",
            display_name=name,
            token_hash=f"{next(_SEQ):064d}",
            consent_version="test",
            consented_at=utcnow(),
        )
        db.add(contact)
        await db.flush()
        return contact.id


async def add_call(
    client: Client,
    *,
    interpreter_id: int | None,
    contact_id: int | None = None,
    reservation_id: int | None = None,
    session_id: str | None = None,
    joined: datetime | None = None,
    mode: str = "chat",
    transcript: Sequence[tuple[str, str]] = (),
    consent: bool = False,
    stars: int | None = None,
    quality: dict[str, Any] | None = None,
) -> str:
    """A finished, answered call session; returns its session id."""
    joined = joined or utcnow() - timedelta(hours=1)
    session_id = session_id or f"s_{next(_SEQ):06d}"
    async with client.app[SESSIONS]() as db, db.begin():
        row = CallSessionRecord(
            reservation_id=reservation_id,
            contact_id=contact_id,
            kind="reserved" if reservation_id is not None else "walk_in",
            mode=mode,
            session_id=session_id,
            assigned_interpreter_id=interpreter_id if reservation_id is not None else None,
            actual_interpreter_id=interpreter_id,
            caller_joined_at=joined,
            matched_at=joined + timedelta(seconds=30),
            connected_at=joined + timedelta(seconds=35),
            ended_at=joined + timedelta(minutes=10),
            wait_seconds=30.0,
            duration_seconds=570.0,
            ended_by="caller",
            end_reason="hangup",
            transcript_consent=consent,
            quality_summary=quality,
        )
        db.add(row)
        await db.flush()
        for seq, (sender, text) in enumerate(transcript, start=1):
            db.add(
                ChatMessage(
                    call_session_id=row.id,
                    seq=seq,
                    sender=sender,
                    text=text,
                    at=joined + timedelta(seconds=40 + seq),
                )
            )
        if stars is not None:
            db.add(
                SurveyAnswer(
                    session_id=session_id,
                    stars=stars,
                    resolved=True,
                    comment="고맙습니다",
                    answered_at=joined + timedelta(minutes=11),
                )
            )
    return session_id


def record_url(session_id: str) -> str:
    return f"/api/sessions/{session_id}/record"


def log_out_locally(client: Client) -> None:
    """Forget the session cookie, so the next log-in form needs only the browser's CSRF token."""
    client.session.cookie_jar.clear(lambda cookie: cookie.key == SESSION_COOKIE)


async def new_login(
    client: Client, role: Role, username: str, interpreter_id: int | None = None
) -> str:
    """`helpers.login` from a logged-out browser: a new account, logged in; its CSRF token."""
    log_out_locally(client)
    return await login(client, role, username, interpreter_id=interpreter_id)


async def log_in_as(client: Client, username: str) -> str:
    """Log an existing account in (replacing the current session); returns its CSRF token."""
    log_out_locally(client)
    await client.get("/login")
    anon = client.session.cookie_jar.filter_cookies(client.make_url("/"))[CSRF_COOKIE].value
    resp = await client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": anon},
        allow_redirects=False,
    )
    assert resp.status == 303, await resp.text()
    me = await client.get("/api/me")
    token: str = (await me.json())["csrf_token"]
    return token
