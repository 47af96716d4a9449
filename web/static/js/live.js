// Live counseling without a booking (/live), for a walk-in caller:
//   closed  -> the hours in words and a booking link instead;
//   open    -> the form (sign language, specialty, video or chat only, optional name, PIPA consent,
//              the separate optional transcript consent) -> POST /api/queue;
//   video   -> the same camera check as a booked call (chat only: no camera is ever asked for);
//   queue   -> position and a wait range from `queue` messages, "ringing", Leave the queue;
//   call    -> the video with the chat beside it, or the chat alone;
//   the end -> the survey (after a call that was answered).
// The contact token and the resume token stay in sessionStorage (never in the URL), so a reload
// within the resume window goes back to the queue or the call: a fresh ticket, `hello` with the
// resume token, and the server says where we are.
import { api, ApiError, clearStatus, errorMessage, setStatus } from "./api.js";
import { buzz, createCallView, flashTitle, setLinkState, setTitle } from "./call-view.js";
import { createCameraCheck, DEFAULT_VIDEO } from "./camera.js";
import { createChat } from "./chat.js";
import { confirmInline, el, focusOn, replaceChildren } from "./dom.js";
import { clearErrors, normalizeFields, showErrors } from "./forms.js";
import { nameFor, nameOf, pageData, t } from "./i18n.js";
import { FinalError, SignalingClient, wsUrl } from "./signaling-client.js";
import { createSurvey } from "./survey.js";
import { formatDate, formatTime } from "./time.js";
import { PeerCall, iceServersOf, openMediaLeg } from "./webrtc.js";

const $ = (id) => document.getElementById(id);
const STORE_KEY = "signdesk.live"; // {contact, sessionId, matched, stage}: this tab only
const RESUME_KEY = "signdesk.resume.live";
const resumeWindow = pageData.resume_window_s || 60;
// API field names -> the form's `data-field` boxes.
const FIELD_OF = { display_name: "caller_name", consent: "live_consent", consent_version: "live_consent" };

let queueStatus = null; // GET /api/queue/status
let config = { ice_servers: [], video: DEFAULT_VIDEO };
let contact = null; // {contact_token, contact_id, mode, language, transcript}
let sessionId = null;
let matched = false;
let stage = "form"; // form | check | queue | call | survey
let camera = null;
let signaling = null;
let callView = null;
let chat = null;
let survey = null;
let peer = null;
let leg = null; // the media leg to the server, when quality assistance is on
let peerName = "";
let resumedWelcome = false;
let askingEnd = false;

// --- what this tab remembers ---------------------------------------------------------------------

function save() {
  if (!contact) {
    sessionStorage.removeItem(STORE_KEY);
    return;
  }
  sessionStorage.setItem(STORE_KEY, JSON.stringify({ contact, sessionId, matched, stage }));
}

function restore() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || "null");
    if (saved && saved.contact && saved.contact.contact_token) return saved;
  } catch {
    // unreadable: start over
  }
  return null;
}

/** Forget the contact and the resume token: the next visit starts with the form. */
function forget() {
  if (signaling) signaling.stop({ forget: true });
  sessionStorage.removeItem(RESUME_KEY);
  contact = null;
  sessionId = null;
  matched = false;
  stage = "form";
  save();
}

const isChat = () => Boolean(contact && contact.mode === "chat");

function languageName(code) {
  return nameFor((queueStatus && queueStatus.languages) || [], code) || code;
}

// --- steps ------------------------------------------------------------------------------------

/** Show one step; everything else is hidden. */
function show(step) {
  $("live-unavailable").hidden = step !== "unavailable";
  $("live-closed").hidden = step !== "closed";
  $("live-start").hidden = step !== "form";
  $("device-check").hidden = step !== "check";
  $("queue-view").hidden = step !== "queue";
  $("call-ended").hidden = step !== "ended";
  const inCall = step === "call";
  if (!inCall || isChat()) callView.hide();
  $("chat-only").hidden = !(inCall && isChat());
  $("chat-actions").hidden = !(inCall && isChat());
  // After the call the chat's lines stay readable below the survey.
  $("chat").hidden = !(inCall || (step === "ended" && chat.sessionId));
  if (camera) camera.showPreview(step === "check");
  const self = $("wait-self");
  const selfStream = step === "queue" && camera && !isChat() ? camera.stream : null;
  self.hidden = !selfStream;
  if (self.srcObject !== selfStream) self.srcObject = selfStream;
}

