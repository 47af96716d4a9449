// The staff wallboard (/staff/wallboard): one staff socket on /ws says `hello`, then `watch`
// {topic: "wallboard"}; the server pushes a `wallboard` message whenever something changes (at
// most once a second). Waits and "since" durations tick here, once a second, from the times in
// the last push, so there is no polling at all. docs/protocol.md describes the message.
import { api, setStatus } from "./api.js";
import { el, replaceChildren } from "./dom.js";
import { lang, nameFor, t } from "./i18n.js";
import { SignalingClient, wsUrl } from "./signaling-client.js";
import { dayLongLabel, formatTime, timeZone } from "./time.js";

const $ = (id) => document.getElementById(id);
const STATES = ["ready", "offered", "in_session", "wrap_up", "away", "offline"];
const LONG_WAIT_S = 120; // a wait past this is shown in red and bold (the FCC's longest mark)
const clockFmt = new Intl.DateTimeFormat(lang === "en" ? "en-US" : "ko-KR", {
  timeZone,
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

let catalog = { languages: [] };
let board = null; // the last `wallboard` message
let skew = 0; // the server's clock minus ours (ms), from the push's `at`
let socket = null;

/** "45 s", "2 min 05 s", "1 h 10 min" from a number of seconds. */
function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return t("dur.s", { s });
  if (s < 3600) return t("dur.ms", { m: Math.floor(s / 60), s: String(s % 60).padStart(2, "0") });
  return t("dur.hm", { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

function secondsSince(iso) {
  return (Date.now() + skew - Date.parse(iso)) / 1000;
}

function languageName(code) {
  return nameFor(catalog.languages, code);
}

function reasonLabel(code) {
  if (!code) return t("wb.reason_none");
  const key = `console.away_reason.${code}`;
  const text = t(key);
  return text === key ? code : text;
}

function percent(part, whole) {
  if (!whole) return t("wb.share_none");
  return t("wb.percent", { p: Math.round((100 * part) / whole) });
}

// --- rendering ------------------------------------------------------------------------------------

function renderWaiting() {
  const rows = [...board.waiting].sort((a, b) => languageName(a.language).localeCompare(languageName(b.language)));
  const total = rows.reduce((sum, row) => sum + row.waiting, 0);
  $("wb-waiting-total").textContent = total ? t("wb.waiting_total", { n: total }) : t("wb.waiting_none");
  replaceChildren(
    $("wb-waiting-body"),
    rows.length
      ? rows.map((row) =>
          el(
            "tr",
            { dataset: { language: row.language, waiting: row.waiting } },
            el("th", { scope: "row" }, languageName(row.language)),
            el("td", { class: "num" }, String(row.waiting)),
            el("td", row.longest_since ? { class: "wb-longest", dataset: { since: row.longest_since } } : {}, row.longest_since ? "" : t("wb.reason_none")),
          ),
        )
      : el("tr", { class: "empty-row" }, el("td", { colspan: 3 }, t("wb.waiting_none"))),
  );
}

function renderInterpreters() {
  const counts = Object.fromEntries(STATES.map((state) => [state, 0]));
  for (const item of board.interpreters) counts[item.state] = (counts[item.state] || 0) + 1;
  for (const state of STATES) {
    const badge = $(`wb-count-${state}`);
    badge.dataset.count = String(counts[state]);
    badge.textContent = t("wb.state_count", { state: t(`console.presence.${state}`), n: counts[state] });
  }
  const order = (state) => (STATES.includes(state) ? STATES.indexOf(state) : STATES.length);
  const rows = [...board.interpreters].sort((a, b) => order(a.state) - order(b.state) || a.display_name.localeCompare(b.display_name));
  replaceChildren(
    $("wb-int-body"),
    rows.length
      ? rows.map((item) =>
          el(
            "tr",
            { dataset: { interpreter: item.interpreter_id, presence: item.state } },
            el("th", { scope: "row" }, item.display_name),
            el("td", {}, (item.languages || []).map(languageName).join(", ")),
            el("td", {}, el("span", { class: "wb-state", dataset: { presence: item.state } }, t(`console.presence.${item.state}`))),
            el("td", {}, reasonLabel(item.reason)),
            el("td", { class: "wb-since", dataset: { since: item.since } }),
          ),
        )
      : el("tr", { class: "empty-row" }, el("td", { colspan: 5 }, t("wb.interpreters_none"))),
  );
}

function renderSpeed() {
  const speed = board.speed_of_answer;
  $("wb-answered").textContent = t("wb.answered", { day: dayLongLabel(board.day), n: speed.answered });
  replaceChildren(
    $("wb-speed-body"),
    [
      ["30", speed.within_30s],
      ["60", speed.within_60s],
      ["120", speed.within_120s],
    ].map(([limit, calls]) =>
      el(
        "tr",
        { dataset: { within: limit } },
        el("th", { scope: "row" }, t(`wb.within.${limit}`)),
        el("td", { class: "num" }, String(calls)),
        el("td", { class: "num" }, percent(calls, speed.answered)),
      ),
    ),
  );
  $("wb-abandoned").textContent = t("wb.abandoned", { n: board.abandoned });
  $("wb-abandoned-wait").textContent =
    board.abandoned_mean_wait_s === null || board.abandoned_mean_wait_s === undefined
      ? t("wb.abandoned_wait_none")
      : t("wb.abandoned_wait", { duration: duration(board.abandoned_mean_wait_s) });
}

/** The clocks: every wait and "since" is redrawn from the last push's times, once a second. */
function tick() {
  for (const cell of document.querySelectorAll(".wb-longest[data-since]")) {
    const seconds = secondsSince(cell.dataset.since);
    cell.textContent = duration(seconds);
    cell.parentElement.dataset.long = String(seconds >= LONG_WAIT_S);
  }
  for (const cell of document.querySelectorAll(".wb-since[data-since]")) {
    cell.textContent = t("wb.since", { time: formatTime(cell.dataset.since), duration: duration(secondsSince(cell.dataset.since)) });
  }
}

function onWallboard(message) {
  board = message;
  const at = Date.parse(message.at);
  skew = Number.isFinite(at) ? at - Date.now() : 0;
  renderWaiting();
  renderInterpreters();
  renderSpeed();
  tick();
  $("wb-updated").textContent = t("wb.updated", { time: clockFmt.format(Number.isFinite(at) ? new Date(at) : new Date()) });
  document.body.dataset.wallboard = "live";
}

// --- the socket -----------------------------------------------------------------------------------

function onMessage(message) {
  if (message.type === "welcome") {
    socket.send({ type: "watch", topic: "wallboard" });
  } else if (message.type === "wallboard") {
    onWallboard(message);
  } else if (message.type === "error" && message.about === "watch") {
    setStatus(t("sig.error", { code: message.code }), "error");
  }
}

function onState(state) {
  const known = ["connecting", "open", "reconnecting", "closed"].includes(state) ? state : "connecting";
  $("wb-conn").dataset.state = known;
  $("wb-conn").textContent = t(`wb.conn.${known}`);
  $("wb-reconnect").hidden = known !== "closed";
}

async function main() {
  socket = new SignalingClient({
    storageKey: "signdesk.resume.wallboard",
    url: async () => wsUrl("/ws"),
    onMessage,
    onState,
  });
  $("wb-reconnect").addEventListener("click", () => socket.start());
  try {
    catalog = await api("GET", "/api/catalog", { quiet: true });
  } catch {
    // language codes are shown as they are
  }
  socket.start();
  setInterval(() => {
    if (board) tick();
  }, 1000);
}

main();
