// The camera check shared by the caller's call page and the interpreter console: preview with a
// framing guide, a camera chooser, and a clear visible message for each way the camera can fail.
// The stream is video only: nobody relies on sound here.
import { setStatus } from "./api.js";
import { el, focusOn, replaceChildren } from "./dom.js";
import { t } from "./i18n.js";

const CAMERA_KEY = "signdesk.camera"; // the chosen deviceId (not personal data), per tab
// Enough for signing: hand shapes need resolution, movement needs frame rate (ITU-T H-Series
// Suppl. 1 asks for >= 25 fps for sign language). Overridden by /api/call/config.
export const DEFAULT_VIDEO = { width: 640, height: 480, frameRate: 30 };
const MIN_SIGNING_FPS = 25;

/**
 * The getUserMedia video constraints to try, best first: strict minimums for signing, then the
 * same as ideals only, then anything the camera gives. Only an OverconstrainedError moves on.
 */
function attempts(video, deviceId) {
  const { width, height, frameRate } = { ...DEFAULT_VIDEO, ...video };
  const device = deviceId ? { deviceId: { exact: deviceId } } : { facingMode: { ideal: "user" } };
  const list = [
    { ...device, width: { ideal: width, min: width }, height: { ideal: height, min: height }, frameRate: { ideal: frameRate, min: Math.min(MIN_SIGNING_FPS, frameRate) } },
    { ...device, width: { ideal: width }, height: { ideal: height }, frameRate: { ideal: frameRate } },
    deviceId ? { ...device } : true,
  ];
  if (deviceId) list.push(true); // the remembered camera is gone: take any
  return list;
}

/** Open the camera; returns {stream, degraded}. Throws the last getUserMedia error. */
export async function openCamera({ video = DEFAULT_VIDEO, deviceId = "" } = {}) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw new DOMException("getUserMedia is not available", "NotSupportedError");
  }
  const tries = attempts(video, deviceId);
  let lastError = null;
  for (const [index, constraints] of tries.entries()) {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: constraints, audio: false });
      const track = stream.getVideoTracks()[0];
      // "motion": the encoder keeps the frame rate and gives up resolution first (signing).
      if (track && "contentHint" in track) track.contentHint = "motion";
      const settings = track ? track.getSettings() : {};
      const degraded =
        index > 0 && ((settings.width || 0) < DEFAULT_VIDEO.width || (settings.frameRate || 0) < MIN_SIGNING_FPS);
      return { stream, degraded };
    } catch (error) {
      lastError = error;
      if (error && error.name === "OverconstrainedError") continue;
      throw error;
    }
  }
  throw lastError;
}

/** Which visible message explains a getUserMedia failure: denied | notfound | busy | other. */
export function cameraErrorKind(error) {
  switch (error && error.name) {
    case "NotAllowedError":
    case "PermissionDeniedError":
    case "SecurityError":
      return "denied";
    case "NotFoundError":
    case "DevicesNotFoundError":
    case "OverconstrainedError":
      return "notfound";
    case "NotReadableError":
    case "TrackStartError":
    case "AbortError":
      return "busy";
    default:
      return "other";
  }
}

export function stopStream(stream) {
  if (stream) for (const track of stream.getTracks()) track.stop();
}

async function listCameras() {
  try {
    const devices = await navigator.mediaDevices.enumerateDevices();
    return devices.filter((d) => d.kind === "videoinput" && d.deviceId);
  } catch {
    return [];
  }
}

/**
 * Wire the camera check markup (`_camera.html`). `onStream(stream)` is called whenever a new
 * stream replaces the old one (first start, another camera chosen); null when it stops.
 */
export function createCameraCheck({ video = DEFAULT_VIDEO, onStream = () => {} } = {}) {
  const $ = (id) => document.getElementById(id);
  const preview = $("preview");
  const startButton = $("camera-start");
  const select = $("camera-select");
  let stream = null;
  let busy = false;

  function showError(kind) {
    $("camera-error-title").textContent = t(`camera.err_${kind}_title`);
    $("camera-error-text").textContent = t(`camera.err_${kind}_text`);
    $("camera-error").hidden = false;
    $("preview-frame").hidden = true;
    startButton.textContent = t("camera.retry");
    startButton.hidden = false;
    setStatus(t(`camera.err_${kind}_title`), "error");
    focusOn($("camera-error"));
  }

  async function fillChooser(current) {
    const cameras = await listCameras();
    replaceChildren(
      select,
      cameras.map((camera, i) =>
        el("option", { value: camera.deviceId, selected: camera.deviceId === current }, camera.label || t("camera.default_name", { n: i + 1 })),
      ),
    );
    select.value = current;
    $("camera-choice").hidden = cameras.length < 2;
  }

  async function start(deviceId = sessionStorage.getItem(CAMERA_KEY) || "") {
    if (busy) return stream;
    busy = true;
    startButton.setAttribute("aria-disabled", "true");
    $("camera-error").hidden = true;
    setStatus(t("camera.starting"), "busy");
    // Phones often cannot open a second camera while one is open: release the old one first.
    stopStream(stream);
    stream = null;
    try {
      const opened = await openCamera({ video, deviceId });
      stream = opened.stream;
      const track = stream.getVideoTracks()[0];
      const settings = track.getSettings();
      if (settings.deviceId) sessionStorage.setItem(CAMERA_KEY, settings.deviceId);
      preview.srcObject = stream;
      $("preview-frame").hidden = false;
      $("camera-degraded").hidden = !opened.degraded;
      replaceChildren(
        $("camera-info"),
        el("span", { class: "camera-ready" }, t("camera.ready")),
        el(
          "span",
          { class: "camera-settings" },
          t("camera.settings", { width: settings.width || "?", height: settings.height || "?", fps: Math.round(settings.frameRate || 0) || "?" }),
        ),
      );
      $("camera-info").hidden = false;
      startButton.hidden = true;
      await fillChooser(settings.deviceId || "");
      setStatus(""); // the result is shown next to the preview, not over it
      track.addEventListener("ended", () => {
        // Unplugged or taken by the system: say so and offer a retry.
        if (stream && stream.getVideoTracks()[0] === track) {
          stream = null;
          onStream(null);
          showError("notfound");
        }
      });
      onStream(stream);
      return stream;
    } catch (error) {
      showError(cameraErrorKind(error));
      onStream(null);
      return null;
    } finally {
      busy = false;
      startButton.removeAttribute("aria-disabled");
    }
  }

  function stop() {
    stopStream(stream);
    stream = null;
    preview.srcObject = null;
    $("preview-frame").hidden = true;
    $("camera-info").hidden = true;
    startButton.textContent = t("camera.start");
    startButton.hidden = false;
    onStream(null);
  }

  startButton.addEventListener("click", () => start());
  select.addEventListener("change", () => start(select.value));
  if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
    navigator.mediaDevices.addEventListener("devicechange", () => {
      if (stream) fillChooser(select.value);
    });
  }

  /** Detach the preview while it is out of sight (during a call): one renderer less. */
  function showPreview(visible) {
    const wanted = visible ? stream : null;
    if (preview.srcObject !== wanted) preview.srcObject = wanted;
  }

  return {
    start,
    stop,
    showPreview,
    get stream() {
      return stream;
    },
  };
}
