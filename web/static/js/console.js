// Interpreter console (/interpreter): today's reservations with a live call state, presence
// (ready / away with a reason, and every state the server sets: offered, in a call, wrap-up), the
// ring of a caller from the live queue (accept / decline), the camera check, the wrap-up after a
// call, and the call view when a caller is matched. The interpreter's page is the offerer
// (docs/protocol.md); a chat-only session has no WebRTC at all. Nothing here relies on sound.
import { api, clearStatus, setStatus } from "./api.js";
import { buzz, createCallView, flashTitle, setTitle } from "./call-view.js";
import { createCameraCheck, DEFAULT_VIDEO } from "./camera.js";
import { createChat } from "./chat.js";
import { el, focusOn, replaceChildren } from "./dom.js";
import { nameFor, pageData, t } from "./i18n.js";
import { createRecordForm } from "./record-form.js";
import { SignalingClient, wsUrl } from "./signaling-client.js";
import { dayLongLabel, formatTime, today } from "./time.js";
import { PeerCall, iceServersOf, openMediaLeg } from "./webrtc.js";

const $ = (id) => document.getElementById(id);
const REFRESH_MS = 60_000;
const TICK_MS = 500; // countdowns are redrawn twice a second, so whole seconds never skip
const resumeWindow = pageData.resume_window_s || 60;
const joinEarlyMs = (pageData.join_early_minutes || 10) * 60_000;
const baseTitle = document.title;

let catalog = { languages: [], topics: [], specialties: [] };
let items = [];
let config = { ice_servers: [], video: DEFAULT_VIDEO };
let camera = null;
let signaling = null;
let callView = null;
let chat = null;
let recordForm = null; // the counseling record of the session (record-form.js)
let presence = "offline";
let presenceReason = null; // away: the interpreter's code, or "missed_offers" (set by the server)
let wrapUntil = 0; // wrap_up: when it ends by itself (ms)
let wantReady = false; // the interpreter asked to be ready (kept across reconnects)
let session = null; // {id, peerName, reservationId, mode}
let peer = null;
let leg = null; // the media leg to the server, when quality assistance is on
let ring = null; // the offer being shown: the `ring` message, plus {deadline, accepting}
let lastRingId = ""; // the latest ring, for a `ring_cancelled` that comes after the banner went
let ringReturnFocus = null;
let missedInRow = 0; // ring timeouts since the last accept or "ready" (as the server counts them)
let ringTimer = null;
let titleTimer = null;
let wrapTimer = null;
// Reservation id -> when the caller joined: callers waiting for us while we are not free
// (`caller_waiting` / `caller_left` on /ws).
const waitingCallers = new Map();

