// The text chat panel (`_chat.html`), shared by the caller's pages and the interpreter console.
//
//   const chat = createChat(document.getElementById("chat"), { send, side: "caller" });
//   chat.start(sessionId, transcriptKept);   // on `matched` (again after a resume: same id keeps the log)
//   if (chat.handle(message)) return;         // server `chat`, `typing`, and `error` about chat/typing
//   chat.stop();                              // on `ended`: the log stays readable, input is closed
//
// Plain text only: every line is set with textContent, never parsed as HTML, and a URL stays text
// (no live link). Lines are shown in the server's `seq` order and de-duplicated by `seq`, because
// a page that resumes is sent the recent lines again. The other side's typing is shown in words.
// Enter sends, Shift+Enter starts a new line (and Enter while an IME is composing Korean does not
// send). `typing` goes out at most every TYPING_EVERY_MS while typing, and `false` when stopped.
import { el, replaceChildren } from "./dom.js";
import { t } from "./i18n.js";
import { formatTime } from "./time.js";

const DEFAULT_MAX_CHARS = 1000;
const TYPING_EVERY_MS = 2000; // re-send `typing: true` no more often than this while typing
const TYPING_IDLE_MS = 3000; // no key for this long: `typing: false`
const PEER_TYPING_TTL_MS = 6000; // hide the other side's indicator if no refresh came
const PENDING_TIMEOUT_MS = 10_000; // the server's copy of a sent line should be back by then
const NEAR_LIMIT = 0.9; // the counter turns to a warning from this share of the limit

/**
 * Wire up one chat panel.
 * @param {HTMLElement} root  the `_chat.html` section
 * @param {object} options
 * @param {(message: object) => boolean} options.send  signaling send; false when not connected
 * @param {"caller"|"interpreter"} options.side  who this page is (the server's `sender` values)
 * @param {(message: object) => void} [options.onIncoming]  a new line from the other side
 *   (e.g. to change the window title while the tab is in the background)
 */
