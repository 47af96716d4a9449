// "My booking" (/booking/{code}#t=<token>): show the booking, cancel it (with a confirm step),
// move it to another slot, download the .ics. The token lives only in the URL fragment.
import { api, ApiError, download, errorMessage, setStatus } from "./api.js";
import { el, focusOn, replaceChildren } from "./dom.js";
import { clearErrors, showErrors } from "./forms.js";
import { nameFor, pageData, t } from "./i18n.js";
import { createSlotPicker } from "./slots.js";
import { formatRange } from "./time.js";

const $ = (id) => document.getElementById(id);
const code = (pageData.code || "").toUpperCase();
let catalog = { languages: [], topics: [], specialties: [] };
let booking = null;
let picker = null;
let joinTimer = null;

function tokenFromHash() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  return params.get("t") || "";
}

function keepHashOnLanguageSwitch() {
  const switcher = $("lang-switch");
  if (!switcher) return;
  const url = new URL(switcher.href, location.origin);
  url.hash = location.hash;
  switcher.href = `${url.pathname}${url.search}${url.hash}`;
}

function row(label, value) {
  return [el("dt", {}, label), el("dd", {}, value || t("manage.none"))];
}

function isChangeable(item) {
  return item.status === "booked" && new Date(item.start).getTime() > Date.now();
}

/**
 * "Join the video call" while the booking is open for a call: from `join_early_minutes` before
 * the start until the end (the same window the server enforces). The link keeps the token in
 * the fragment. Before the window, a hint says when it opens.
 */
function renderJoin(item) {
  const opensAt = new Date(item.start).getTime() - (pageData.join_early_minutes || 10) * 60_000;
  const now = Date.now();
  const booked = item.status === "booked";
  const open = booked && now >= opensAt && now < new Date(item.end).getTime();
  $("join-call").hidden = !open;
  $("join-call-link").href = `/call/${encodeURIComponent(item.code)}#t=${encodeURIComponent(tokenFromHash())}`;
  $("my-data-link").href = `/booking/${encodeURIComponent(item.code)}/my-data#t=${encodeURIComponent(tokenFromHash())}`;
  const hint = $("join-call-hint");
  hint.hidden = !(booked && now < opensAt);
  hint.textContent = t("manage.join_hint", { n: pageData.join_early_minutes || 10 });
  clearTimeout(joinTimer);
  // Show (or hide) the button by itself when the window opens (or closes); checked every minute.
  if (booked && now < new Date(item.end).getTime()) {
    joinTimer = setTimeout(() => booking && renderJoin(booking), 60_000);
  }
}

function renderDetails(item) {
  replaceChildren(
    $("details-list"),
    row(t("manage.code"), el("span", { class: "code-inline" }, item.code)),
    row(t("manage.when"), `${formatRange(item.start, item.end)} (${pageData.tz_label})`),
    row(t("manage.status"), el("span", { class: `badge badge-${item.status}` }, t(`status_name.${item.status}`))),
    row(t("detail.language"), nameFor(catalog.languages, item.language)),
    row(t("detail.topic"), nameFor(catalog.topics, item.topic)),
    row(t("detail.specialty"), nameFor(catalog.specialties, item.specialty)),
    row(t("detail.name"), item.name),
    row(t("detail.contact"), item.contact),
    row(t("detail.note"), item.note),
    row(t("manage.interpreter"), item.interpreter_name || t("manage.interpreter_tbd")),
  );
  renderJoin(item);
  const changeable = isChangeable(item);
  $("reschedule-open").hidden = !changeable;
  $("cancel-open").hidden = !changeable;
  $("cancel-confirm").hidden = true;
  if (!changeable) $("reschedule").hidden = true;
}

function showInvalid() {
  booking = null;
  clearTimeout(joinTimer);
  $("manage-details").hidden = true;
  $("manage-invalid").hidden = false;
  $("manage-lookup").hidden = false;
  $("lookup-code").value = code;
  focusOn($("manage-invalid"));
}

async function load({ announce = false } = {}) {
  const token = tokenFromHash();
  keepHashOnLanguageSwitch();
  if (!code || !token) {
    $("manage-details").hidden = true;
    $("manage-lookup").hidden = false;
    return;
  }
  try {
    booking = await api("GET", `/api/reservations/${encodeURIComponent(code)}`, {
      token,
      progress: t("manage.loading"),
      done: announce ? t("manage.loaded") : "",
      quiet: true,
    });
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 401 || error.status === 403)) {
      setStatus(t("manage.invalid_title"), "error");
      showInvalid();
    } else {
      setStatus(errorMessage(error), "error");
    }
    return;
  }
  $("manage-invalid").hidden = true;
  $("manage-lookup").hidden = true;
  $("manage-details").hidden = false;
  renderDetails(booking);
}