function whenText(iso) {
  const date = iso ? new Date(iso) : null;
  if (!date || Number.isNaN(date.getTime())) return "";
  return `${formatDate(iso)} ${formatTime(iso)}`;
}

function showClosed(opensAt, { focus = false } = {}) {
  const when = whenText(opensAt);
  $("closed-text").textContent = when ? t("live.closed_until", { when, zone: pageData.tz_label }) : t("live.closed_text");
  show("closed");
  setTitle("");
  setStatus("");
  if (focus) focusOn($("closed-heading"));
}

async function loadStatus() {
  try {
    queueStatus = await api("GET", "/api/queue/status", { progress: t("status.loading"), quiet: true });
    return queueStatus;
  } catch {
    queueStatus = null;
    show("unavailable");
    setStatus(t("live.unavailable_heading"), "error");
    return null;
  }
}

/** How many interpreters of a language are online ({code, interpreters_online} or `online`). */
function onlineCount(entry) {
  if (typeof entry.interpreters_online === "number") return entry.interpreters_online;
  const map = (queueStatus && queueStatus.online) || {};
  return Number(map[entry.code] || 0);
}

function fillForm() {
  const languages = queueStatus.languages || [];
  const chosen = (contact && contact.language) || $("live-form").querySelector('input[name="language"]:checked')?.value || "";
  replaceChildren(
    $("lv-languages"),
    languages.map((entry) => {
      const n = onlineCount(entry);
      const id = `lv-lang-${entry.code}`;
      return el(
        "div",
        { class: "check" },
        el("input", { type: "radio", name: "language", id, value: entry.code, checked: entry.code === chosen || languages.length === 1 }),
        el(
          "label",
          { for: id },
          nameOf(entry),
          " ",
          el("span", { class: "online-count", dataset: { online: n > 0 ? "yes" : "no" } }, n > 0 ? t("live.online_n", { n }) : t("live.online_none")),
        ),
      );
    }),
  );
  const select = $("lv-specialty");
  const keep = select.value;
  replaceChildren(select, select.querySelector("option"), (queueStatus.specialties || []).map((s) => el("option", { value: s.code }, nameOf(s))));
  select.value = keep;
  const closes = whenText(queueStatus.closes_at);
  $("live-open-text").textContent = closes ? t("live.open_until", { time: formatTime(queueStatus.closes_at) }) : t("live.open_now");
}

async function showForm({ focus = false } = {}) {
  const status = queueStatus || (await loadStatus());
  if (!status) return;
  if (!status.open) {
    showClosed(status.opens_at, { focus });
    return;
  }
  fillForm();
  show("form");
  setTitle("");
  if (focus) focusOn($("start-heading"));
}

// --- the form ---------------------------------------------------------------------------------

function formValues() {
  const form = $("live-form");
  return {
    language: form.querySelector('input[name="language"]:checked')?.value || "",
    specialty: $("lv-specialty").value || null,
    mode: form.querySelector('input[name="mode"]:checked')?.value || "",
    name: $("lv-name").value.trim(),
    consent: $("lv-consent").checked,
    transcript: $("lv-transcript").checked,
    recording: Boolean($("lv-recording") && $("lv-recording").checked),
  };
}

function clientErrors(values) {
  const errors = {};
  if (!values.language) errors.language = t("field.language");
  if (!["video", "chat"].includes(values.mode)) errors.mode = t("field.mode");
  if (values.name.length > Number($("lv-name").getAttribute("maxlength") || 40)) errors.caller_name = t("field.caller_name");
  if (!values.consent) errors.live_consent = t("field.live_consent");
  return errors;
}

let sending = false;
function busy(on) {
  sending = on;
  $("lv-submit").setAttribute("aria-disabled", String(on));
  $("lv-progress").hidden = !on;
  $("lv-progress").textContent = on ? t("live.submitting") : "";
}

