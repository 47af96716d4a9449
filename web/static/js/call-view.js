// The call view shared by the caller's page and the interpreter console (`_call_view.html`): the
// other signer large, the self view small, the connection state in words AND colour, the received
// frame rate, and hang-up with a confirm step. Nothing here relies on sound.
import { confirmInline, focusOn } from "./dom.js";
import { t } from "./i18n.js";
import { knownHints, renderHints } from "./quality-hints.js";

// Received frame rate below POOR_FPS for POOR_AFTER polls in a row shows "poor connection";
// it clears again at GOOD_FPS (the gap keeps the label from flickering).
const POOR_FPS = 12;
const GOOD_FPS = 18;
const POOR_AFTER = 3;

const baseTitle = document.title;
let flashTimer = null;

function stopFlash() {
  clearInterval(flashTimer);
  flashTimer = null;
}

/** Put a state in front of the window title ("● In call · Video call · SignDesk"). */
export function setTitle(key) {
  stopFlash();
  document.title = key ? `${t(key)} · ${baseTitle}` : baseTitle;
}

/**
 * Like setTitle, but while the page is in the background the title blinks, so the change shows
 * in the tab strip or task bar of someone looking at another window.
 */
export function flashTitle(key, thenKey = key) {
  setTitle(thenKey);
  if (!document.hidden) return;
  let on = false;
  flashTimer = setInterval(() => {
    on = !on;
    document.title = `${t(on ? key : thenKey)} · ${baseTitle}`;
  }, 1000);
  document.addEventListener("visibilitychange", () => setTitle(thenKey), { once: true });
}

/** A short vibration where phones support it: a signal that needs neither sound nor looking. */
export function buzz() {
  try {
    if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
  } catch {
    // not allowed here (no user gesture yet): the visible changes remain
  }
}

/**
 * The state of the signaling link in words, colour and shape (`.link-state` markup:
 * a `.call-state-dot` and a `.link-state-text`): connecting | connected | reconnecting | closed.
 */
export function setLinkState(node, state) {
  if (!node) return;
  node.dataset.state = state;
  const text = node.querySelector(".link-state-text") || node;
  text.textContent = t(`link.${state}`);
}

const STATE_OF = {
  new: "connecting",
  connecting: "connecting",
  connected: "connected",
  disconnected: "reconnecting",
  failed: "reconnecting",
};

/**
 * `side` is this page's member in the call: "caller" or "interpreter". It decides which of the
 * server's `quality` messages are about our own video (hints in full) and which about the other
 * member's (the interpreter sees the caller's as small indicators).
 */
