"""`python -m signdesk [serve|migrate|purge]`: run the server, bring the database up to date, or
purge what is past its retention period (`--dry-run` only counts)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from aiohttp import web

from signdesk.app import create_app, manage_gc, purge_once
from signdesk.migrate import upgrade
from signdesk.settings import SettingsError, load_settings
from signdesk.weblog import PathOnlyAccessLogger


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m signdesk")
    parser.add_argument(
        "command", choices=["serve", "migrate", "purge"], nargs="?", default="serve"
    )
    parser.add_argument("--dry-run", action="store_true", help="purge: count, change nothing")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # aiortc and aioice print SDP and ICE credentials at DEBUG, and the database drivers print
    # query parameters (citizen names, contacts); keep them quiet whatever the root level is.
    for noisy in ("aiortc", "aioice", "aiosqlite", "asyncpg", "sqlalchemy.engine"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"signdesk: {exc}", file=sys.stderr)
        return 2
    if args.command == "migrate":
        upgrade(settings.database_url)
        return 0
    if args.command == "purge":
        counts = asyncio.run(purge_once(settings, dry_run=args.dry_run))
        print(("would purge: " if args.dry_run else "purged: ") + counts.describe())
        return 0
    app = create_app(settings)
    manage_gc(app, settings.gc_refreeze_seconds)
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        access_log_class=PathOnlyAccessLogger,
        print=lambda _msg: None,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
