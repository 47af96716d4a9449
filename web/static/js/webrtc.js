// One call's media: an RTCPeerConnection per negotiation, offer/answer/ICE over the signaling
// socket, the video sender tuned for signing, and what this page receives (frames per second).
//
// The interpreter's page is the offerer (docs/protocol.md). Every offer is a fresh
// RTCPeerConnection pair: after `peer_status: reconnected`, or when the media fails, the offerer
// makes a new connection and offer, and the answerer drops its old one and answers.
//
// Relay mode (`matched.relay`, docs/protocol.md "Relay mode and recording"): there is no P2P
// connection. Each page is the offerer of its own connection to the server (`leg_offer`,
// sendrecv) and shows what the server sends back; the other page's reconnects do not touch it.

const STATS_EVERY_MS = 1000; // the visible frame rate
const REPORT_EVERY_MS = 5000; // `stats` to the server, for the session record
const FAILED_RETRY_MS = 2000; // the offerer starts over this long after `failed`
const MAX_RETRIES = 2; // ... this many times, then hangs up with `media_failed`

/**
 * Prefer keeping the frame rate over the resolution when bandwidth or CPU run short: moving
 * hands at 25-30 fps matter more to signing than sharp edges. Browsers that do not support it
 * (or a stream without encodings yet) keep their defaults.
 */
async function tuneVideoSender(sender) {
  if (!sender || !sender.track || sender.track.kind !== "video") return;
  try {
    const params = sender.getParameters();
    params.degradationPreference = "maintain-framerate";
    for (const encoding of params.encodings || []) encoding.maxFramerate = 30;
    await sender.setParameters(params);
  } catch (error) {
    console.debug("video sender kept its defaults:", error && error.name);
  }
}

