// The caller's video call (/call/{code}#t=<token>): 1. camera check, 2. waiting room, 3. call
// with the text chat beside the video, 4. the end and the survey.
// The link token stays in the URL fragment; for every socket the page trades it for a one-time
// ticket (POST /api/reservations/{code}/ticket) and opens /ws?ticket=... The caller's page
// answers; the interpreter's page makes the offer. A reload (or a dropped socket) within the
// resume window comes back with the resume token kept in sessionStorage.
import { api, ApiError, clearStatus, setStatus } from "./api.js";
import { buzz, createCallView, flashTitle, setLinkState, setTitle } from "./call-view.js";
import { createCameraCheck, DEFAULT_VIDEO } from "./camera.js";
import { createChat } from "./chat.js";
import { focusOn } from "./dom.js";
import { pageData, t } from "./i18n.js";
import { FinalError, SignalingClient, wsUrl } from "./signaling-client.js";
import { createSurvey } from "./survey.js";
import { formatRange, formatTime } from "./time.js";
import { PeerCall, iceServersOf, openMediaLeg } from "./webrtc.js";

const $ = (id) => document.getElementById(id);
const code = (pageData.code || "").toUpperCase();
const resumeWindow = pageData.resume_window_s || 60;
const token = new URLSearchParams(location.hash.replace(/^#/, "")).get("t") || "";

let config = { ice_servers: [], video: DEFAULT_VIDEO };
let camera = null;
let signaling = null;
let session = null; // {id, peerName}
let peer = null;
let leg = null; // the media leg to the server, when quality assistance is on
let earlyTimer = null;
let callView = null;
let chat = null;
let survey = null;
let resumedWelcome = false; // the latest `welcome` took back a kept place
// This tab's call, kept across a reload (never the token): {sessionId, matched}.
const CALL_KEY = `signdesk.call.${code}`;
const CONSENT_KEY = `signdesk.transcript.${code}`;
const RECORDING_CONSENT_KEY = `signdesk.recording.${code}`;

function remembered() {
  try {
    return JSON.parse(sessionStorage.getItem(CALL_KEY) || "null");
  } catch {
    return null;
  }
}

function remember(state) {
  if (state) sessionStorage.setItem(CALL_KEY, JSON.stringify(state));
  else sessionStorage.removeItem(CALL_KEY);
}

function bookingLink() {
  return `/booking/${encodeURIComponent(code)}#t=${encodeURIComponent(token)}`;
}

function keepHashOnLanguageSwitch() {
  const switcher = $("lang-switch");
  if (!switcher) return;
  const url = new URL(switcher.href, location.origin);
  url.hash = location.hash;
  switcher.href = `${url.pathname}${url.search}${url.hash}`;
}

/** Show one of the three steps (or the end notice); the others are hidden. */
function show(step) {
  $("device-check").hidden = step !== "check";
  $("waiting-room").hidden = step !== "waiting";
  $("call-ended").hidden = step !== "ended";
  if (step !== "call") callView.hide();
  // The chat sits beside the video; after the call its lines stay readable below the survey.
  $("chat").hidden = !(step === "call" || (step === "ended" && chat.sessionId));
  // Only the visible step shows the camera; hidden previews would still cost decoding work.
  if (camera) camera.showPreview(step === "check");
  $("wait-self").srcObject = step === "waiting" && camera ? camera.stream : null;
}

function showInvalid(textKey = "call.invalid_text", titleKey = "call.invalid_title") {
  $("call-invalid-title").textContent = t(titleKey);
  $("call-invalid-text").textContent = t(textKey);
  $("call-invalid").hidden = false;
  $("device-check").hidden = true;
  setStatus(t(titleKey), "error");
  focusOn($("call-invalid"));
}

function waitingText(key, params = {}, state = "waiting") {
  $("wait-card").dataset.state = state;
  $("wait-text").textContent = t(key, params);
}

// --- the signaling socket ----------------------------------------------------------------------

/** A fresh one-time ticket for every socket; refusals that will not change end the retries. */
async function ticketUrl() {
  let issued;
  try {
    issued = await api("POST", `/api/reservations/${encodeURIComponent(code)}/ticket`, { token, quiet: true });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status === 0 || error.status >= 500) throw error;
    if (error.code === "too_early") throw new FinalError("too_early", error.fields || {});
    if (error.code === "too_late") throw new FinalError("too_late");
    if (error.code === "not_active") throw new FinalError("not_active");
    if (error.status === 401 || error.status === 404) throw new FinalError("invalid");
    throw error; // 429 and the like: back off and try again
  }
  return wsUrl(issued.ws_path || "/ws", { ticket: issued.ticket });
}

function onSignalingState(state, info = {}) {
  $("reconnect").hidden = true;
  if (state === "reconnecting") {
    setLinkState($("link-state"), "reconnecting");
    setStatus(t("sig.reconnecting"), "busy");
    if (peer) callView.serverLost();
  } else if (state === "connecting") {
    setLinkState($("link-state"), signaling.canResume ? "reconnecting" : "connecting");
  } else if (state === "open") {
    setLinkState($("link-state"), "connected");
    if (info.resumed) setStatus(t("link.back"), "ok");
    else setStatus("");
  } else if (state === "closed") {
    setLinkState($("link-state"), "closed");
    onClosed(info);
  }
}

function onClosed({ reason, detail }) {
  setStatus("");
  if (reason === "too_early") {
    retryWhenOpen(detail && detail.join_from);
    return;
  }
  if (reason === "invalid") {
    endLocally();
    showInvalid();
    return;
  }
  const key = { too_late: "wait.too_late", not_active: "wait.not_active", already_connected: "wait.other_tab", replaced: "wait.replaced" }[reason] || "sig.failed";
  if (session) endLocally();
  chat.stop();
  show("waiting");
  waitingText(key, {}, "problem");
  setTitle("title.ended");
  // Worth another try: the other tab may be closed, or the network back.
  $("reconnect").hidden = !(reason === "already_connected" || reason === "failed");
  setStatus(t(key), "error");
}

/** The waiting room is not open yet: say when, and enter by itself at that time. */
async function retryWhenOpen(joinFrom) {
  let when = joinFrom ? new Date(joinFrom) : null;
  if (!when || Number.isNaN(when.getTime())) {
    // The refusal did not say when: ask the booking (slot start minus the join window).
    try {
      const booking = await api("GET", `/api/reservations/${encodeURIComponent(code)}`, { token, quiet: true });
      when = new Date(new Date(booking.start).getTime() - (pageData.join_early_minutes || 10) * 60_000);
    } catch {
      when = new Date(Date.now() + 60_000);
    }
  }
  waitingText("wait.too_early", { time: formatTime(when.toISOString()) }, "early");
  setTitle("title.waiting");
  clearTimeout(earlyTimer);
  // A little after the opening, and at least every 5 minutes (clocks drift, tabs sleep).
  const wait = Math.min(Math.max(when.getTime() - Date.now() + 2000, 2000), 5 * 60_000);
  earlyTimer = setTimeout(() => signaling && signaling.start(), wait);
}

function onMessage(message) {
  if (chat.handle(message)) return; // `chat`, `typing`, and errors about them
  switch (message.type) {
    case "welcome": {
      // A resumed connection is told where it is. A fresh one joins the waiting room: if we
      // were in a call, our place was not kept (the resume window passed), so that call is over.
      resumedWelcome = Boolean(message.resumed);
      if (message.resumed) break;
      const before = remembered();
      if (session || (before && before.matched)) {
        const wasMatched = Boolean(peer || (before && before.matched));
        endLocally();
        chat.reset();
        remember(null);
        show("waiting");
        waitingText("wait.joining", {}, "joining");
        if (wasMatched) setStatus(t("call.dropped_rejoin"), "error");
      }
      signaling.send({ type: "join", transcript_consent: transcriptConsent(), recording_consent: recordingConsent() });
      break;
    }
    case "waiting":
      if (peer && session && session.id !== message.session_id) endLocally();
      session = { id: message.session_id, peerName: "", matched: false };
      remember({ sessionId: session.id, matched: false });
      if (!peer) {
        show("waiting");
        waitingText(message.status === "connecting" ? "wait.connecting" : "wait.absent");
        setTitle("title.waiting");
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
    case "quality": // the analyzer's hints on our video, and who signs now
      if (session && message.session_id === session.id) callView.qualityUpdate(message);
      break;
    case "peer_status":
      if (!peer || message.session_id !== session.id) break;
      if (message.status === "disconnected") callView.peerAway(resumeWindow);
      else peer.peerReturned();
      break;
    case "ended":
      onEnded(message);
      break;
    case "error":
      onError(message);
      break;
    default:
      break;
  }
}

function onMatched(message) {
  chat.start(message.session_id, Boolean(message.transcript_kept));
  if (peer && session && session.id === message.session_id) {
    // We came back (a dropped socket): close the old connection and answer the interpreter's
    // fresh offer on a new one. A media leg that still works is kept.
    peer.restart();
    if (!(leg && leg.healthy)) startLeg(message);
    return;
  }
  if (peer) endLocally(); // a stale call: never leave an old connection open
  const resuming = resumedWelcome && Boolean(remembered()?.matched);
  session = { id: message.session_id, peerName: message.peer_name, matched: true };
  remember({ sessionId: session.id, matched: true });
  if (resuming) {
    setStatus(t("link.back"), "ok");
  } else {
    flashTitle("title.arrived", "title.connecting");
    buzz();
    setStatus(t("wait.arrived"), "ok");
  }
  show("call");
  callView.show({ peerName: message.peer_name, stream: camera.stream, resuming });
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
      if (state === "connected") {
        clearStatus(t("wait.arrived"));
        clearStatus(t("link.back"));
      }
    },
    onStats: ({ fps }) => callView.fps(fps),
    onGiveUp: () => hangUp("media_failed"),
  });
  peer.start();
  startLeg(message);
}