async function submitForm(event) {
  event.preventDefault();
  if (sending) return;
  const form = $("live-form");
  const summary = $("lv-summary");
  const values = formValues();
  const errors = clientErrors(values);
  if (Object.keys(errors).length) {
    showErrors(form, summary, errors);
    setStatus(t("form.fix_errors"), "error");
    return;
  }
  clearErrors(form, summary);
  const body = {
    language: values.language,
    specialty: values.specialty,
    mode: values.mode,
    consent: true,
    consent_version: (queueStatus && queueStatus.consent_version) || pageData.consent_version,
  };
  if (values.name) body.display_name = values.name;
  busy(true);
  try {
    const created = await api("POST", "/api/queue", { body, progress: t("live.submitting"), quiet: true });
    contact = {
      contact_token: created.contact_token,
      contact_id: created.contact_id,
      mode: created.mode || values.mode,
      language: created.language || values.language,
      transcript: values.transcript,
      recording: values.recording,
    };
    sessionId = null;
    matched = false;
    setStatus("");
    if (isChat()) {
      enterQueue();
    } else {
      stage = "check";
      save();
      show("check");
      focusOn($("device-heading"));
    }
  } catch (error) {
    if (error instanceof ApiError && error.code === "queue_closed") {
      queueStatus = null;
      showClosed((error.fields || {}).opens_at || null, { focus: true });
    } else if (error instanceof ApiError && error.status === 422 && Object.keys(error.fields).length) {
      const messages = {};
      for (const name of Object.keys(normalizeFields(error.fields))) {
        const field = FIELD_OF[name] || name;
        messages[field] = t(`field.${field}`) !== `field.${field}` ? t(`field.${field}`) : t("field.invalid");
      }
      showErrors(form, summary, messages);
      setStatus(t("form.fix_errors"), "error");
    } else {
      showErrors(form, summary, { body: errorMessage(error) });
      setStatus(errorMessage(error), "error");
    }
  } finally {
    busy(false);
  }
}

// --- the socket ---------------------------------------------------------------------------------

/** A fresh one-time ticket for every socket, bought with the contact token. */
async function ticketUrl() {
  let issued;
  try {
    issued = await api("POST", "/api/queue/ticket", { token: contact && contact.contact_token, quiet: true });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status === 0 || error.status >= 500) throw error;
    if (error.code === "queue_closed") throw new FinalError("queue_closed", error.fields || {});
    if (error.code === "contact_expired") throw new FinalError("expired");
    if (error.status === 401 || error.status === 403 || error.status === 404) throw new FinalError("expired");
    throw error; // 429 and the like: back off and try again
  }
  return wsUrl(issued.ws_path || "/ws", { ticket: issued.ticket });
}

function onSignalingState(state, info = {}) {
  $("reconnect").hidden = true;
  const link = $("link-state");
  if (state === "connecting") {
    setLinkState(link, signaling.canResume ? "reconnecting" : "connecting");
  } else if (state === "reconnecting") {
    setLinkState(link, "reconnecting");
    setStatus(t("sig.reconnecting"), "busy");
    if (peer) callView.serverLost();
    if (stage === "call" && isChat()) chatState("reconnecting", "live.chat_detail.server_lost");
  } else if (state === "open") {
    setLinkState(link, "connected");
    if (info.resumed) setStatus(t("link.back"), "ok");
    else setStatus("");
    if (stage === "call" && isChat() && info.resumed) chatState("connected");
  } else if (state === "closed") {
    setLinkState(link, "closed");
    onClosed(info);
  }
}

function onClosed({ reason, detail }) {
  if (reason === "queue_closed") {
    const opensAt = (detail && detail.opens_at) || null;
    endLocally();
    forget();
    queueStatus = null;
    showClosed(opensAt, { focus: true });
    return;
  }
  if (reason === "expired") {
    endLocally();
    forget();
    showForm({ focus: true }).then(() => setStatus(t("live.expired"), "error"));
    return;
  }
  const key = { already_connected: "live.other_tab", replaced: "wait.replaced" }[reason] || "sig.failed";
  endLocally();
  chat.stop();
  show("queue");
  queueText(key, {}, "problem");
  setTitle("title.ended");
  $("reconnect").hidden = !(reason === "already_connected" || reason === "failed");
  setStatus(t(key), "error");
}