/** "45 s", "2 min 05 s", "1 h 10 min" from a number of seconds. */
function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return t("dur.s", { s });
  if (s < 3600) return t("dur.ms", { m: Math.floor(s / 60), s: String(s % 60).padStart(2, "0") });
  return t("dur.hm", { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

function reasonLabel(code) {
  const key = `console.away_reason.${code}`;
  const text = t(key);
  return text === key ? code : text;
}

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
  if (known || session || ring) return;
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
  if (!session && !ring) {
    setStatus(t(`console.caller_left.${message.reason}`, { name: item ? item.name : "" }), "info");
    setTitle(presence === "wrap_up" ? "title.wrap_up" : "");
  }
  renderList();
}

// --- presence -------------------------------------------------------------------------------------

function renderPresence() {
  const badge = $("presence");
  badge.dataset.presence = presence;
  const state = t(`console.presence.${presence}`);
  badge.textContent =
    presence === "away" && presenceReason
      ? t("console.presence_reason", { state, reason: reasonLabel(presenceReason) })
      : t("console.presence", { state });
  const toggle = $("presence-toggle");
  toggle.textContent = t(presence === "ready" ? "console.go_away" : "console.go_ready");
  toggle.className = presence === "ready" ? "btn btn-secondary" : "btn btn-primary";
  // During wrap-up its own panel offers "ready" and "away"; one set of buttons is enough.
  toggle.hidden = presence === "wrap_up";
  const usable = signaling && signaling.open && (presence === "ready" || presence === "away");
  if (usable) toggle.removeAttribute("aria-disabled");
  else toggle.setAttribute("aria-disabled", "true");
}

/** The missed-offers explanation: visible until the interpreter is ready again. */
function renderPresenceNote() {
  const note = $("presence-note");
  if (presence === "away" && presenceReason === "missed_offers") {
    const text = missedInRow > 0 ? t("console.missed_offers", { n: missedInRow }) : t("console.missed_offers_generic");
    if (note.hidden || $("presence-note-text").textContent !== text) {
      note.hidden = false;
      $("presence-note-text").textContent = text;
    }
  } else if (presence !== "offline") {
    note.hidden = true;
  }
}

function sendAway() {
  wantReady = false;
  signaling.send({ type: "presence", state: "away", reason: $("away-reason").value });
}

async function goReady() {
  if (!signaling.open || !["away", "wrap_up"].includes(presence)) return;
  // A caller may be matched the moment we are ready: the camera must be on first.
  if (!camera.stream && !(await camera.start())) return;
  wantReady = true;
  missedInRow = 0;
  signaling.send({ type: "presence", state: "ready" });
}

async function togglePresence() {
  if (!signaling.open || !(presence === "ready" || presence === "away")) return;
  if (presence === "ready") sendAway();
  else await goReady();
}

function onPresence(message) {
  // The wrap-up is over: the finished call's chat lines leave the screen.
  if (presence === "wrap_up" && message.state !== "wrap_up" && !session) chat.reset();
  presence = message.state;
  presenceReason = message.reason || null;
  wrapUntil = presence === "wrap_up" && message.until ? Date.parse(message.until) : 0;
  if (presence === "away" && presenceReason === "missed_offers") wantReady = false;
  if (presence === "away" && presenceReason && $("away-reason").querySelector(`option[value="${CSS.escape(presenceReason)}"]`)) {
    $("away-reason").value = presenceReason;
  }
  // The offer is over (declined, timed out, or we changed our presence): the banner goes. A
  // `ring_cancelled` that follows still says why.
  if (ring && presence !== "offered" && !(ring.accepting && presence === "in_session")) closeRing();
  renderPresence();
  renderPresenceNote();
  renderWrapUp();
  renderList();
  // After a fresh (not resumed) connection the server starts us away: restore "ready".
  if (presence === "away" && !presenceReason && wantReady && camera.stream && !session) {
    signaling.send({ type: "presence", state: "ready" });
  }
}

// --- wrap-up --------------------------------------------------------------------------------------

function tickWrapUp() {
  const left = Math.ceil((wrapUntil - Date.now()) / 1000);
  $("wrapup-countdown").textContent = !wrapUntil ? "" : left > 0 ? t("wrap.countdown", { s: left }) : t("wrap.countdown_over");
}

function renderWrapUp() {
  const box = $("wrapup");
  const on = presence === "wrap_up";
  clearInterval(wrapTimer);
  wrapTimer = null;
  if (!on) {
    if (!box.hidden) {
      box.hidden = true;
      if (!ring && !session) setTitle("");
    }
    return;
  }
  const wasHidden = box.hidden;
  box.hidden = false;
  tickWrapUp();
  wrapTimer = setInterval(tickWrapUp, TICK_MS);
  if (!session && !ring) setTitle("title.wrap_up");
  if (wasHidden && $("call-ended").hidden) focusOn($("wrapup-heading"));
}

// --- the ring -------------------------------------------------------------------------------------

function ringTitle() {
  return `${t("title.ring", { language: nameFor(catalog.languages, ring.language) })} · ${baseTitle}`;
}

function tickRing() {
  if (!ring) return;
  const left = Math.ceil((ring.deadline - Date.now()) / 1000);
  if (!ring.accepting) {
    $("ring-countdown").textContent = left > 0 ? t("ring.countdown", { s: left }) : t("ring.countdown_over");
  }
  const share = Math.max(0, Math.min(1, (ring.deadline - Date.now()) / (ring.ring_timeout_s * 1000)));
  $("ring-meter-bar").style.width = `${(share * 100).toFixed(1)}%`;
  $("ring-waited").textContent = duration((Date.now() - ring.waitingSince) / 1000);
}

function onRing(message) {
  if (ring && ring.session_id === message.session_id) return; // the same offer again
  if (ring) closeRing();
  setStatus(""); // an older message (an earlier ring's end, say) is out of date now
  const timeout = Math.max(1, Number(message.ring_timeout_s) || 20);
  ring = {
    ...message,
    ring_timeout_s: timeout,
    deadline: Date.now() + timeout * 1000,
    waitingSince: Date.parse(message.waiting_since) || Date.now(),
    accepting: false,
  };
  lastRingId = message.session_id;
  const language = nameFor(catalog.languages, message.language);
  const mode = t(message.mode === "chat" ? "ring.mode.chat" : "ring.mode.video");
  $("ring-what").textContent = t("ring.what", { language, mode });
  $("ring-name").textContent = message.caller_name || t("console.walk_in");
  $("ring-language").textContent = language;
  $("ring-specialty").textContent = message.specialty ? nameFor(catalog.specialties, message.specialty) : t("book.specialty_any");
  $("ring-mode").textContent = mode;
  $("ring-kind").textContent = t(message.kind === "reserved" ? "ring.kind.reserved" : "ring.kind.walk_in");
  $("ring").dataset.mode = message.mode;
  for (const id of ["ring-accept", "ring-decline"]) $(id).removeAttribute("aria-disabled");
  tickRing();
  ringReturnFocus = document.activeElement;
  $("ring").hidden = false;
  document.body.classList.add("ringing");
  focusOn($("ring-accept"));
  ringTimer = setInterval(tickRing, TICK_MS);
  // The title: visible in the tab strip and task bar; it blinks while the page is in the
  // background (once a second: no risk of a seizure-inducing flash rate).
  setTitle("");
  document.title = ringTitle();
  let alt = false;
  titleTimer = setInterval(() => {
    if (!ring) return;
    alt = document.hidden ? !alt : false;
    document.title = alt ? `${t("title.ring_alt")} · ${baseTitle}` : ringTitle();
  }, 1000);
  buzz();
}

/** Take the banner down; `messageKey` says why, in the status bar. */
function closeRing({ messageKey = "", kind = "info" } = {}) {
  if (!ring) {
    if (messageKey) setStatus(t(messageKey), kind);
    return;
  }
  clearInterval(ringTimer);
  clearInterval(titleTimer);
  ringTimer = null;
  titleTimer = null;
  ring = null;
  const box = $("ring");
  const hadFocus = box.contains(document.activeElement);
  box.hidden = true;
  document.body.classList.remove("ringing");
  if (!session) setTitle(presence === "wrap_up" ? "title.wrap_up" : "");
  if (messageKey) setStatus(t(messageKey), kind);
  if (hadFocus && !session) {
    const back = ringReturnFocus && ringReturnFocus.isConnected && ringReturnFocus.offsetParent ? ringReturnFocus : $("presence-toggle");
    if (back && !back.hidden) back.focus();
    else focusOn($("console-heading"));
  }
  ringReturnFocus = null;
}

function acceptRing() {
  if (!ring || ring.accepting) return;
  if (!signaling.send({ type: "accept", session_id: ring.session_id })) {
    setStatus(t("sig.reconnecting"), "error");
    return;
  }
  ring.accepting = true;
  missedInRow = 0;
  for (const id of ["ring-accept", "ring-decline"]) $(id).setAttribute("aria-disabled", "true");
  $("ring-countdown").textContent = t("ring.accepting");
}

function declineRing() {
  if (!ring || ring.accepting) return;
  signaling.send({ type: "decline", session_id: ring.session_id });
  closeRing({ messageKey: "ring.cancelled.declined" });
}

function onRingCancelled(message) {
  if (message.session_id !== lastRingId) return;
  if (message.reason === "timeout") missedInRow += 1;
  const kind = message.reason === "timeout" ? "error" : "info";
  if (ring && ring.session_id === message.session_id) closeRing({ messageKey: `ring.cancelled.${message.reason}`, kind });
  else if (message.reason !== "declined") setStatus(t(`ring.cancelled.${message.reason}`), kind); // we said so already on "decline"
  lastRingId = "";
  renderPresenceNote();
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
  presenceReason = null;
  if (ring) closeRing();
  renderPresence();
  renderWrapUp();
  if (state === "connecting") setStatus(t("sig.connecting"), "busy");
  else if (state === "reconnecting") setStatus(t("sig.reconnecting"), "busy");
  else if (state === "closed") {
    setStatus(t(info.reason === "already_connected" || info.reason === "replaced" ? "console.other_tab" : "sig.failed"), "error");
    $("reconnect").hidden = false;
  }
}

function onMessage(message) {
  if (chat.handle(message)) return; // `chat`, `typing`, and errors about them
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
      onPresence(message);
      break;
    case "ring":
      onRing(message);
      break;
    case "ring_cancelled":
      onRingCancelled(message);
      break;
    case "matched":
      onMatched(message);
      break;
    case "offer":
    case "answer":
    case "ice":
      if (peer) peer.handle(message);
      break;
    case "consents": // the caller withdrew the transcript or recording consent
      if (session && message.session_id === session.id) {
        callView.recording(Boolean(message.recording));
        chat.kept(Boolean(message.transcript_kept));
      }
      break;
    case "leg_answer":
    case "leg_ice":
      if (leg) leg.handle(message); // quality assistance's copy (direct mode)
      if (peer) peer.handle(message); // the call itself (relay mode)
      break;
    case "quality": // the analyzer's hints on our video and the caller's, and who signs now
      if (session && message.session_id === session.id) callView.qualityUpdate(message);
      break;
    case "peer_status":
      if (!session || message.session_id !== session.id) break;
      if (message.status === "disconnected") callView.peerAway(resumeWindow);
      else if (peer) peer.peerReturned();
      else callView.connection("connected"); // a chat: nothing to renegotiate
      break;
    case "ended":
      onEnded(message);
      break;
    case "error":
      if (message.about === "leg_offer" || message.about === "leg_ice") {
        if (leg) leg.refused(message.code); // the call goes on without quality assistance
        if (peer) peer.refused(message.code); // relay mode: the call's own connection
        break;
      }
      if (message.code === "no_offer") {
        closeRing({ messageKey: "ring.gone" });
        break;
      }
      if (!["peer_absent", "not_in_session", "resume_failed", "already_connected"].includes(message.code)) {
        setStatus(t("sig.error", { code: message.code }), "error");
      }
      break;
    default:
      break;
  }
}