async function cancelBooking() {
  try {
    await api("DELETE", `/api/reservations/${encodeURIComponent(code)}`, {
      token: tokenFromHash(),
      progress: t("manage.cancelling"),
    });
  } catch {
    return;
  }
  await load({ announce: false });
  setStatus(t("manage.cancelled"), "ok");
  focusOn($("details-heading"));
}

function openReschedule() {
  $("reschedule").hidden = false;
  if (!picker) {
    picker = createSlotPicker($("rs-slots"), {
      query: () => ({ language: booking.language, specialty: booking.specialty || "" }),
    });
  }
  picker.clear();
  picker.refresh();
  focusOn($("reschedule-heading"));
}

async function saveReschedule() {
  const box = $("reschedule");
  const error = $("rs-start-error");
  error.hidden = true;
  const slot = picker && picker.selected();
  if (!slot) {
    error.textContent = t("field.start");
    error.hidden = false;
    setStatus(t("field.start"), "error");
    focusOn(error);
    return;
  }
  try {
    await api("PATCH", `/api/reservations/${encodeURIComponent(code)}`, {
      body: { start: slot.start },
      token: tokenFromHash(),
      progress: t("manage.moving"),
      quiet: true,
    });
  } catch (err) {
    error.textContent = errorMessage(err);
    error.hidden = false;
    setStatus(errorMessage(err), "error");
    if (err instanceof ApiError && err.status === 409) picker.refresh();
    focusOn(error);
    return;
  }
  box.hidden = true;
  await load({ announce: false });
  setStatus(t("manage.moved", { when: formatRange(booking.start, booking.end) }), "ok");
  focusOn($("details-heading"));
}

function parseLookup() {
  let typedCode = $("lookup-code").value.trim().toUpperCase();
  let token = $("lookup-token").value.trim();
  // A pasted manage link carries both: https://…/booking/K7F-2QD#t=…
  const match = /\/booking\/([A-Za-z0-9-]+)[^#]*#(?:.*&)?t=([^&\s]+)/.exec(token);
  if (match) {
    typedCode = match[1].toUpperCase();
    token = decodeURIComponent(match[2]);
  } else if (token.startsWith("#t=")) {
    token = decodeURIComponent(token.slice(3));
  }
  return { typedCode, token };
}

function onLookup(event) {
  event.preventDefault();
  const form = $("lookup-form");
  const { typedCode, token } = parseLookup();
  const errors = {};
  if (!/^[A-Z0-9-]{3,16}$/.test(typedCode)) errors.code = t("field.code");
  if (!token) errors.token = t("field.token");
  if (Object.keys(errors).length) {
    showErrors(form, null, errors, { focus: false });
    focusOn(form.querySelector("[aria-invalid]"));
    return;
  }
  clearErrors(form, null);
  const target = `/booking/${encodeURIComponent(typedCode)}#t=${encodeURIComponent(token)}`;
  if (typedCode === code) {
    location.hash = `t=${encodeURIComponent(token)}`;
  } else {
    location.assign(target);
  }
}

async function main() {
  $("lookup-form").addEventListener("submit", onLookup);
  $("cancel-open").addEventListener("click", () => {
    $("cancel-confirm").hidden = false;
    focusOn($("cancel-question"));
  });
  $("cancel-no").addEventListener("click", () => {
    $("cancel-confirm").hidden = true;
    $("cancel-open").focus();
  });
  $("cancel-yes").addEventListener("click", cancelBooking);
  $("reschedule-open").addEventListener("click", openReschedule);
  $("reschedule-close").addEventListener("click", () => {
    $("reschedule").hidden = true;
    $("reschedule-open").focus();
  });
  $("reschedule-save").addEventListener("click", saveReschedule);
  $("download-ics").addEventListener("click", () =>
    download(`/api/reservations/${encodeURIComponent(code)}/calendar.ics`, `signdesk-${code}.ics`, {
      token: tokenFromHash(),
      progress: t("calendar.downloading"),
      done: t("calendar.downloaded"),
    }).catch(() => {}),
  );
  window.addEventListener("hashchange", () => load({ announce: true }));
  try {
    catalog = await api("GET", "/api/catalog", { quiet: true });
  } catch {
    // Names fall back to codes; the booking itself still loads.
  }
  await load();
}

main();