export class PeerCall {
  /**
   * @param {object} o
   * @param {string} o.sessionId
   * @param {"offerer"|"answerer"} o.role
   * @param {RTCIceServer[]} o.iceServers  from `matched`, passed to RTCPeerConnection as is
   * @param {MediaStream|null} o.stream  the local camera
   * @param {(message: object) => boolean} o.send  signaling send
   * @param {(stream: MediaStream) => void} o.onRemoteStream
   * @param {(state: string) => void} o.onState  RTCPeerConnection.connectionState
   * @param {(stats: {fps: number|null, width: number, height: number}) => void} o.onStats
   * @param {() => void} o.onGiveUp  the media never connected: the page hangs up (media_failed)
   * @param {{max_width: number, max_height: number, max_fps: number}|null} [o.relay]
   *   `matched.relay`: the call goes through the server (this page offers, over `leg_*`)
   */
  constructor(o) {
    Object.assign(this, o);
    this.relay = o.relay || null;
    if (this.relay) this.role = "offerer";
    const prefix = this.relay ? "leg_" : "";
    this.types = { offer: `${prefix}offer`, answer: `${prefix}answer`, ice: `${prefix}ice` };
    this.pc = null;
    this.pendingIce = [];
    this.queue = Promise.resolve();
    this.retries = 0;
    this.closed = false;
    this.reported = ""; // the last `media` state sent for this connection
    this.last = null; // {framesDecoded, at} from the previous stats poll
    this.samples = []; // fps samples since the last report
    this.size = null; // {width, height} of the latest received frame, for the report
    this.statsTimer = setInterval(() => this.#poll(), STATS_EVERY_MS);
    this.reportTimer = setInterval(() => this.#report(), REPORT_EVERY_MS);
  }

  /** The offerer starts negotiating; the answerer waits for the offer. */
  start() {
    if (this.role === "offerer") this.#offer();
  }

  /**
   * The other member came back (or we did): negotiate again from scratch. The offerer makes a
   * fresh connection and offer; the answerer closes its old connection at once (its media and
   * candidates belong to a negotiation that is over) and answers the next offer on a new one.
   * Queued behind any step in progress, so an offer being answered is never cut in half.
   */
  restart() {
    this.retries = 0;
    this.queue = this.queue.then(() => {
      if (this.closed) return;
      if (this.role === "offerer") return this.#offer();
      this.#newPeer();
    });
    return this.queue;
  }

  /** The other member's page came back (`peer_status: reconnected`). P2P: negotiate again.
   * Relay mode: nothing to do, this page's connection is to the server and still stands. */
  peerReturned() {
    if (!this.relay) return this.restart();
    return this.queue;
  }

  /** Relay mode: the server could not open this page's connection (`leg_failed`, `capacity`).
   * Try again a little later, then give up as a failed P2P call does. */
  refused(code) {
    if (!this.relay || this.closed) return;
    console.info("relayed connection refused:", code);
    this.#failed();
  }

  /** A relayed `offer`, `answer` or `ice` for this session (`leg_answer`, `leg_ice` in relay
   * mode); handled one at a time, in order. Other types are ignored. */
  handle(message) {
    const type = Object.keys(this.types).find((k) => this.types[k] === message.type);
    if (!type) return this.queue;
    this.queue = this.queue.then(() => this.#handle({ ...message, type }));
    return this.queue;
  }

  async #handle(message) {
    if (this.closed || message.session_id !== this.sessionId) return;
    try {
      if (message.type === "offer" && this.role === "answerer") {
        // Every offer is a new negotiation: a new RTCPeerConnection, the old one closed.
        const pc = this.#newPeer();
        await pc.setRemoteDescription({ type: "offer", sdp: message.sdp });
        this.#addLocalTracks(pc);
        await pc.setLocalDescription(await pc.createAnswer());
        if (pc !== this.pc) return; // replaced (a newer offer, restart or close) meanwhile
        await this.#flushIce(pc);
        this.send({ type: this.types.answer, session_id: this.sessionId, sdp: pc.localDescription.sdp });
        for (const sender of pc.getSenders()) await tuneVideoSender(sender);
      } else if (message.type === "answer" && this.role === "offerer" && this.pc) {
        if (this.pc.signalingState !== "have-local-offer") return; // a stale answer
        await this.pc.setRemoteDescription({ type: "answer", sdp: message.sdp });
        await this.#flushIce(this.pc);
        for (const sender of this.pc.getSenders()) await tuneVideoSender(sender);
      } else if (message.type === "ice") {
        if (!message.candidate) return; // end of candidates: nothing to do for trickle ICE
        if (this.pc && this.pc.remoteDescription) await this.#addIce(this.pc, message.candidate);
        else this.pendingIce.push(message.candidate);
      }
    } catch (error) {
      console.warn("negotiation step failed:", error && error.name);
    }
  }

  /** Another camera was chosen: swap the track without renegotiating. */
  async replaceStream(stream) {
    this.stream = stream;
    if (!this.pc || !stream) return;
    const track = stream.getVideoTracks()[0];
    const sender = this.pc.getSenders().find((s) => s.track && s.track.kind === "video");
    if (sender && track) await sender.replaceTrack(track);
  }

  close() {
    this.closed = true;
    clearInterval(this.statsTimer);
    clearInterval(this.reportTimer);
    clearTimeout(this.retryTimer);
    if (this.pc) this.pc.close();
    this.pc = null;
  }

  // --- internals

  #newPeer() {
    if (this.pc) this.pc.close();
    this.pendingIce = [];
    this.reported = "";
    this.last = null;
    this.size = null;
    const pc = new RTCPeerConnection({ iceServers: this.iceServers || [] });
    this.pc = pc;
    pc.addEventListener("icecandidate", (event) => {
      if (pc !== this.pc) return;
      this.send({ type: this.types.ice, session_id: this.sessionId, candidate: event.candidate ? event.candidate.toJSON() : null });
    });
    pc.addEventListener("track", (event) => {
      if (pc !== this.pc) return;
      this.onRemoteStream(event.streams[0] || new MediaStream([event.track]));
    });
    pc.addEventListener("connectionstatechange", () => {
      if (pc !== this.pc) return;
      this.#connectionChanged(pc);
    });
    this.onState("connecting");
    return pc;
  }

  #addLocalTracks(pc) {
    if (!this.stream) return;
    for (const track of this.stream.getVideoTracks()) pc.addTrack(track, this.stream);
  }

