"""A pytest plugin: the suite scans its own logs for secrets and personal data.

For the whole session every log record at INFO and above (with tracebacks) goes to a file. Every
256-bit-ish token the code makes with `secrets.token_urlsafe` (booking links, walk-in contacts,
session cookies, CSRF and call tickets, resume tokens) is remembered, as are the personal names,
contact details, passwords and ICE credentials the test modules seed. When the session ends the
file is scanned for those, for SDP and ICE candidates, and for any `credential` field; a finding
fails the run and the offending lines are printed with the secret masked.

Registered from `tests/conftest.py`; `-p no:signdesk_log_hygiene` switches it off.
"""

from __future__ import annotations

import ast
import logging
import os
import re
import secrets
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PLUGIN_NAME = "signdesk_log_hygiene"
ROOT = Path(__file__).resolve().parent.parent
# Tokens at least this many random bytes are secrets; shorter ones are ids (sessions "s_" + 12
# bytes and connections "c_" + 9 bytes are meant to be logged).
MIN_SECRET_BYTES = 16
MIN_LITERAL_CHARS = 4

SDP_AND_ICE = re.compile(
    r"a=fingerprint|a=ice-pwd|a=ice-ufrag"
    r"|v=0(?:\r\n|\n|\\r\\n|\\n)o="
    r"|candidate:\S+ \d+ (?i:udp|tcp) "
    r"|(?i:\bcredential)['\"]?\s*[:=]\s*['\"]?[^\s'\",}]+"
)
_TOKENISH = re.compile(r"[A-Za-z0-9_-]{22,}")
_PHONE = re.compile(r"\b01[016789]-\d{3,4}-\d{4}\b")
_EMAIL = re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+\.[a-z]{2,}(?:\.[a-z]{2,})*")
# Module constants whose name says they hold personal data or a secret.
_PERSONAL_CONSTANT = re.compile(r"NAME|CONTACT|PHONE|EMAIL|NOTE|CITIZEN|PASSWORD|CREDENTIAL")
_NOT_PERSONAL = re.compile(r"USERNAME|TOKEN|FILE|PATH|HEADER|COOKIE|FIELD|KEY")
_PERSONAL_KEYS = frozenset({"name", "citizen_name", "display_name", "contact", "note"})
_CITIZENISH = re.compile(r"시민|[Cc]itizen")
_HANGUL = re.compile("[\uac00-\ud7a3]")


@dataclass(frozen=True, slots=True)
class Finding:
    line_no: int
    kind: str
    line: str  # with the secret masked


def mask(line: str, secrets_in_line: Iterable[str], cut: int | None) -> str:
    """`line` with each secret masked, and everything from `cut` on (SDP: what follows the
    marker is key material too)."""
    if cut is not None:
        line = line[:cut] + "…[masked]"
    for secret in sorted(secrets_in_line, key=len, reverse=True):
        line = line.replace(secret, secret[:3] + "…[masked]")
    return line


