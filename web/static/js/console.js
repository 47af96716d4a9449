// Interpreter console (/interpreter): today's reservations with a live call state, the ready/away
// switch (`presence` on /ws), the camera check, and the call view when a caller is matched. The
// interpreter's page is the offerer (docs/protocol.md).
import { api, clearStatus, setStatus } from "./api.js";
import { buzz, createCallView, flashTitle, setTitle } from "./call-view.js";
import { createCameraCheck, DEFAULT_VIDEO } from "./camera.js";
import { el, focusOn, replaceChildren } from "./dom.js";
import { nameFor, pageData, t } from "./i18n.js";
import { SignalingClient, wsUrl } from "./signaling-client.js";
import { dayLongLabel, formatTime, today } from "./time.js";
import { PeerCall } from "./webrtc.js";

const $ = (id) => document.getElementById(id);
const REFRESH_MS = 60_000;
const resumeWindow = pageData.resume_window_s || 60;
const joinEarlyMs = (pageData.join_early_minutes || 10) * 60_000;

let catalog = { languages: [], topics: [], specialties: [] };
let items = [];
let config = { ice_servers: [], video: DEFAULT_VIDEO };
let camera = null;
let signaling = null;
let callView = null;
let presence = "offline";
let wantReady = false; // the interpreter asked to be ready (kept across reconnects)
let session = null; // {id, peerName, code}
let peer = null;
// Reservation id -> when the caller joined: callers waiting for us while we are not free
// (`caller_waiting` / `caller_left` on /ws).
const waitingCallers = new Map();

// --- today's reservations -----------------------------------------------------------------------

/**
 * The live state of one reservation: in_call (`matched`, by reservation id), caller_waiting
 * (`caller_waiting`: the caller is in the waiting room and we are not free), done, closed,
 * not_arrived or not_started. While the socket is up the server tells us about every caller
 * who waits for us, so "no call" inside the join window means the caller has not arrived.
 */
function callState(item) {
  if (session && session.reservationId === item.id) return "in_call";
  if (item.status !== "booked") return item.status === "completed" ? "done" : null;
  if (waitingCallers.has(item.id)) return "caller_waiting";
  if (item.call) return "done"; // a call session of this booking has ended
  const now = Date.now();
  if (now >= new Date(item.end).getTime()) return "closed";
  const roomOpen = now >= new Date(item.start).getTime() - joinEarlyMs;
  return roomOpen && presence !== "offline" ? "not_arrived" : "not_started";
}

function card(item) {
  const state = callState(item);
  return el(
    "li",
    { class: `card res-card status-${item.status}`, dataset: { code: item.code, callState: state || "" } },
    el(
      "p",
      { class: "res-time" },
      `${formatTime(item.start)}–${formatTime(item.end)}`,
      " ",
      el("span", { class: `badge badge-${item.status}` }, t(`status_name.${item.status}`)),
      state
        ? el(
            "span",
            { class: `live-badge live-${state}` },
            el("span", { class: "visually-hidden" }, `${t("console.state_label")}: `),
            t(`console.state.${state}`),
          )
        : null,
    ),
    el(
      "dl",
      { class: "res-facts" },
      el("dt", {}, t("detail.name")),
      el("dd", {}, item.name),
      el("dt", {}, t("detail.topic")),
      el("dd", {}, nameFor(catalog.topics, item.topic)),
      el("dt", {}, t("detail.language")),
      el("dd", {}, nameFor(catalog.languages, item.language)),
      item.specialty ? [el("dt", {}, t("detail.specialty")), el("dd", {}, nameFor(catalog.specialties, item.specialty))] : null,
      item.note ? [el("dt", {}, t("detail.note")), el("dd", {}, item.note)] : null,
      el("dt", {}, t("manage.code")),
      el("dd", {}, item.code),
    ),
  );
}

function renderList() {
  replaceChildren($("interp-list"), items.length ? items.map(card) : el("li", { class: "empty" }, t("interp.empty")));
}