  /** Relay mode: one sendrecv video transceiver, the camera within `relay`'s bounds. */
  #addRelayTransceiver(pc) {
    const track = this.stream && this.stream.getVideoTracks()[0];
    if (!track) {
      pc.addTransceiver("video", { direction: "recvonly" });
      return;
    }
    const settings = track.getSettings ? track.getSettings() : {};
    const scale = Math.max(1, (settings.width || 640) / this.relay.max_width, (settings.height || 480) / this.relay.max_height);
    pc.addTransceiver(track, {
      direction: "sendrecv",
      streams: [this.stream],
      sendEncodings: [{ scaleResolutionDownBy: scale, maxFramerate: this.relay.max_fps }],
    });
  }

  async #offer() {
    if (this.closed) return;
    const pc = this.#newPeer();
    if (this.relay) this.#addRelayTransceiver(pc);
    else this.#addLocalTracks(pc);
    if (!this.stream && !this.relay) pc.addTransceiver("video", { direction: "recvonly" });
    try {
      await pc.setLocalDescription(await pc.createOffer());
      if (pc !== this.pc) return;
      this.send({ type: this.types.offer, session_id: this.sessionId, sdp: pc.localDescription.sdp });
    } catch (error) {
      console.warn("could not make an offer:", error && error.name);
    }
  }

  /** The offerer starts over a little later, at most MAX_RETRIES times, then gives up. */
  #failed() {
    if (this.role !== "offerer") return;
    if (this.retries >= MAX_RETRIES) {
      this.onGiveUp();
      return;
    }
    this.retries += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.#offer(), FAILED_RETRY_MS);
  }

  async #flushIce(pc) {
    const queued = this.pendingIce;
    this.pendingIce = [];
    for (const candidate of queued) await this.#addIce(pc, candidate);
  }

  async #addIce(pc, candidate) {
    try {
      await pc.addIceCandidate(candidate);
    } catch {
      // A candidate of an older connection (its ufrag no longer matches): ignore it.
    }
  }

  #connectionChanged(pc) {
    const state = pc.connectionState;
    this.onState(state);
    if (["connected", "disconnected", "failed"].includes(state) && this.reported !== state) {
      this.reported = state;
      this.send({ type: "media", session_id: this.sessionId, state });
    }
    if (state === "connected") this.retries = 0;
    if (state === "failed") this.#failed();
  }

  /** Received frames per second from `framesDecoded` deltas (framesPerSecond as a fallback). */
  async #poll() {
    const pc = this.pc;
    if (!pc || pc.connectionState === "closed") return;
    let inbound = null;
    try {
      const report = await pc.getStats();
      for (const stat of report.values()) {
        if (stat.type === "inbound-rtp" && stat.kind === "video") inbound = stat;
      }
    } catch {
      return;
    }
    if (!inbound || pc !== this.pc) return;
    const now = inbound.timestamp;
    let fps = null;
    if (this.last && now > this.last.at) {
      fps = ((inbound.framesDecoded - this.last.framesDecoded) * 1000) / (now - this.last.at);
    } else if (typeof inbound.framesPerSecond === "number") {
      fps = inbound.framesPerSecond;
    }
    this.last = { framesDecoded: inbound.framesDecoded || 0, at: now };
    if (fps !== null && Number.isFinite(fps)) {
      fps = Math.max(0, Math.min(240, fps));
      if (pc.connectionState === "connected") this.samples.push(fps);
    }
    const width = inbound.frameWidth || 0;
    const height = inbound.frameHeight || 0;
    if (width && height && pc.connectionState === "connected") this.size = { width, height };
    this.onStats({ fps, width, height });
  }

  /** The mean received frame rate since the last report, and the latest frame size: the
   * server's record keeps the rate, and quality assistance hints on both (low_frame_rate,
   * low_resolution) for the other member, whose video this is. */
  #report() {
    if (!this.samples.length) return;
    const mean = this.samples.reduce((a, b) => a + b, 0) / this.samples.length;
    this.samples = [];
    const message = { type: "stats", session_id: this.sessionId, fps_received: Math.round(mean * 10) / 10 };
    if (this.size) Object.assign(message, { width: Math.min(this.size.width, 8192), height: Math.min(this.size.height, 8192) });
    this.send(message);
  }
}

// --- the media leg (quality assistance) ----------------------------------------------------------

const LEG_MAX_BITRATE = 300_000; // bits per second: 320x240 at 10 fps needs far less

/**
 * The page's second RTCPeerConnection, to the server (docs/protocol.md, "The media leg"): its
 * camera only, sendonly, scaled down to `matched.media_leg`. It never touches the call: when it
 * fails it closes, says so in the console, and reports "off"; the P2P call goes on unchanged.
 */
export class MediaLeg {
  /**
   * @param {object} o
   * @param {string} o.sessionId
   * @param {{max_width: number, max_height: number, max_fps: number}} o.spec  `matched.media_leg`
   * @param {RTCIceServer[]} o.iceServers
   * @param {MediaStream|null} o.stream  the local camera
   * @param {(message: object) => boolean} o.send  signaling send
   * @param {(state: "on"|"off") => void} o.onState  "off": the leg failed or was refused
   */
  constructor(o) {
    Object.assign(this, o);
    this.pc = null;
    this.closed = false;
    this.pendingIce = [];
    this.queue = Promise.resolve();
  }

  /** Negotiated and not failed: worth keeping across a signaling reconnect. */
  get healthy() {
    const pc = this.pc;
    return Boolean(pc && pc.signalingState === "stable" && !["failed", "closed"].includes(pc.connectionState));
  }