def _line_index(starts: list[int], offset: int) -> int:
    """The index of the last line start at or before `offset` (binary search)."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


def scan(text: str, literals: Iterable[str], tokens: set[str]) -> list[Finding]:
    """Every line of `text` that holds SDP, an ICE candidate or credential, one of `literals`
    (names, contacts, passwords) or one of `tokens`; the secret is masked in the result."""
    starts = [0, *(m.end() for m in re.finditer("\n", text))]
    hits: dict[tuple[int, str], tuple[set[str], int | None]] = {}

    def add(offset: int, kind: str, secret: str, *, to_end: bool = False) -> None:
        index = _line_index(starts, offset)
        secrets_in_line, cut = hits.setdefault((index, kind), (set(), None))
        secrets_in_line.add(secret)
        if to_end:
            column = offset - starts[index]
            cut = column if cut is None else min(cut, column)
            hits[(index, kind)] = (secrets_in_line, cut)

    for match in SDP_AND_ICE.finditer(text):
        add(match.start(), "sdp/ice", match.group(0), to_end=True)
    words = sorted({w for w in literals if _long_enough(w)}, key=len, reverse=True)
    if words:
        for match in re.finditer("|".join(map(re.escape, words)), text):
            add(match.start(), "personal data or password", match.group(0))
    lengths = sorted({len(t) for t in tokens})
    if lengths:
        for match in _TOKENISH.finditer(text):
            run = match.group(0)
            for size in lengths:
                if size > len(run):
                    break
                for i in range(len(run) - size + 1):
                    if run[i : i + size] in tokens:
                        add(match.start() + i, "token", run[i : i + size])
    findings = []
    for (index, kind), (secrets_in_line, cut) in hits.items():
        end = text.find("\n", starts[index])
        line = text[starts[index] : end if end >= 0 else len(text)]
        findings.append(Finding(index + 1, kind, mask(line, secrets_in_line, cut)))
    return sorted(findings, key=lambda f: (f.line_no, f.kind))


# --- what the tests seed ------------------------------------------------------------------------


def _strings(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value


def seeded_literals(paths: Iterable[Path]) -> set[str]:
    """Names, contact details, passwords and ICE credentials the test modules and the demo seed
    use: module constants named for them, citizen names given as `name=` or `"name":`, and every
    phone number and e-mail address written in them."""
    found: set[str] = set()
    for path in paths:
        source = path.read_text(encoding="utf-8")
        found.update(_PHONE.findall(source))
        found.update(_EMAIL.findall(source))
        tree = ast.parse(source)
        for stmt in tree.body:
            targets: list[ast.expr] = []
            if isinstance(stmt, ast.Assign):
                targets, value = stmt.targets, stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                targets, value = [stmt.target], stmt.value
            for target in targets:
                name = target.id if isinstance(target, ast.Name) else ""
                if _PERSONAL_CONSTANT.search(name) and not _NOT_PERSONAL.search(name):
                    found.update(_strings(value))
        for node in ast.walk(tree):
            pairs: list[tuple[str | None, ast.expr]] = []
            if isinstance(node, ast.keyword):
                pairs.append((node.arg, node.value))
            elif isinstance(node, ast.Dict):
                for dict_key, dict_value in zip(node.keys, node.values, strict=True):
                    if isinstance(dict_key, ast.Constant) and isinstance(dict_key.value, str):
                        pairs.append((dict_key.value, dict_value))
            for key, given in pairs:
                if key in ("credential", "contact", "note"):
                    found.update(_strings(given))
                elif key in _PERSONAL_KEYS:
                    found.update(s for s in _strings(given) if _CITIZENISH.search(s))
                    if key == "display_name" and path.name == "seed.py":
                        found.update(_strings(given))
    return {s.strip() for s in found if _long_enough(s.strip())}


def _long_enough(text: str) -> bool:
    """Korean names are often three syllables; other text needs four characters."""
    return len(text) >= (3 if _HANGUL.search(text) else MIN_LITERAL_CHARS)


def fixture_sources() -> list[Path]:
    # This plugin and its own test plant secrets on purpose; they are not fixtures.
    own = {Path(__file__).resolve(), (ROOT / "tests" / "test_log_hygiene.py").resolve()}
    found = [p for p in sorted((ROOT / "tests").rglob("*.py")) if p.resolve() not in own]
    return [*found, ROOT / "signdesk" / "seed.py"]


# --- the plugin ---------------------------------------------------------------------------------


@dataclass(eq=False)  # pytest keeps plugins in sets: identity hashing
class LogHygiene:
    """Holds the session's log file, the token registry and the original `token_urlsafe`."""

    path: Path
    handler: logging.Handler
    tokens: set[str] = field(default_factory=set)
    original: Callable[..., str] = secrets.token_urlsafe

    @classmethod
    def create(cls) -> LogHygiene:
        handle, name = tempfile.mkstemp(prefix="signdesk-test-log-", suffix=".log")
        os.close(handle)
        handler = logging.FileHandler(name, encoding="utf-8", delay=False)
        handler.setLevel(logging.INFO)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        return cls(Path(name), handler)

    def _remembering(self, nbytes: int | None = None) -> str:
        token = self.original(nbytes)
        if nbytes is None or nbytes >= MIN_SECRET_BYTES:
            self.tokens.add(token)
        return token

    def attach(self) -> None:
        """(Again) on the root logger at INFO: a test that runs Alembic's `fileConfig` resets
        the root logger's handlers and level."""
        root = logging.getLogger()
        if self.handler not in root.handlers:
            root.addHandler(self.handler)
        if root.level > logging.INFO:
            root.setLevel(logging.INFO)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        secrets.token_urlsafe = self._remembering
        self.attach()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self.attach()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_call(self, item: pytest.Item) -> None:
        self.attach()

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        secrets.token_urlsafe = self.original
        logging.getLogger().removeHandler(self.handler)
        self.handler.close()
        text = self.path.read_text(encoding="utf-8", errors="replace")
        findings = scan(text, seeded_literals(fixture_sources()), self.tokens)
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
        if findings:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
            if reporter is not None:
                reporter.write_sep("=", "log hygiene: secrets or personal data in the logs")
                for f in findings[:200]:
                    reporter.write_line(f"{self.path}:{f.line_no}: {f.kind}: {f.line[:300]}")
                reporter.write_line(f"{len(findings)} finding(s); full log: {self.path}")
            return
        if reporter is not None:
            lines = text.count("\n")
            reporter.write_line(
                f"log hygiene: {lines} log lines at INFO, {len(self.tokens)} tokens: clean"
            )
        self.path.unlink(missing_ok=True)


def register(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin(PLUGIN_NAME):
        config.pluginmanager.register(LogHygiene.create(), PLUGIN_NAME)