function onMatched(message) {
  if (session && session.id === message.session_id) {
    chat.start(message.session_id, Boolean(message.transcript_kept), { peerName: message.peer_name });
    if (peer) peer.restart(); // we came back: offer again on a fresh connection
    else callView.connection("connected");
    if (peer && !(leg && leg.healthy)) startLeg(message); // a media leg that works is kept
    return;
  }
  if (peer) peer.close(); // a stale call: never leave an old connection open
  peer = null;
  closeLeg();
  if (ring) closeRing();
  if (message.reservation_id !== null && message.reservation_id !== undefined) waitingCallers.delete(message.reservation_id);
  const chatOnly = message.mode === "chat";
  session = { id: message.session_id, peerName: message.peer_name, reservationId: message.reservation_id, mode: chatOnly ? "chat" : "video" };
  $("call-ended").hidden = true;
  recordForm.open(message.session_id, { live: true, mode: session.mode });
  flashTitle("title.matched", "title.connecting");
  buzz();
  $("call-view").classList.toggle("chat-only", chatOnly);
  $("call-layout").classList.toggle("chat-only", chatOnly);
  callView.show({ peerName: message.peer_name, stream: chatOnly ? null : camera.stream });
  chat.start(message.session_id, Boolean(message.transcript_kept), { peerName: message.peer_name });
  camera.showPreview(false); // the console (and its preview) is hidden during the call
  renderList();
  if (chatOnly) {
    // No camera, no WebRTC: the chat panel is the session.
    callView.quality(null);
    $("call-view-heading").textContent = t("console.chat_with", { name: message.peer_name });
    callView.connection("connected");
    setStatus(t("console.matched_chat", { name: message.peer_name }), "ok");
    focusOn($("chat-input"));
    return;
  }
  setStatus(t("console.matched", { name: message.peer_name }), "ok");
  peer = new PeerCall({
    sessionId: message.session_id,
    role: message.role_in_session,
    relay: message.relay,
    iceServers: iceServersOf(message, config.ice_servers),
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
  startLeg(message);
}

/** Quality assistance: open the media leg when `matched` asks for it, and say on or off. */
function startLeg(message) {
  closeLeg();
  leg = openMediaLeg(null, message, {
    stream: camera.stream,
    iceServers: iceServersOf(message, config.ice_servers),
    send: (m) => signaling.send(m),
    callView,
  });
}

function closeLeg() {
  if (leg) leg.close();
  leg = null;
}

function endKey(reason, endedBy) {
  if (reason === "hangup") return endedBy === "interpreter" ? "video.end.hangup_self" : endedBy === "staff" ? "video.end.hangup_staff" : "video.end.hangup_peer";
  return `video.end.${reason}`;
}

function onEnded(message) {
  closeLeg();
  if (peer) peer.close();
  peer = null;
  session = null;
  callView.hide();
  $("call-view").classList.remove("chat-only");
  $("call-layout").classList.remove("chat-only");
  // The chat's lines stay readable (for the record) until the wrap-up is over; none: it goes.
  chat.stop();
  if (!$("chat").querySelector(".chat-line")) chat.reset();
  camera.showPreview(true);
  setTitle(presence === "wrap_up" ? "title.wrap_up" : "title.ended");
  $("ended-text").textContent = t(endKey(message.reason, message.ended_by));
  $("call-ended").hidden = false;
  focusOn($("call-ended"));
  renderList();
  load(); // the call record is now stored: the booking shows "call finished"
  recordForm.ended(); // the draft goes to the server now
}

function hangUp(reason = "normal") {
  if (session && signaling.send({ type: "hangup", session_id: session.id, reason })) return;
  onEnded({ reason: "hangup", ended_by: "interpreter" });
}

async function main() {
  recordForm = createRecordForm();
  callView = createCallView({ onHangup: () => hangUp("normal"), side: "interpreter" });
  chat = createChat($("chat"), {
    send: (m) => Boolean(signaling && signaling.send(m)),
    side: "interpreter",
    onIncoming: () => {
      if (document.hidden) flashTitle("title.new_message", "title.in_call");
    },
  });
  $("interp-refresh").addEventListener("click", () => load({ announce: true }));
  $("presence-toggle").addEventListener("click", togglePresence);
  $("away-reason").addEventListener("change", () => {
    if (presence === "away" && signaling.open) sendAway();
  });
  $("ring-accept").addEventListener("click", acceptRing);
  $("ring-decline").addEventListener("click", declineRing);
  $("wrapup-ready").addEventListener("click", goReady);
  $("wrapup-away").addEventListener("click", () => {
    if (presence === "wrap_up" && signaling.open) sendAway();
  });
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
      if (leg) leg.replaceStream(stream);
      if (stream && !(session && session.mode === "chat")) callView.setSelf(stream);
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
