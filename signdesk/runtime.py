"""The run-time settings of one app: the environment's values with the admin's overrides
(`setting_overrides`) on top, loaded at start and replaced when an admin changes one."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.models import SettingOverride
from scheduler.store import Sessions
from signdesk.settings import RuntimeSettings

log = logging.getLogger(__name__)


class RuntimeHolder:
    """The current `RuntimeSettings` (replaced whole, never changed in place)."""

    def __init__(self, current: RuntimeSettings) -> None:
        self.current = current


def merged(base: RuntimeSettings, overrides: Mapping[str, str]) -> RuntimeSettings:
    """`base` with the overrides applied; raises `ValidationError` for a value out of bounds."""
    known = {k: v for k, v in overrides.items() if k in RuntimeSettings.model_fields}
    return RuntimeSettings.model_validate({**base.model_dump(), **known})


async def load(sessions: Sessions, base: RuntimeSettings) -> RuntimeSettings:
    """The start values with the stored overrides. A database that does not answer yet, or a
    stored value that no longer validates (bounds changed in code), leaves the environment's
    values with a warning: never fatal (`/readyz` reports the database)."""
    try:
        async with sessions() as db:
            rows = {row.name: row.value for row in await db.scalars(select(SettingOverride))}
    except (SQLAlchemyError, OSError):
        log.warning("setting overrides not loaded (database unavailable); environment values apply")
        return base
    try:
        return merged(base, rows)
    except ValidationError:
        log.warning("stored setting overrides are invalid; the environment's values apply")
        return base


async def save(
    db: AsyncSession,
    changes: Mapping[str, str],
    *,
    account_id: int,
    now: datetime,
) -> None:
    """Store the changed values (upsert by name) in the caller's transaction, where the audit
    entries of the change go too."""
    for name, value in changes.items():
        row = await db.get(SettingOverride, name)
        if row is None:
            db.add(
                SettingOverride(
                    name=name, value=value, updated_at=now, updated_by_account_id=account_id
                )
            )
        else:
            row.value, row.updated_at, row.updated_by_account_id = value, now, account_id