export function createChat(root, { send, side, onIncoming = () => {} }) {
  const part = (name) => root.querySelector(`[data-chat="${name}"]`);
  const log = part("log");
  const form = part("form");
  const input = part("input");
  const count = part("count");
  const typingLine = part("typing");
  const status = part("status");
  const note = part("note");
  const withdraw = part("withdraw");
  if (withdraw) {
    withdraw.addEventListener("click", () => {
      if (sessionId) send({ type: "withdraw_consent", session_id: sessionId, consent: "transcript" });
    });
  }
  const empty = part("empty");
  const sendButton = part("send");
  const max = Number(root.dataset.maxChars) || Number(input.getAttribute("maxlength")) || DEFAULT_MAX_CHARS;
  const peer = side === "caller" ? "interpreter" : "caller";

  let sessionId = null;
  let active = false;
  let peerName = "";
  const lines = new Map(); // seq -> <li>
  let typingOn = false;
  let typingSentAt = 0;
  let idleTimer = null;
  let peerTimer = null;
  let pending = ""; // the last line sent, until the server's copy comes back
  let pendingTimer = null;

  input.setAttribute("maxlength", String(max));

  function say(key, kind = "info", params = {}) {
    status.textContent = key ? t(key, params) : "";
    status.dataset.kind = key ? kind : "";
  }

  function updateCount() {
    const n = input.value.length;
    count.textContent = t("chat.count", { n, max });
    count.dataset.state = n >= max ? "full" : n >= max * NEAR_LIMIT ? "near" : "";
  }

  function senderLabel(sender) {
    if (sender === side) return t("chat.you");
    if (peerName) return peerName;
    return t(`chat.sender.${sender}`);
  }

  function lineFor(message) {
    const mine = message.sender === side;
    const when = message.at ? formatTime(message.at) : "";
    return el(
      "li",
      { class: `chat-line ${mine ? "chat-mine" : "chat-theirs"}`, dataset: { seq: message.seq, sender: message.sender } },
      el(
        "p",
        { class: "chat-meta" },
        el("span", { class: "chat-who" }, senderLabel(message.sender)),
        when ? " " : "",
        when ? el("time", { datetime: message.at }, when) : "",
      ),
      // textContent (via `el`): "<b>" stays the four characters, a URL stays plain text.
      el("p", { class: "chat-text" }, String(message.text ?? "")),
    );
  }

  /** Add a server line in `seq` order; false if it was already shown (a replay after resume). */
  function addLine(message) {
    const seq = Number(message.seq);
    if (!Number.isFinite(seq) || lines.has(seq)) return false;
    const node = lineFor(message);
    let after = null; // the first shown line with a larger seq (lines usually come in order)
    for (const [shown, li] of lines) if (shown > seq && (!after || shown < Number(after.dataset.seq))) after = li;
    log.insertBefore(node, after);
    lines.set(seq, node);
    empty.hidden = true;
    const box = log.closest(".chat-log") || log;
    box.scrollTop = box.scrollHeight;
    return true;
  }

  function showPeerTyping(on) {
    clearTimeout(peerTimer);
    typingLine.hidden = !on;
    if (!on) return;
    typingLine.textContent = peerName ? t("chat.typing_named", { name: peerName }) : t(`chat.typing.${peer}`);
    peerTimer = setTimeout(() => showPeerTyping(false), PEER_TYPING_TTL_MS);
  }

  function sendTyping(on) {
    if (!sessionId) return;
    send({ type: "typing", session_id: sessionId, active: on });
  }

  function stopTyping() {
    clearTimeout(idleTimer);
    if (!typingOn) return;
    typingOn = false;
    sendTyping(false);
  }

  function clearPending() {
    clearTimeout(pendingTimer);
    pending = "";
    if (status.dataset.kind === "busy") say("");
  }

  /** Give the unsent text back to the writer (never lose what they typed). */
  function restorePending() {
    if (pending && !input.value) {
      input.value = pending;
      updateCount();
    }
    clearTimeout(pendingTimer);
    pending = "";
  }

  function submit() {
    if (!active) return;
    const text = input.value.trim();
    if (!text) {
      say("chat.err_empty", "error");
      input.focus();
      return;
    }
    if (text.length > max) {
      say("chat.err_too_long", "error", { max });
      return;
    }
    if (!send({ type: "chat", session_id: sessionId, text })) {
      say("chat.err_offline", "error");
      return;
    }
    stopTyping();
    pending = text;
    input.value = "";
    updateCount();
    say("chat.sending", "busy");
    clearTimeout(pendingTimer);
    pendingTimer = setTimeout(() => {
      if (!pending) return;
      restorePending();
      say("chat.err_unconfirmed", "error");
    }, PENDING_TIMEOUT_MS);
    input.focus();
  }

  input.addEventListener("keydown", (event) => {
    // Enter sends; Shift+Enter is a new line; Enter that ends an IME composition (Korean) is not a send.
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    submit();
  });
  input.addEventListener("input", () => {
    updateCount();
    if (status.dataset.kind === "error") say("");
    if (!active) return;
    if (!input.value) {
      stopTyping();
      return;
    }
    const now = Date.now();
    if (!typingOn || now - typingSentAt >= TYPING_EVERY_MS) {
      typingOn = true;
      typingSentAt = now;
      sendTyping(true);
    }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });

  function setOpen(open) {
    active = open;
    input.disabled = !open;
    sendButton.disabled = !open;
  }

  updateCount();
  setOpen(false);

  return {
    /** The session the chat belongs to (null before `start`). */
    get sessionId() {
      return sessionId;
    },

    /**
     * Open the chat for `id`. Called again with the same id (after a resume) it keeps the log;
     * a different id starts an empty one. `transcriptKept`: the caller agreed the chat is kept.
     */
    start(id, transcriptKept, { peerName: name = "" } = {}) {
      if (id !== sessionId) {
        lines.clear();
        replaceChildren(log);
        empty.hidden = false;
        restorePending();
      }
      sessionId = id;
      peerName = name || "";
      this.kept(transcriptKept);
      root.hidden = false;
      setOpen(true);
      if (!pending) say("");
    },

    /** Whether the transcript is kept now: at the start, and after the caller withdrew it
     * (`consents`). The caller gets a button to withdraw it while it is kept. */
    kept(transcriptKept) {
      note.textContent = t(transcriptKept ? "chat.kept" : "chat.not_kept");
      note.dataset.kept = transcriptKept ? "true" : "false";
      if (withdraw) withdraw.hidden = !(transcriptKept && side === "caller");
    },

    /** A server message; true when it was the chat's (`chat`, `typing`, an `error` about them). */
    handle(message) {
      if (!message || typeof message !== "object") return false;
      if (message.type === "chat") {
        if (message.session_id !== sessionId) return true;
        const fresh = addLine(message);
        if (message.sender === side) {
          if (pending && message.text === pending) clearPending();
        } else {
          showPeerTyping(false);
          if (fresh) onIncoming(message);
        }
        return true;
      }
      if (message.type === "typing") {
        if (message.session_id === sessionId && message.sender !== side) showPeerTyping(Boolean(message.active));
        return true;
      }
      if (message.type === "error" && (message.about === "chat" || message.about === "typing")) {
        if (message.about === "typing") return true; // an indicator that did not go out: no matter
        restorePending();
        const key = {
          rate_limited: "chat.err_rate_limited",
          invalid: "chat.err_invalid",
          too_large: "chat.err_invalid",
          peer_absent: "chat.err_peer_absent",
          not_in_session: "chat.err_closed",
          illegal_state: "chat.err_closed",
        }[message.code] || "chat.err_other";
        say(key, "error", { max });
        return true;
      }
      return false;
    },

    /** The session is over: no more input, the lines stay readable. */
    stop() {
      stopTyping();
      showPeerTyping(false);
      clearTimeout(pendingTimer);
      pending = "";
      if (sessionId) say("chat.closed", "info");
      setOpen(false);
    },

    /** Hide the panel and forget the session (a new contact starts from scratch). */
    reset() {
      this.stop();
      sessionId = null;
      lines.clear();
      replaceChildren(log);
      empty.hidden = false;
      input.value = "";
      updateCount();
      say("");
      root.hidden = true;
    },
  };
}
