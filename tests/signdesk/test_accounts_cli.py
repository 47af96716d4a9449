"""`python -m scheduler.accounts create` against a real (migrated) database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], password: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "SIGNDESK_ENV": "test"}
    return subprocess.run(  # noqa: S603 (our own CLI, fixed arguments)
        [sys.executable, "-m", "scheduler.accounts", "create", "--password-stdin", *args],
        input=password + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("role", ["staff", "supervisor", "interpreter"])
def test_cli_creates_accounts(sqlite_template: Path, tmp_path: Path, role: str) -> None:
    db = tmp_path / "cli.db"
    db.write_bytes(sqlite_template.read_bytes())
    url = f"sqlite+aiosqlite:///{db}"
    done = _run(["--role", role, "--username", "park", "--name", "Park"], "a long password", url)
    assert done.returncode == 0, done.stderr
    assert f"created {role} account 'park'" in done.stdout
    assert "a long password" not in done.stdout + done.stderr

    again = _run(["--role", role, "--username", "park", "--name", "Park"], "a long password", url)
    assert again.returncode == 2
    assert "taken" in again.stderr


def test_cli_refuses_a_short_password(sqlite_template: Path, tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    db.write_bytes(sqlite_template.read_bytes())
    done = _run(
        ["--role", "staff", "--username", "x", "--name", "X"], "short", f"sqlite+aiosqlite:///{db}"
    )
    assert done.returncode == 2
    assert "at least 10 characters" in done.stderr