export function createCallView({ onHangup, side = "caller", onStopRecording = null }) {
  const $ = (id) => document.getElementById(id);
  const root = $("call-view");
  const remote = $("remote-video");
  const self = $("self-video");
  const hangup = $("hangup");
  const stopRecording = $("stop-recording");
  if (stopRecording && onStopRecording) stopRecording.addEventListener("click", () => onStopRecording());
  const peerSide = side === "caller" ? "interpreter" : "caller";
  let state = "connecting";
  let low = 0;
  let asking = false;
  // Quality assistance: the latest hints per side, who signs now, and this page's pin.
  let hints = { caller: [], interpreter: [] };
  let activeSigner = null;
  let pinned = null; // null, side (our own video) or peerSide
  let qualityOn = false;

  /** The spotlight (outline and label) on the active signer, or on the pinned video, which also
   * takes the large place. The pin is this page's own choice; the server is not told. */
  function renderSpotlight() {
    const lit = pinned || activeSigner;
    for (const [who, tileId, labelId, pinId] of [
      [peerSide, "remote-tile", "remote-tile-label", "pin-remote"],
      [side, "self-tile", "self-tile-label", "pin-self"],
    ]) {
      const tile = $(tileId);
      const label = $(labelId);
      const pin = $(pinId);
      if (!tile || !label) continue;
      tile.dataset.spotlight = String(qualityOn && lit === who);
      const kind = !qualityOn ? "" : pinned === who ? "pinned" : !pinned && activeSigner === who ? "signing" : "";
      label.dataset.kind = kind;
      label.textContent = kind ? t(`quality.${kind}`) : "";
      label.hidden = !kind;
      if (pin) {
        pin.hidden = !qualityOn;
        pin.setAttribute("aria-pressed", String(pinned === who));
      }
    }
    const stage = $("call-stage");
    if (stage) stage.dataset.large = qualityOn && pinned === side ? "self" : "remote";
  }

  function renderQuality() {
    renderHints($("my-hints"), qualityOn ? hints[side] : [], { title: t("quality.my_hints") });
    // Only the interpreter is told the caller's hints; the caller's page never shows these.
    const peer = qualityOn && side === "interpreter" ? hints[peerSide] : [];
    renderHints($("peer-hints"), peer, { title: t("quality.peer_hints"), short: true });
    renderSpotlight();
  }

  function resetQuality() {
    hints = { caller: [], interpreter: [] };
    activeSigner = null;
    pinned = null;
    renderQuality();
  }

  for (const [pinId, who] of [
    ["pin-remote", () => peerSide],
    ["pin-self", () => side],
  ]) {
    const button = $(pinId);
    if (!button) continue;
    button.addEventListener("click", () => {
      pinned = pinned === who() ? null : who();
      renderSpotlight();
    });
  }

  function render(detailKey, params = {}) {
    const box = $("call-state");
    if (box.dataset.state !== state) {
      box.dataset.state = state;
      $("call-state-text").textContent = t(`video.state.${state}`);
    }
    $("call-detail").textContent = detailKey ? t(detailKey, params) : "";
  }

  // A word of explanation where it helps; "connected" and "ended" speak for themselves.
  function setState(next, detailKey = ["connected", "ended"].includes(next) ? "" : `video.detail.${next}`, params = {}) {
    state = next;
    render(detailKey, params);
    const title = { connecting: "title.connecting", connected: "title.in_call", poor: "title.in_call", reconnecting: "title.reconnecting", ended: "title.ended" }[next];
    setTitle(title);
  }

  hangup.addEventListener("click", async () => {
    if (asking) return;
    asking = true;
    const yes = await confirmInline($("call-actions"), {
      question: t("video.hangup_question"),
      yes: t("video.hangup_yes"),
      no: t("video.hangup_no"),
      returnFocus: hangup,
    });
    asking = false;
    if (yes) onHangup();
  });

  return {
    get state() {
      return state;
    },

    /** `resuming`: we are coming back to a call (a reload): "reconnecting" until connected. */
    show({ peerName, stream, resuming = false }) {
      root.hidden = false;
      document.body.classList.add("in-call");
      remote.setAttribute("aria-label", t("video.remote_label", { name: peerName || "" }));
      $("call-view-heading").textContent = peerName ? t("video.with", { name: peerName }) : t("video.heading_plain");
      self.srcObject = stream || null;
      $("call-fps").textContent = t("video.fps_none");
      low = 0;
      resetQuality();
      setState(resuming ? "reconnecting" : "connecting");
      focusOn($("call-view-heading"));
    },

    setRemote(stream) {
      if (remote.srcObject !== stream) remote.srcObject = stream;
    },

    setSelf(stream) {
      self.srcObject = stream || null;
    },

    /** RTCPeerConnection.connectionState -> connecting | connected | reconnecting. */
    connection(pcState) {
      const next = STATE_OF[pcState];
      if (!next) return;
      if (next === "connected" && state === "poor") return; // stays poor until the fps recovers
      low = 0;
      // A new connection after a drop: still "reconnecting" (in words) until it is connected.
      if (next === "connecting" && state === "reconnecting") {
        setState("reconnecting", "video.detail.reconnecting");
        return;
      }
      setState(next);
    },

    /** Our own signaling socket dropped: the call is kept for the resume window. */
    serverLost() {
      low = 0;
      setState("reconnecting", "video.detail.server_lost");
    },

    /** The other member's socket dropped; their place is kept for `seconds`. */
    peerAway(seconds) {
      setState("reconnecting", "video.detail.peer_away", { s: seconds });
    },

    fps(value) {
      if (value === null || value === undefined) return;
      $("call-fps").textContent = t("video.fps", { fps: Math.round(value) });
      if (state === "connected" && value < POOR_FPS) {
        low += 1;
        if (low >= POOR_AFTER) setState("poor");
      } else if (state === "poor" && value >= GOOD_FPS) {
        low = 0;
        setState("connected");
      } else if (value >= POOR_FPS) {
        low = 0;
      }
    },

    ended() {
      setState("ended");
    },

    /**
     * Quality assistance in words: "on" (the media leg is open or opening), "off" (this server
     * has it off), "unavailable" (the leg failed; the call goes on without it), or null (a chat:
     * nothing to say).
     */
    quality(value) {
      const node = $("call-quality");
      if (!node) return;
      node.hidden = !value;
      node.dataset.state = value || "";
      node.textContent = value ? t(`quality.${value}`) : "";
      qualityOn = value === "on";
      if (!qualityOn) {
        // Off or failed: hints would only grow stale, and nobody is spotlighted any more.
        hints = { caller: [], interpreter: [] };
        activeSigner = null;
        pinned = null;
      }
      renderQuality();
    },

    /** Relay mode: this call is recorded (the caller consented). Shown for the whole call. */
    recording(on) {
      const node = $("call-recording");
      if (node) node.hidden = !on;
      const stop = $("stop-recording");
      if (stop) stop.hidden = !(on && side === "caller" && onStopRecording);
    },

    /** A `quality` message: the hints on one side's video now, and who signs now. */
    qualityUpdate(message) {
      if (!message || !(message.side in hints)) return;
      hints = { ...hints, [message.side]: knownHints(message.hints) };
      activeSigner = message.active_signer === "caller" || message.active_signer === "interpreter" ? message.active_signer : null;
      renderQuality();
    },

    hide() {
      qualityOn = false;
      this.recording(false);
      resetQuality();
      root.hidden = true;
      document.body.classList.remove("in-call");
      remote.srcObject = null;
      self.srcObject = null;
      const box = $("call-actions").querySelector(".inline-confirm");
      if (box) box.remove();
      asking = false;
    },
  };
}