  /** Open (or reopen) the leg: a fresh connection and `leg_offer`. */
  start() {
    this.queue = this.queue.then(() => this.#offer());
    return this.queue;
  }

  /** `leg_answer` or `leg_ice` from the server, in order. */
  handle(message) {
    this.queue = this.queue.then(() => this.#handle(message));
    return this.queue;
  }

  /** The server refused or could not open the leg (`leg_failed`, `capacity`...). */
  refused(code) {
    this.#off(`refused (${code})`);
  }

  /** Another camera was chosen: send it instead, with the same limits. */
  async replaceStream(stream) {
    this.stream = stream;
    const sender = this.pc && this.pc.getSenders().find((s) => s.track && s.track.kind === "video");
    const track = stream && stream.getVideoTracks()[0];
    if (!sender || !track) return;
    try {
      await sender.replaceTrack(track);
    } catch (error) {
      console.info("media leg kept its old camera:", error && error.name);
      return;
    }
    await this.#limit(sender, track);
  }

  close() {
    this.closed = true;
    this.#drop();
  }

  // --- internals

  #drop() {
    if (this.pc) this.pc.close();
    this.pc = null;
    this.pendingIce = [];
  }

  #off(reason) {
    if (this.closed) return;
    console.info("media leg off:", reason);
    this.#drop();
    this.onState("off");
  }

  /** Fit the camera into max_width x max_height, at most max_fps (encoder-side scaling). */
  async #limit(sender, track) {
    try {
      const params = sender.getParameters();
      if (!params.encodings || !params.encodings.length) return; // set at addTransceiver already
      Object.assign(params.encodings[0], this.#encoding(track));
      await sender.setParameters(params);
    } catch (error) {
      console.info("media leg kept its encoding:", error && error.name);
    }
  }

  #encoding(track) {
    const settings = track.getSettings ? track.getSettings() : {};
    const width = settings.width || 640;
    const height = settings.height || 480;
    const scale = Math.max(1, width / this.spec.max_width, height / this.spec.max_height);
    return { scaleResolutionDownBy: scale, maxFramerate: this.spec.max_fps, maxBitrate: LEG_MAX_BITRATE };
  }

  async #offer() {
    if (this.closed) return;
    this.#drop();
    const track = this.stream && this.stream.getVideoTracks()[0];
    if (!track) {
      this.#off("no camera");
      return;
    }
    let pc;
    try {
      pc = new RTCPeerConnection({ iceServers: this.iceServers || [] });
      this.pc = pc;
      pc.addEventListener("icecandidate", (event) => {
        if (pc !== this.pc) return;
        this.send({ type: "leg_ice", session_id: this.sessionId, candidate: event.candidate ? event.candidate.toJSON() : null });
      });
      pc.addEventListener("connectionstatechange", () => {
        if (pc !== this.pc) return;
        if (pc.connectionState === "connected") this.onState("on");
        else if (pc.connectionState === "failed") this.#off("connection failed");
      });
      pc.addTransceiver(track, { direction: "sendonly", sendEncodings: [this.#encoding(track)] });
      await pc.setLocalDescription(await pc.createOffer());
      if (pc !== this.pc) return;
      if (!this.send({ type: "leg_offer", session_id: this.sessionId, sdp: pc.localDescription.sdp })) {
        this.#drop(); // no socket now: the page opens the leg again after `matched`
      }
    } catch (error) {
      if (pc === this.pc) this.#off(error && error.name);
    }
  }

  async #handle(message) {
    const pc = this.pc;
    if (this.closed || !pc || message.session_id !== this.sessionId) return;
    try {
      if (message.type === "leg_answer") {
        if (pc.signalingState !== "have-local-offer") return; // an answer to an older offer
        await pc.setRemoteDescription({ type: "answer", sdp: message.sdp });
        const sender = pc.getSenders().find((s) => s.track && s.track.kind === "video");
        if (sender) await this.#limit(sender, sender.track);
        const queued = this.pendingIce;
        this.pendingIce = [];
        for (const candidate of queued) await pc.addIceCandidate(candidate);
      } else if (message.type === "leg_ice" && message.candidate) {
        if (pc.remoteDescription) await pc.addIceCandidate(message.candidate);
        else this.pendingIce.push(message.candidate);
      }
    } catch (error) {
      if (pc === this.pc) this.#off(error && error.name);
    }
  }
}

/** The ICE servers `matched` names, or else the page's configured ones. */
export function iceServersOf(message, configured) {
  return message.ice_servers && message.ice_servers.length ? message.ice_servers : configured;
}

/**
 * Quality assistance, the same on every call page: close the page's previous leg, open a new
 * one when `matched` asks for it, and say on/off/unavailable in the call view. Returns the new
 * leg, or null when quality assistance is off for this call.
 */
export function openMediaLeg(previous, message, { stream, iceServers, send, callView }) {
  if (previous) previous.close();
  callView.recording(Boolean(message.recording));
  if (message.relay) {
    // Relay mode: the call's own connection carries the frames the server analyses.
    callView.quality(message.relay.quality ? "on" : "off");
    return null;
  }
  callView.quality(message.media_leg ? "on" : "off");
  if (!message.media_leg) return null;
  const leg = new MediaLeg({
    sessionId: message.session_id,
    spec: message.media_leg,
    iceServers,
    stream,
    send,
    onState: (state) => callView.quality(state === "on" ? "on" : "unavailable"),
  });
  leg.start();
  return leg;
}
