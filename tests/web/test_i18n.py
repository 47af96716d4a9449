"""The Korean and English string tables, and how pages pick and remember a language."""

from __future__ import annotations

import re
import shutil
import string
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from scheduler.domain import Channel, ExceptionKind, ReservationStatus
from signdesk.app import create_app
from signdesk.settings import Settings
from tests.conftest import make_settings
from web.i18n import EN, KO, STRINGS, js_strings, lookup, translate
from web.pages import LANG_COOKIE

Client = TestClient[web.Request, web.Application]


WEB = Path(__file__).resolve().parents[2] / "web"
TEMPLATES = sorted((WEB / "templates").glob("*.html"))
SCRIPTS = sorted((WEB / "static" / "js").glob("*.js"))

# t('key') / t("key") in templates and scripts; a key ending in "." is built at run time
# (`t('weekday.' ~ d)` or t(`status_name.${status}`)), so it must be the prefix of some key.
_T_CALL = re.compile(r"""\bt\(\s*(['"`])([A-Za-z0-9_.]+?)(?:\$\{[^}]*\})?\1""")
_T_PREFIX = re.compile(r"""\bt\(\s*(['"`])([A-Za-z0-9_]+\.)(?:\1\s*~|\$\{)""")
_DATA_FIELD = re.compile(r'data-field="([a-z_]+)"')


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _used_keys() -> tuple[set[str], set[str]]:
    keys: set[str] = set()
    prefixes: set[str] = set()
    for path in [*TEMPLATES, *SCRIPTS]:
        text = path.read_text(encoding="utf-8")
        prefixes.update(match.group(2) for match in _T_PREFIX.finditer(text))
        keys.update(m.group(2) for m in _T_CALL.finditer(text) if not m.group(2).endswith("."))
    return keys, prefixes


def test_both_languages_have_the_same_keys() -> None:
    assert set(KO) - set(EN) == set(), "keys only in Korean"
    assert set(EN) - set(KO) == set(), "keys only in English"


@pytest.mark.parametrize("lang", sorted(STRINGS))
def test_no_string_is_empty(lang: str) -> None:
    empty = [key for key, text in STRINGS[lang].items() if not text.strip()]
    assert empty == []


def test_placeholders_match_between_languages() -> None:
    differ = {key for key in KO if _placeholders(KO[key]) != _placeholders(EN[key])}
    assert differ == set()


def test_templates_and_scripts_use_only_existing_keys() -> None:
    keys, prefixes = _used_keys()
    assert keys, "the scan found no t('...') calls: the pattern is broken"
    assert sorted(keys - set(EN)) == []
    for prefix in prefixes:
        assert any(key.startswith(prefix) for key in EN), f"no key starts with {prefix!r}"


def test_keys_built_at_run_time_exist() -> None:
    needed = (
        [f"status_name.{s.value}" for s in ReservationStatus]
        + [f"channel.{c.value}" for c in Channel]
        + [f"exception.{k.value}" for k in ExceptionKind]
        + [f"weekday.{d}" for d in range(7)]
        + [f"err.{code}" for code in ("slot_taken", "slot_unavailable", "not_found", "csrf")]
        + [f"err.{code}" for code in ("not_active", "not_started", "network", "internal")]
    )
    assert [key for key in needed if key not in EN] == []


def test_every_form_field_has_an_error_message() -> None:
    fields: set[str] = set()
    for path in TEMPLATES:
        fields.update(_DATA_FIELD.findall(path.read_text(encoding="utf-8")))
    assert fields
    assert sorted(f for f in fields if f"field.{f}" not in EN) == []


def test_lookup_falls_back_to_english_then_the_key() -> None:
    assert lookup("ko", "book.submit") == KO["book.submit"]
    assert lookup("en", "book.submit") == EN["book.submit"]
    assert lookup("xx", "book.submit") == EN["book.submit"]
    assert lookup("ko", "no.such.key") == "no.such.key"


def test_translate_fills_placeholders_and_keeps_unknown_ones() -> None:
    assert translate("en", "slots.free", n=3) == "3 free"
    assert translate("ko", "slots.free", n=3) == "남은 3"
    assert translate("en", "slots.free") == "{n} free"
    assert (
        translate("en", "book.done", wrong=1)
        == "Your booking is confirmed. Your booking code is {code}."
    )


def test_js_strings_are_complete_for_each_language() -> None:
    assert set(js_strings("ko")) == set(EN)
    assert js_strings("ko")["book.submit"] == KO["book.submit"]
    assert js_strings("en")["book.submit"] == EN["book.submit"]


# --- pages: choosing and remembering the language ------------------------------------------
# Language choice does not touch the database, so these run on SQLite only (the shared `client`
# fixture would run each twice, on SQLite and PostgreSQL).


@pytest.fixture
def sqlite_settings(sqlite_template: Path, tmp_path: Path) -> Settings:
    path = tmp_path / "signdesk.db"
    shutil.copy(sqlite_template, path)
    return make_settings(f"sqlite+aiosqlite:///{path}")


@pytest.fixture
async def client(
    sqlite_settings: Settings,
    aiohttp_client: Callable[[web.Application], Awaitable[Client]],
) -> Client:
    return await aiohttp_client(create_app(sqlite_settings))


def _html_lang(body: str) -> str:
    match = re.search(r'<html lang="([a-z]+)">', body)
    assert match, "no <html lang>"
    return match.group(1)


async def test_pages_default_to_korean(client: Client) -> None:
    resp = await client.get("/")
    assert resp.status == 200
    body = await resp.text()
    assert _html_lang(body) == "ko"
    assert "SignDesk 수어 상담" in body
    assert LANG_COOKIE not in resp.cookies


async def test_lang_query_switches_and_is_remembered(client: Client) -> None:
    resp = await client.get("/?lang=en")
    body = await resp.text()
    assert _html_lang(body) == "en"
    assert EN["book.heading"] in body
    cookie = resp.cookies[LANG_COOKIE]
    assert cookie.value == "en"
    assert int(cookie["max-age"]) > 300 * 24 * 3600

    again = await client.get("/login")
    assert _html_lang(await again.text()) == "en"

    back = await client.get("/login?lang=ko")
    assert _html_lang(await back.text()) == "ko"
    assert back.cookies[LANG_COOKIE].value == "ko"


async def test_unknown_language_falls_back_to_korean(client: Client) -> None:
    resp = await client.get("/?lang=xx")
    assert _html_lang(await resp.text()) == "ko"
    assert LANG_COOKIE not in resp.cookies


async def test_language_switch_link_keeps_the_other_parameters(client: Client) -> None:
    resp = await client.get("/login?next=%2Fstaff")
    body = await resp.text()
    match = re.search(r'id="lang-switch" href="([^"]+)"', body)
    assert match
    assert match.group(1).replace("&amp;", "&") == "/login?next=%2Fstaff&lang=en"


async def test_redirect_to_log_in_still_remembers_the_language(client: Client) -> None:
    resp = await client.get("/staff?lang=en", allow_redirects=False)
    assert resp.status == 303
    assert resp.cookies[LANG_COOKIE].value == "en"


async def test_js_strings_are_embedded_as_safe_json(client: Client) -> None:
    body = await (await client.get("/?lang=ko")).text()
    match = re.search(r'<script type="application/json" id="i18n">(.*?)</script>', body, re.S)
    assert match
    assert "</" not in match.group(1)
    assert KO["book.submit"] in match.group(1)