async function load({ announce = false } = {}) {
  const day = today();
  $("interp-date").textContent = t("interp.date", { day: dayLongLabel(day), zone: pageData.tz_label });
  let data;
  try {
    data = await api("GET", `/api/interpreter/reservations?date=${day}`, {
      progress: announce ? t("status.loading") : "",
      done: announce ? t("interp.loaded") : "",
      quiet: !announce,
    });
  } catch {
    return;
  }
  items = (data.reservations || []).slice().sort((a, b) => new Date(a.start) - new Date(b.start));
  renderList();
}

function onCallerWaiting(message) {
  const known = waitingCallers.has(message.reservation_id);
  waitingCallers.set(message.reservation_id, message.since);
  renderList();
  if (known || session) return;
  const item = items.find((i) => i.id === message.reservation_id);
  flashTitle("title.caller_waiting");
  setStatus(t("console.caller_waiting", { name: item ? item.name : "" }), "ok");
  if (!item) load(); // booked after the list was loaded
}

function onCallerLeft(message) {
  if (!waitingCallers.delete(message.reservation_id)) return;
  const item = items.find((i) => i.id === message.reservation_id);
  clearStatus(t("console.caller_waiting", { name: item ? item.name : "" }));
  // Say why the caller stopped waiting (handed over, hung up, dropped, slot over), in words.
  if (!session) {
    setStatus(t(`console.caller_left.${message.reason}`, { name: item ? item.name : "" }), "info");
    setTitle("");
  }
  renderList();
}

// --- presence -------------------------------------------------------------------------------------

function renderPresence() {
  const badge = $("presence");
  badge.dataset.presence = presence;
  badge.textContent = t("console.presence", { state: t(`console.presence.${presence}`) });
  const toggle = $("presence-toggle");
  toggle.textContent = t(presence === "ready" ? "console.go_away" : "console.go_ready");
  toggle.className = presence === "ready" ? "btn btn-secondary" : "btn btn-primary";
  const usable = signaling && signaling.open && (presence === "ready" || presence === "away");
  if (usable) toggle.removeAttribute("aria-disabled");
  else toggle.setAttribute("aria-disabled", "true");
}

async function togglePresence() {
  if (!signaling.open || !(presence === "ready" || presence === "away")) return;
  if (presence === "ready") {
    wantReady = false;
    signaling.send({ type: "presence", state: "away" });
    return;
  }
  // A caller may be matched the moment we are ready: the camera must be on first.
  if (!camera.stream && !(await camera.start())) return;
  wantReady = true;
  signaling.send({ type: "presence", state: "ready" });
}

// --- the socket -----------------------------------------------------------------------------------

function onSignalingState(state, info = {}) {
  $("reconnect").hidden = true;
  if (state === "open") {
    clearStatus(t("sig.reconnecting"));
    clearStatus(t("sig.connecting"));
    return;
  }
  presence = "offline";
  renderPresence();
  if (state === "connecting") setStatus(t("sig.connecting"), "busy");
  else if (state === "reconnecting") setStatus(t("sig.reconnecting"), "busy");
  else if (state === "closed") {
    setStatus(t(info.reason === "already_connected" || info.reason === "replaced" ? "console.other_tab" : "sig.failed"), "error");
    $("reconnect").hidden = false;
  }
}

function onMessage(message) {
  switch (message.type) {
    case "welcome":
      // The server tells a new socket again about every caller who waits for us.
      waitingCallers.clear();
      renderList();
      // A fresh (not resumed) connection while we were in a call: our place was not kept.
      if (!message.resumed && session) onEnded({ reason: "dropped", ended_by: "interpreter" });
      break;
    case "caller_waiting":
      onCallerWaiting(message);
      break;
    case "caller_left":
      onCallerLeft(message);
      break;
    case "presence":
      presence = message.state;
      renderPresence();
      renderList();
      // After a fresh (not resumed) connection the server starts us away: restore "ready".
      if (presence === "away" && wantReady && camera.stream && !session) {
        signaling.send({ type: "presence", state: "ready" });
      }
      break;
    case "matched":
      onMatched(message);
      break;
    case "offer":
    case "answer":
    case "ice":
      if (peer) peer.handle(message);
      break;
    case "peer_status":
      if (!peer || message.session_id !== session.id) break;
      if (message.status === "disconnected") callView.peerAway(resumeWindow);
      else peer.restart();
      break;
    case "ended":
      onEnded(message);
      break;
    case "error":
      if (!["peer_absent", "not_in_session", "resume_failed", "already_connected"].includes(message.code)) {
        setStatus(t("sig.error", { code: message.code }), "error");
      }
      break;
    default:
      break;
  }
}

