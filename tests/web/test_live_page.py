"""The walk-in page (`/live`) and the caller-side templates it shares with `/call/{code}`: the
page is public, renders in Korean and English, keeps to the CSP (no inline script, only JSON
data blocks), carries the CSRF token, asks for consent (required) and for keeping the chat
(separate, optional, unchecked), and never puts a token in a URL. The behaviour is in
`tests/e2e/test_live_caller.py`."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Awaitable, Callable, Mapping
from html.parser import HTMLParser
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from signdesk.app import create_app
from tests.conftest import make_settings
from web.i18n import EN, KO

Client = TestClient[web.Request, web.Application]
WEB = Path(__file__).resolve().parents[2] / "web"

# Rendering does not depend on the database backend: SQLite only.


@pytest.fixture
async def client(
    sqlite_template: Path,
    tmp_path: Path,
    aiohttp_client: Callable[[web.Application], Awaitable[Client]],
) -> Client:
    path = tmp_path / "signdesk.db"
    shutil.copy(sqlite_template, path)
    return await aiohttp_client(
        create_app(make_settings(f"sqlite+aiosqlite:///{path}", chat_max_chars=800))
    )


class _Page(HTMLParser):
    """The bits of a page the checks need: scripts, ids, inputs, inline handlers and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str | None]] = []
        self.ids: list[str] = []
        self.inputs: dict[str, dict[str, str | None]] = {}
        self.inline_handlers: list[str] = []
        self.style_tags = 0
        self.forms: list[dict[str, str | None]] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        element_id = values.get("id")
        if element_id:
            self.ids.append(element_id)
        self.inline_handlers += [name for name, _ in attrs if name.startswith("on")]
        if "style" in values:
            self.inline_handlers.append("style=")
        if tag == "script":
            self.scripts.append(values)
        elif tag == "style":
            self.style_tags += 1
        elif tag in ("input", "textarea", "select") and values.get("id"):
            self.inputs[str(values["id"])] = {"tag": tag, **values}
        elif tag == "form":
            self.forms.append(values)
        elif tag == "meta" and values.get("name"):
            self.meta[str(values["name"])] = values.get("content") or ""


def _parse(body: str) -> _Page:
    page = _Page()
    page.feed(body)
    return page


def _json_block(body: str, block_id: str) -> object:
    pattern = rf'<script type="application/json" id="{block_id}">(.*?)</script>'
    match = re.search(pattern, body, re.S)
    assert match, block_id
    return json.loads(match.group(1))


@pytest.mark.parametrize(("lang", "table"), [("ko", KO), ("en", EN)])
async def test_live_page_renders_in_both_languages(
    client: Client, lang: str, table: Mapping[str, str]
) -> None:
    resp = await client.get(f"/live?lang={lang}")
    assert resp.status == 200
    body = await resp.text()
    assert f'<html lang="{lang}">' in body
    for key in (
        "live.heading",
        "live.closed_heading",
        "live.form_heading",
        "live.mode_video",
        "live.mode_chat",
        "live.consent_agree",
        "chat.consent_label",
        "live.queue_heading",
        "live.leave",
        "chat.heading",
        "survey.heading",
        "survey.stars.1",
        "survey.stars.5",
    ):
        assert table[key] in body, key
    # The page's module gets its strings and settings as JSON, in the page's language.
    strings = _json_block(body, "i18n")
    assert isinstance(strings, dict) and strings["live.ringing"] == table["live.ringing"]
    data = _json_block(body, "page-data")
    assert isinstance(data, dict)
    assert data["lang"] == lang
    assert data["resume_window_s"] == 60
    assert data["chat_max_chars"] == 800


async def test_live_page_keeps_to_the_csp(client: Client) -> None:
    resp = await client.get("/live")
    assert resp.status == 200
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert resp.headers["Cache-Control"] == "no-store"
    page = _parse(await resp.text())
    # Only the page module (by src, same origin) and non-executable JSON data blocks.
    for script in page.scripts:
        if script.get("type") == "application/json":
            assert not script.get("src")
        else:
            assert script == {"type": "module", "src": "/static/js/live.js"}, script
    assert page.inline_handlers == []
    assert page.style_tags == 0
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"
    # The CSRF token rides in a meta tag for the API calls.
    assert len(page.meta.get("csrf-token", "")) >= 20