/** Quality assistance: open the media leg when `matched` asks for it, and say on or off. */
function startLeg(message) {
  leg = openMediaLeg(leg, message, {
    stream: camera.stream,
    iceServers: iceServersOf(message, config.ice_servers),
    send: (m) => signaling.send(m),
    callView,
  });
}

function onError(message) {
  if (message.about === "leg_offer" || message.about === "leg_ice") {
    if (leg) leg.refused(message.code); // the call goes on without quality assistance
    if (peer) peer.refused(message.code); // relay mode: the call's own connection
  } else if (message.about === "join" && message.code === "too_early") {
    retryWhenOpen(null);
    signaling.stop();
  } else if (message.about === "join" && message.code === "too_late") {
    onClosed({ reason: "too_late" });
    signaling.stop();
  } else if (["peer_absent", "not_in_session", "resume_failed", "illegal_state"].includes(message.code)) {
    // Expected around reconnects; the page recovers on the next message.
  } else if (message.code !== "already_connected") {
    setStatus(t("sig.error", { code: message.code }), "error");
  }
}

function endKey(reason, endedBy) {
  if (reason === "hangup") return endedBy === "caller" ? "video.end.hangup_self" : endedBy === "staff" ? "video.end.hangup_staff" : "video.end.hangup_peer";
  return `video.end.${reason}`;
}