function onMatched(message) {
  if (peer && session && session.id === message.session_id) {
    peer.restart(); // we came back: offer again on a fresh connection
    return;
  }
  if (peer) peer.close(); // a stale call: never leave an old connection open
  waitingCallers.delete(message.reservation_id);
  session = { id: message.session_id, peerName: message.peer_name, reservationId: message.reservation_id };
  $("call-ended").hidden = true;
  flashTitle("title.matched", "title.connecting");
  buzz();
  setStatus(t("console.matched", { name: message.peer_name }), "ok");
  callView.show({ peerName: message.peer_name, stream: camera.stream });
  camera.showPreview(false); // the console (and its preview) is hidden during the call
  renderList();
  peer = new PeerCall({
    sessionId: message.session_id,
    role: message.role_in_session,
    iceServers: message.ice_servers && message.ice_servers.length ? message.ice_servers : config.ice_servers,
    stream: camera.stream,
    send: (m) => signaling.send(m),
    onRemoteStream: (stream) => callView.setRemote(stream),
    onState: (state) => {
      callView.connection(state);
      if (state === "connected") clearStatus(t("console.matched", { name: message.peer_name }));
    },
    onStats: ({ fps }) => callView.fps(fps),
    onGiveUp: () => hangUp("media_failed"),
  });
  peer.start();
}

function endKey(reason, endedBy) {
  if (reason === "hangup") return endedBy === "interpreter" ? "video.end.hangup_self" : endedBy === "staff" ? "video.end.hangup_staff" : "video.end.hangup_peer";
  return `video.end.${reason}`;
}

function onEnded(message) {
  if (peer) peer.close();
  peer = null;
  session = null;
  callView.hide();
  camera.showPreview(true);
  setTitle("title.ended");
  $("ended-text").textContent = t(endKey(message.reason, message.ended_by));
  $("call-ended").hidden = false;
  focusOn($("call-ended"));
  renderList();
  load(); // the call record is now stored: the booking shows "call finished"
}

function hangUp(reason = "normal") {
  if (session && signaling.send({ type: "hangup", session_id: session.id, reason })) return;
  onEnded({ reason: "hangup", ended_by: "interpreter" });
}

async function main() {
  callView = createCallView({ onHangup: () => hangUp("normal") });
  $("interp-refresh").addEventListener("click", () => load({ announce: true }));
  $("presence-toggle").addEventListener("click", togglePresence);
  const [cat, callConfig] = await Promise.all([
    api("GET", "/api/catalog", { quiet: true }).catch(() => null),
    api("GET", "/api/call/config", { quiet: true }).catch(() => null),
  ]);
  if (cat) catalog = cat;
  if (callConfig) config = { ...config, ...callConfig };
  camera = createCameraCheck({
    video: config.video,
    onStream: (stream) => {
      if (peer) peer.replaceStream(stream);
      if (stream) callView.setSelf(stream);
    },
  });
  signaling = new SignalingClient({
    storageKey: "signdesk.resume.interpreter",
    url: async () => wsUrl("/ws"),
    onMessage,
    onState: onSignalingState,
  });
  $("reconnect").addEventListener("click", () => signaling.start());
  renderPresence();
  signaling.start();
  await load();
  setInterval(() => {
    if (!session) load();
  }, REFRESH_MS);
}

main();