async def test_live_form_asks_for_consent_and_the_transcript_separately(client: Client) -> None:
    page = _parse(await (await client.get("/live?lang=en")).text())
    consent, transcript = page.inputs["lv-consent"], page.inputs["lv-transcript"]
    assert consent["type"] == "checkbox" and "required" in consent
    assert transcript["type"] == "checkbox"
    assert "checked" not in transcript and "required" not in transcript  # optional, default no
    # Chat only or video, video first; the name is optional and bounded.
    assert page.inputs["lv-mode-video"]["value"] == "video"
    assert page.inputs["lv-mode-chat"]["value"] == "chat"
    assert "required" not in page.inputs["lv-name"]
    assert page.inputs["lv-name"]["maxlength"] == "40"
    # The chat box is bounded by the setting; the survey comment by 500.
    assert page.inputs["chat-input"]["maxlength"] == "800"
    assert page.inputs["sv-comment"]["maxlength"] == "500"
    # Nothing is ever sent in a URL: the form has no action and the fields have no names to
    # serialize (radio groups need one; they carry no secret).
    (form,) = [f for f in page.forms if f.get("id") == "live-form"]
    assert "action" not in form
    for field in ("lv-name", "lv-consent", "lv-transcript", "lv-specialty"):
        assert "name" not in page.inputs[field], field


async def test_live_consent_states_purpose_items_and_retention(client: Client) -> None:
    body = await (await client.get("/live?lang=en")).text()
    for key in ("live.consent_purpose", "live.consent_items", "live.consent_refuse"):
        assert EN[key] in body, key
    assert EN["live.consent_retention"].format(period="1 year") in body


async def test_survey_is_a_labelled_radio_group_with_words(client: Client) -> None:
    body = await (await client.get("/live?lang=en")).text()
    page = _parse(body)
    stars = [page.inputs[f"sv-stars-{n}"] for n in range(1, 6)]
    assert [s["value"] for s in stars] == ["1", "2", "3", "4", "5"]
    assert {s["type"] for s in stars} == {"radio"} and {s["name"] for s in stars} == {"stars"}
    for n in range(1, 6):
        words = re.escape(EN[f"survey.stars.{n}"])
        assert re.search(rf'<label for="sv-stars-{n}">.*?{words}', body)
    assert re.search(r"<fieldset[^>]*data-field=\"stars\"[^>]*>\s*<legend>", body)
    assert page.inputs["sv-resolved-yes"]["name"] == page.inputs["sv-resolved-no"]["name"]


async def test_the_call_page_has_the_chat_the_transcript_consent_and_the_survey(
    client: Client,
) -> None:
    body = await (await client.get("/call/K7F-2QD?lang=en")).text()
    page = _parse(body)
    assert {"chat", "chat-input", "survey", "transcript-consent", "link-state"} <= set(page.ids)
    transcript = page.inputs["transcript-consent"]
    assert transcript["type"] == "checkbox" and "checked" not in transcript
    assert EN["chat.consent_label"] in body
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"


async def test_start_page_offers_help_now_and_a_booking(client: Client) -> None:
    body = await (await client.get("/?lang=en")).text()
    assert re.search(r'<a class="entry-card entry-live" href="/live">', body)
    assert EN["entry.live_title"] in body and EN["entry.book_title"] in body
    assert 'href="#booking-form"' in body


def test_chat_module_never_renders_html() -> None:
    """The chat and survey scripts set text only: no innerHTML, insertAdjacentHTML or links."""
    for name in ("chat.js", "survey.js", "live.js"):
        source = (WEB / "static" / "js" / name).read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in source, (name, sink)
    chat = (WEB / "static" / "js" / "chat.js").read_text(encoding="utf-8")
    assert 'el("a"' not in chat  # a URL in a message stays text, never a live link
