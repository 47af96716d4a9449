// Fetch wrapper for the SignDesk JSON API: adds the CSRF header, parses error bodies
// ({"error": {"code", "message", "fields"}}) into ApiError, and shows progress in the status region.
import { t } from "./i18n.js";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const csrfMeta = document.querySelector('meta[name="csrf-token"]');
let csrfToken = csrfMeta ? csrfMeta.content : "";

export function setCsrfToken(token) {
  if (token) csrfToken = token;
}

export class ApiError extends Error {
  constructor(status, code, message, fields = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields || {};
  }
}

/** Show `text` in the page's visible status region (role="status"). kind: info|busy|ok|error. */
export function setStatus(text, kind = "info") {
  const region = document.getElementById("status");
  if (!region) return;
  region.textContent = text || "";
  region.dataset.kind = text ? kind : "";
}

/** Clear the status region if it still shows `text` (a newer message stays). */
export function clearStatus(text) {
  const region = document.getElementById("status");
  if (region && region.textContent === text) setStatus("");
}

/** A localized message for an API error (the server's own message only as a last resort). */
export function errorMessage(error) {
  if (!(error instanceof ApiError)) return t("err.unexpected");
  const key = `err.${error.code}`;
  const text = t(key);
  if (text !== key) return text;
  if (error.status >= 500) return t("err.internal");
  return error.message || t("err.unexpected");
}

async function send(method, url, { body, token, accept = "application/json" } = {}) {
  const headers = { Accept: accept };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (UNSAFE.has(method) && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "network", t("err.network"));
  }
  if (!response.ok) {
    let error = {};
    try {
      error = (await response.json()).error || {};
    } catch {
      error = {};
    }
    throw new ApiError(response.status, error.code || `http_${response.status}`, error.message || "", error.fields);
  }
  return response;
}

/**
 * Call the API and return the parsed JSON (or null for an empty body).
 * `progress`: a status text shown while the request runs; `done`: shown after success.
 * Errors are shown in the status region too (unless `quiet`), then re-thrown for the caller.
 */
export async function api(method, url, { body, token, progress, done, quiet = false } = {}) {
  if (progress) setStatus(progress, "busy");
  try {
    const response = await send(method, url, { body, token });
    const text = await response.text();
    if (done) setStatus(done, "ok");
    else if (progress) clearStatus(progress);
    return text ? JSON.parse(text) : null;
  } catch (error) {
    if (!quiet) setStatus(errorMessage(error), "error");
    throw error;
  }
}

/** Fetch a file (e.g. the .ics) with a Bearer token and save it as `filename`. */
export async function download(url, filename, { token, progress, done } = {}) {
  if (progress) setStatus(progress, "busy");
  try {
    const response = await send("GET", url, { token, accept: "text/calendar, */*" });
    const blob = await response.blob();
    const href = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = href;
    link.download = filename;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
    if (done) setStatus(done, "ok");
  } catch (error) {
    setStatus(errorMessage(error), "error");
    throw error;
  }
}