function onEnded(message) {
  const ended = session;
  const wasMatched = Boolean(ended && ended.matched) || Boolean(remembered()?.matched);
  const sessionId = (ended && ended.id) || message.session_id;
  endLocally();
  chat.stop();
  remember(null);
  signaling.stop({ forget: true });
  $("ended-text").textContent = t(endKey(message.reason, message.ended_by));
  $("rejoin").hidden = message.reason === "expired";
  // The survey follows every call that was matched (whoever ended it and why).
  if (!(wasMatched && survey.show({ sessionId, token }))) survey.hide();
  show("ended");
  setTitle("title.ended");
  camera.stop(); // the camera is off as soon as the call is over
  focusOn($("ended-heading"));
}

/** Forget the call on this page (the server decides about the session). */
function endLocally() {
  if (leg) leg.close();
  leg = null;
  if (peer) peer.close();
  peer = null;
  session = null;
  callView.hide();
}

function hangUp(reason = "normal") {
  if (session && signaling.send({ type: "hangup", session_id: session.id, reason })) return; // `ended` follows
  onEnded({ reason: "hangup", ended_by: "caller" });
}

// --- steps ------------------------------------------------------------------------------------

/** The transcript consent (optional, unchecked by default), kept for a reload of this tab. */
function transcriptConsent() {
  return $("transcript-consent").checked;
}

/** The recording consent (relay mode with recording only; optional, unchecked by default). */
function recordingConsent() {
  const box = $("recording-consent");
  return Boolean(box && box.checked);
}