function queueText(key, params = {}, state = "waiting", detail = "") {
  $("queue-card").dataset.state = state;
  $("queue-text").textContent = t(key, params);
  $("queue-detail").textContent = detail;
}

/** "2–6 min", "up to 3 min", "about 3 min" or "within a minute", from a range in seconds. */
function waitRange(low, high) {
  if (high <= 60) return t("live.wait_under_minute");
  const lo = Math.max(0, Math.floor(low / 60));
  const hi = Math.max(lo, Math.ceil(high / 60));
  if (lo === 0) return t("live.wait_up_to", { n: hi });
  if (lo === hi) return t("live.wait_about", { n: hi });
  return t("live.wait_range", { low: lo, high: hi });
}

function onQueue(message) {
  sessionId = message.session_id;
  stage = "queue";
  save();
  if ($("queue-view").hidden) show("queue");
  const language = languageName(message.language || contact.language);
  const online = t("live.online_detail", { n: message.interpreters_online ?? 0, language });
  $("queue-book").hidden = true;
  if (message.status === "ringing") {
    queueText("live.ringing", {}, "arrived", online);
    flashTitle("title.ringing", "title.ringing");
    buzz();
    return;
  }
  if (message.wait_low_s === null || message.wait_high_s === null || message.wait_low_s === undefined) {
    queueText("live.position_none", { n: message.position, language }, "early", t("live.none_online", { language }));
    $("queue-book").hidden = false;
  } else {
    queueText("live.position", { n: message.position, language, wait: waitRange(message.wait_low_s, message.wait_high_s) }, "waiting", online);
  }
  setTitle("title.waiting");
}

