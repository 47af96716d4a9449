// The /ws signaling socket (docs/protocol.md): `hello` -> `welcome`, the resume token kept in
// sessionStorage (never in a URL), reconnecting with back-off (callers get a fresh one-time ticket
// for every socket), and dispatch of every server message to the page.

// Waits between reconnect attempts; together they stay inside the 60 s resume window.
const BACKOFF_MS = [500, 1000, 2000, 4000, 6000, 8000, 8000, 8000, 8000];
const WELCOME_TIMEOUT_MS = 10_000;
// Close codes after which trying again would not help (docs/protocol.md, "Close codes").
const FINAL_CLOSE = new Map([
  [4409, "already_connected"], // this booking or interpreter has a live socket elsewhere
  [4410, "replaced"], // we resumed on a newer socket (another tab took over)
]);

/** An error thrown by a URL factory that makes reconnecting pointless (ticket refused...). */
export class FinalError extends Error {
  constructor(reason, detail = {}) {
    super(reason);
    this.reason = reason;
    this.detail = detail;
  }
}

/** ws(s)://<this origin><path>, with the query (e.g. the ticket) appended. */
export function wsUrl(path, query = {}) {
  const url = new URL(path, location.origin.replace(/^http/, "ws"));
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.href;
}

export class SignalingClient {
  /**
   * @param {object} options
   * @param {string} options.storageKey  sessionStorage key of the resume token
   * @param {() => Promise<string>} options.url  a fresh socket URL; throw FinalError to give up
   * @param {(message: object) => void} options.onMessage  every server message, `welcome` too
   * @param {(state: string, info?: object) => void} options.onState
   *   "connecting" | "open" | "reconnecting" | "closed" (info.reason: why it gave up)
   */
  constructor({ storageKey, url, onMessage, onState = () => {} }) {
    this.storageKey = storageKey;
    this.url = url;
    this.onMessage = onMessage;
    this.onState = onState;
    this.ws = null;
    this.welcomed = false;
    this.stopped = true;
    this.attempt = 0;
    this.timer = null;
  }

  get open() {
    return Boolean(this.ws && this.ws.readyState === WebSocket.OPEN && this.welcomed);
  }

  /** A resume token of an earlier socket in this tab is kept (e.g. the page was reloaded). */
  get canResume() {
    try {
      return Boolean(sessionStorage.getItem(this.storageKey));
    } catch {
      return false;
    }
  }

  start() {
    this.stopped = false;
    this.attempt = 0;
    this.#connect();
  }

  /** Close on purpose: no reconnect. The resume token is kept unless `forget`. */
  stop({ forget = false } = {}) {
    this.stopped = true;
    clearTimeout(this.timer);
    if (forget) sessionStorage.removeItem(this.storageKey);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close(1000, "bye");
    }
  }

  /** Send one message; false when the socket is not open (the page re-sends after reconnect). */
  send(message) {
    if (!this.open) return false;
    this.ws.send(JSON.stringify({ v: 1, ...message }));
    return true;
  }

  async #connect() {
    clearTimeout(this.timer);
    this.welcomed = false;
    this.onState(this.attempt === 0 ? "connecting" : "reconnecting");
    let href;
    try {
      href = await this.url();
    } catch (error) {
      if (error instanceof FinalError) {
        this.stopped = true;
        this.onState("closed", { reason: error.reason, detail: error.detail });
      } else {
        this.#retry();
      }
      return;
    }
    if (this.stopped) return;
    const ws = new WebSocket(href);
    this.ws = ws;
    const welcomeTimer = setTimeout(() => ws.close(4000, "no welcome"), WELCOME_TIMEOUT_MS);
    ws.addEventListener("open", () => {
      const token = sessionStorage.getItem(this.storageKey);
      ws.send(JSON.stringify(token ? { v: 1, type: "hello", resume_token: token } : { v: 1, type: "hello" }));
    });
    ws.addEventListener("message", (event) => {
      if (ws !== this.ws) return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === "welcome") {
        clearTimeout(welcomeTimer);
        this.welcomed = true;
        this.attempt = 0;
        // A token is single-use: each welcome replaces it (staff get none).
        if (message.resume_token) sessionStorage.setItem(this.storageKey, message.resume_token);
        else sessionStorage.removeItem(this.storageKey);
        this.onState("open", { resumed: Boolean(message.resumed) });
      } else if (message.type === "error" && message.code === "resume_failed") {
        sessionStorage.removeItem(this.storageKey);
      }
      this.onMessage(message);
    });
    ws.addEventListener("close", (event) => {
      clearTimeout(welcomeTimer);
      if (ws !== this.ws) return; // an old socket we replaced or stopped
      this.ws = null;
      this.welcomed = false;
      if (this.stopped) return;
      const final = FINAL_CLOSE.get(event.code);
      if (final) {
        this.stopped = true;
        this.onState("closed", { reason: final });
        return;
      }
      this.#retry();
    });
  }

  #retry() {
    if (this.stopped) return;
    if (this.attempt >= BACKOFF_MS.length) {
      this.stopped = true;
      this.onState("closed", { reason: "failed" });
      return;
    }
    const wait = BACKOFF_MS[this.attempt];
    this.attempt += 1;
    this.onState("reconnecting");
    this.timer = setTimeout(() => this.#connect(), wait);
  }
}