async function enterWaitingRoom({ resuming = false } = {}) {
  if (!camera.stream && !(await camera.start())) return;
  show("waiting");
  if (resuming) {
    waitingText("wait.resuming", {}, "reconnecting");
    setLinkState($("link-state"), "reconnecting");
  } else {
    waitingText("wait.joining", {}, "joining");
  }
  setTitle(resuming ? "title.reconnecting" : "title.waiting");
  focusOn($("wait-heading"));
  signaling.start();
}

function leaveWaitingRoom() {
  clearTimeout(earlyTimer);
  if (session) signaling.send({ type: "hangup", session_id: session.id, reason: "normal" });
  signaling.stop({ forget: true });
  remember(null);
  endLocally();
  show("check");
  setTitle("");
  setStatus(t("wait.left"), "ok");
  focusOn($("device-heading"));
}

async function loadBooking() {
  try {
    return await api("GET", `/api/reservations/${encodeURIComponent(code)}`, { token, progress: t("status.loading"), quiet: true });
  } catch (error) {
    if (error instanceof ApiError && [401, 403, 404].includes(error.status)) showInvalid();
    else setStatus(t("err.network"), "error");
    return null;
  }
}

async function main() {
  keepHashOnLanguageSwitch();
  callView = createCallView({
    onHangup: () => hangUp("normal"),
    side: "caller",
    onStopRecording: () => session && signaling.send({ type: "withdraw_consent", session_id: session.id, consent: "recording" }),
  });
  chat = createChat($("chat"), {
    send: (m) => Boolean(signaling && signaling.send(m)),
    side: "caller",
    onIncoming: () => {
      if (document.hidden) flashTitle("title.new_message", "title.in_call");
    },
  });
  survey = createSurvey($("survey"));
  $("transcript-consent").checked = sessionStorage.getItem(CONSENT_KEY) === "1";
  const recordingBox = $("recording-consent");
  if (recordingBox) {
    recordingBox.checked = sessionStorage.getItem(RECORDING_CONSENT_KEY) === "1";
    recordingBox.addEventListener("change", () =>
      sessionStorage.setItem(RECORDING_CONSENT_KEY, recordingConsent() ? "1" : "0"),
    );
  }
  $("transcript-consent").addEventListener("change", () =>
    sessionStorage.setItem(CONSENT_KEY, transcriptConsent() ? "1" : "0"),
  );
  $("call-invalid-link").href = code ? bookingLink() : "/booking";
  $("ended-booking").href = bookingLink();
  if (!code || !token) {
    showInvalid();
    return;
  }
  const [booking, callConfig] = await Promise.all([
    loadBooking(),
    api("GET", "/api/call/config", { quiet: true }).catch(() => null),
  ]);
  if (!booking) return;
  if (callConfig) config = { ...config, ...callConfig };
  setStatus("");
  $("call-slot").textContent = t("call.slot", { when: formatRange(booking.start, booking.end), zone: pageData.tz_label });
  $("call-slot").hidden = false;
  if (booking.status !== "booked") {
    showInvalid("wait.not_active", "call.closed_title");
    return;
  }
  camera = createCameraCheck({
    video: config.video,
    onStream: (stream) => {
      $("enter-room").hidden = !stream;
      if (peer) peer.replaceStream(stream);
      if (leg) leg.replaceStream(stream);
      if (stream) callView.setSelf(stream);
    },
  });
  signaling = new SignalingClient({
    storageKey: `signdesk.resume.${code}`,
    url: ticketUrl,
    onMessage,
    onState: onSignalingState,
  });
  show("check");
  $("enter-room").addEventListener("click", () => enterWaitingRoom());
  $("leave-room").addEventListener("click", leaveWaitingRoom);
  $("reconnect").addEventListener("click", () => {
    $("reconnect").hidden = true;
    waitingText("wait.joining", {}, "joining");
    signaling.start();
  });
  $("rejoin").addEventListener("click", async () => {
    chat.reset();
    survey.hide();
    show("check");
    if (await camera.start()) enterWaitingRoom();
  });
  // A reload (or a tab restored) inside the resume window: go straight back to the call or the
  // waiting room. The camera was allowed before, so it opens without asking again.
  if (signaling.canResume) enterWaitingRoom({ resuming: true });
}

main();