function onMessage(message) {
  if (chat.handle(message)) return; // `chat`, `typing`, and errors about them
  switch (message.type) {
    case "welcome":
      resumedWelcome = Boolean(message.resumed);
      if (message.resumed) break; // the server tells us where we are (`queue` or `matched`)
      if (matched) {
        // Our place was not kept: the resume window passed while we were away.
        onEnded({ reason: "dropped", ended_by: "caller", session_id: sessionId });
        return;
      }
      if (sessionId) setStatus(t("live.place_lost"), "error"); // the window passed while away
      sessionId = null;
      queueText("live.joining", {}, "joining");
      signaling.send({
        type: "join",
        transcript_consent: Boolean(contact && contact.transcript),
        recording_consent: Boolean(contact && contact.recording),
      });
      break;
    case "queue":
      onQueue(message);
      break;
    case "waiting": // a booked caller's message; a walk-in should not get it, but say something
      sessionId = message.session_id;
      queueText("live.joining", {}, "joining");
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
      if (message.session_id === sessionId) {
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
      if (message.session_id === sessionId) callView.qualityUpdate(message);
      break;
    case "peer_status":
      if (message.session_id !== sessionId) break;
      if (message.status === "disconnected") {
        if (peer) callView.peerAway(resumeWindow);
        if (isChat()) chatState("reconnecting", "live.chat_detail.peer_away", { s: resumeWindow });
      } else {
        if (peer) peer.peerReturned();
        if (isChat()) chatState("connected");
      }
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

function chatState(state, detailKey = "", params = {}) {
  const box = $("chat-state");
  box.dataset.state = state;
  $("chat-state-text").textContent = t(`video.state.${state}`);
  $("chat-detail").textContent = detailKey ? t(detailKey, params) : "";
  const title = { connected: "title.in_call", reconnecting: "title.reconnecting", ended: "title.ended" }[state];
  if (title) setTitle(title);
}

function onMatched(message) {
  const again = matched && sessionId === message.session_id;
  sessionId = message.session_id;
  peerName = message.peer_name || "";
  const mode = message.mode || contact.mode;
  if (mode !== contact.mode) contact.mode = mode;
  const resuming = again || (resumedWelcome && matched);
  matched = true;
  stage = "call";
  save();
  chat.start(message.session_id, Boolean(message.transcript_kept));
  if (mode === "chat") {
    if (peer) endLocally();
    show("call");
    $("chat-only-heading").textContent = peerName ? t("live.chat_with", { name: peerName }) : t("live.chat_heading_plain");
    chatState("connected");
    if (!resuming) {
      flashTitle("title.arrived", "title.in_call");
      buzz();
      setStatus(t("live.chat_arrived"), "ok");
      focusOn($("chat-only-heading"));
    } else {
      setStatus(t("link.back"), "ok");
    }
    return;
  }
  if (peer && peer.sessionId === message.session_id) {
    // We came back (a dropped socket): drop the old connection and answer the fresh offer.
    // A media leg that still works is kept.
    peer.restart();
    if (!(leg && leg.healthy)) startLeg(message);
    return;
  }
  if (peer) endLocally();
  if (resuming) {
    setStatus(t("link.back"), "ok");
  } else {
    flashTitle("title.arrived", "title.connecting");
    buzz();
    setStatus(t("wait.arrived"), "ok");
  }
  show("call");
  callView.show({ peerName, stream: camera && camera.stream, resuming });
  peer = new PeerCall({
    sessionId: message.session_id,
    role: message.role_in_session,
    relay: message.relay,
    iceServers: iceServersOf(message, config.ice_servers),
    stream: camera && camera.stream,
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
    stream: camera && camera.stream,
    iceServers: iceServersOf(message, config.ice_servers),
    send: (m) => signaling.send(m),
    callView,
  });
}

function onError(message) {
  if (message.about === "leg_offer" || message.about === "leg_ice") {
    if (leg) leg.refused(message.code); // the call goes on without quality assistance
    if (peer) peer.refused(message.code); // relay mode: the call's own connection
  } else if (message.about === "join" && message.code === "capacity") {
    queueText("live.full", {}, "problem");
    setStatus(t("live.full"), "error");
  } else if (message.about === "join" && message.code === "illegal_state") {
    // Already queued (a second `join` after a reconnect): the server's next `queue` says where.
  } else if (["peer_absent", "not_in_session", "resume_failed", "illegal_state", "already_connected"].includes(message.code)) {
    // Expected around reconnects; the page recovers on the next message.
  } else {
    setStatus(t("sig.error", { code: message.code }), "error");
  }
}

function endKey(reason, endedBy) {
  if (reason === "abandoned" || reason === "expired") return `live.end.${reason}`;
  if (reason === "hangup") return endedBy === "caller" ? "video.end.hangup_self" : endedBy === "staff" ? "video.end.hangup_staff" : "video.end.hangup_peer";
  return `video.end.${reason}`;
}

function onEnded(message) {
  const wasMatched = matched;
  const id = sessionId || message.session_id;
  const token = contact && contact.contact_token;
  endLocally();
  chat.stop();
  if (signaling) signaling.stop({ forget: true });
  $("ended-text").textContent = t(endKey(message.reason, message.ended_by));
  $("ended-heading").textContent = t(wasMatched ? "live.ended_heading" : "live.left_heading");
  // Everyone whose call was answered gets the survey; leaving the queue is not a call.
  const asking = wasMatched && survey.show({ sessionId: id, token });
  if (!asking) survey.hide();
  if (asking) {
    stage = "survey";
    sessionId = id;
    save();
  } else {
    forget();
  }
  show("ended");
  setTitle("title.ended");
  if (camera) camera.stop(); // the camera is off as soon as the call is over
  focusOn($("ended-heading"));
}

/** Forget the media of the call on this page (the server decides about the session). */
function endLocally() {
  if (leg) leg.close();
  leg = null;
  if (peer) peer.close();
  peer = null;
  callView.hide();
}

function hangUp(reason = "normal") {
  if (sessionId && signaling && signaling.send({ type: "hangup", session_id: sessionId, reason })) return; // `ended` follows
  onEnded({ reason: "hangup", ended_by: "caller", session_id: sessionId });
}

let askingLeave = false;
/** Ask first: leaving gives up the place in the queue. */
async function confirmLeave() {
  if (askingLeave) return;
  askingLeave = true;
  const yes = await confirmInline($("queue-actions"), {
    question: t("live.leave_question"),
    yes: t("live.leave_yes"),
    no: t("live.leave_no"),
    returnFocus: $("leave-queue"),
  });
  askingLeave = false;
  if (yes) leaveQueue();
}

/** Leave the queue: the server records it as abandoned and answers `ended`. */
function leaveQueue() {
  if (sessionId && signaling && signaling.send({ type: "hangup", session_id: sessionId, reason: "normal" })) return;
  // Not in the queue yet (or no socket): just stop here.
  endLocally();
  forget();
  if (camera) camera.stop();
  onEnded({ reason: "abandoned", ended_by: "caller", session_id: null });
}

async function enterQueue({ resuming = false } = {}) {
  if (!isChat() && !(camera.stream || (await camera.start()))) {
    // The camera did not open: the check says why; the place (if any) is kept for a while.
    show("check");
    return;
  }
  stage = stage === "call" ? "call" : "queue";
  save();
  show("queue");
  if (resuming) {
    queueText("live.resuming", {}, "reconnecting");
    setLinkState($("link-state"), "reconnecting");
    setTitle("title.reconnecting");
  } else {
    queueText("live.joining", {}, "joining");
    setTitle("title.waiting");
  }
  focusOn($("queue-heading"));
  signaling.start();
}

// --- start -------------------------------------------------------------------------------------

async function main() {
  callView = createCallView({
    onHangup: () => hangUp("normal"),
    side: "caller",
    onStopRecording: () => sessionId && signaling.send({ type: "withdraw_consent", session_id: sessionId, consent: "recording" }),
  });
  chat = createChat($("chat"), {
    send: (m) => Boolean(signaling && signaling.send(m)),
    side: "caller",
    onIncoming: () => {
      if (document.hidden) flashTitle("title.new_message", "title.in_call");
    },
  });
  survey = createSurvey($("survey"), {
    onDone: () => {
      forget();
      focusOn($("live-again"));
    },
  });
  signaling = new SignalingClient({ storageKey: RESUME_KEY, url: ticketUrl, onMessage, onState: onSignalingState });

  $("live-form").addEventListener("submit", submitForm);
  $("live-retry").addEventListener("click", async () => {
    if (await loadStatus()) showForm({ focus: true });
  });
  $("enter-queue").addEventListener("click", () => enterQueue());
  $("check-back").addEventListener("click", () => {
    if (camera) camera.stop();
    forget();
    showForm({ focus: true });
  });
  $("leave-queue").addEventListener("click", confirmLeave);
  $("reconnect").addEventListener("click", () => {
    $("reconnect").hidden = true;
    queueText("live.joining", {}, "joining");
    signaling.start();
  });
  $("live-again").addEventListener("click", async () => {
    survey.hide();
    chat.reset();
    forget();
    queueStatus = null;
    await showForm({ focus: true });
  });
  $("chat-end").addEventListener("click", async () => {
    if (askingEnd) return;
    askingEnd = true;
    const yes = await confirmInline($("chat-actions"), {
      question: t("live.chat_end_question"),
      yes: t("video.hangup_yes"),
      no: t("video.hangup_no"),
      returnFocus: $("chat-end"),
    });
    askingEnd = false;
    if (yes) hangUp("normal");
  });

  const [callConfig] = await Promise.all([api("GET", "/api/call/config", { quiet: true }).catch(() => null)]);
  if (callConfig) config = { ...config, ...callConfig };
  camera = createCameraCheck({
    video: config.video,
    onStream: (stream) => {
      $("enter-queue").hidden = !stream;
      if (peer) peer.replaceStream(stream);
      if (leg) leg.replaceStream(stream);
      if (stream) callView.setSelf(stream);
    },
  });

  const saved = restore();
  if (saved) {
    contact = saved.contact;
    sessionId = saved.sessionId || null;
    matched = Boolean(saved.matched);
    stage = saved.stage || "queue";
    queueStatus = await api("GET", "/api/queue/status", { quiet: true }).catch(() => null);
    if (stage === "survey") {
      // The call is over; the survey was not answered yet.
      $("ended-text").textContent = t("live.survey_pending");
      $("ended-heading").textContent = t("live.ended_heading");
      if (survey.show({ sessionId, token: contact.contact_token })) {
        show("ended");
        return;
      }
      forget();
    } else if (stage === "check") {
      show("check");
      return;
    } else if (signaling.canResume || sessionId) {
      enterQueue({ resuming: true });
      return;
    } else {
      forget();
    }
  }
  await showForm();
}

main();
