// Staff console (/staff): reservations (day/week by interpreter, cancel, no-show), booking on
// behalf of phone/SMS/counter callers, interpreters, weekly shifts with dated exceptions, and the
// live calls: waiting callers, the "assigned interpreter absent" alert and the handover (/ws).
import { api, ApiError, setCsrfToken, setStatus } from "./api.js";
import { initBookingForm } from "./booking-form.js";
import { confirmInline, copyText, el, focusOn, replaceChildren } from "./dom.js";
import { clearErrors, fieldMessage, normalizeFields, showErrors } from "./forms.js";
import { nameFor, nameOf, pageData, t } from "./i18n.js";
import { SignalingClient, wsUrl } from "./signaling-client.js";
import { addDays, dayLongLabel, dayOf, formatRange, formatTime, localToIso, today, weekdayOf } from "./time.js";

const $ = (id) => document.getElementById(id);
let catalog = { languages: [], topics: [], specialties: [], channels: [] };
let interpreters = [];

// ---------------------------------------------------------------- tabs (WAI-ARIA tabs pattern)

// Called with the tab's id when a tab is shown.
const onTabShown = new Set();

function setupTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  function select(tab, focus) {
    for (const other of tabs) {
      const on = other === tab;
      other.setAttribute("aria-selected", String(on));
      other.tabIndex = on ? 0 : -1;
      $(other.getAttribute("aria-controls")).hidden = !on;
    }
    if (focus) tab.focus();
    history.replaceState(null, "", `#${tab.id.replace(/^tab-/, "")}`);
    for (const listener of onTabShown) listener(tab.id);
  }
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => select(tab, false));
    tab.addEventListener("keydown", (event) => {
      const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -index, End: tabs.length - 1 - index };
      if (!(event.key in moves)) return;
      event.preventDefault();
      select(tabs[(index + moves[event.key] + tabs.length) % tabs.length], true);
    });
  });
  const initial = tabs.find((tab) => tab.id === `tab-${location.hash.slice(1)}`);
  if (initial) select(initial, false);
  return (id, focus) => select($(id), focus);
}

// ---------------------------------------------------------------- reservations

function reservationRange() {
  const day = $("res-date").value || today();
  if (document.querySelector('input[name="view"]:checked').value === "week") {
    const monday = addDays(day, -weekdayOf(day));
    return { from: monday, to: addDays(monday, 6), week: true };
  }
  return { from: day, to: day, week: false };
}

/** One side's quality summary of the latest call (issue 5) in one line; "" when there is none. */
function qualityLine(side) {
  if (!side || !side.frames) return "";
  const unknown = t("staff.quality_unknown");
  const share = (value) => (value === null || value === undefined ? unknown : `${Math.round(value * 100)}%`);
  const seconds = (value) => t("staff.quality_seconds", { s: Math.round(value || 0) });
  const line = t("staff.quality_line", {
    hands: share(side.hands_visible_share),
    cropped: share(side.cropped_share),
    brightness: side.mean_brightness === null ? unknown : Math.round(side.mean_brightness),
    fps: side.mean_received_fps === null ? unknown : t("staff.quality_fps", { fps: Math.round(side.mean_received_fps) }),
    signing: seconds(side.signing_seconds),
  });
  const hints = Object.entries(side.hints || {}).map(([code, hint]) => `${t(`quality.short.${code}`)} ${seconds(hint.seconds)}`);
  return `${line} · ${hints.length ? t("staff.quality_hints", { list: hints.join(", ") }) : t("staff.quality_no_hints")}`;
}

function reservationCard(item, week) {
  const actions = el("div", { class: "button-row" });
  if (item.status === "booked") {
    const act = (label, path, question, done) => {
      const button = el("button", { type: "button", class: "btn btn-secondary btn-small", "aria-label": `${label}: ${item.code}` }, label);
      button.addEventListener("click", async () => {
        const yes = await confirmInline(actions.parentElement, {
          question: t(question, { code: item.code }),
          yes: t("staff.confirm_yes"),
          no: t("staff.confirm_no"),
          returnFocus: button,
        });
        if (!yes) return;
        try {
          await api("POST", `/api/staff/reservations/${item.id}/${path}`, { progress: t("status.saving") });
        } catch {
          return;
        }
        await loadReservations();
        setStatus(t(done, { code: item.code }), "ok");
        focusOn($("res-range"));
      });
      return button;
    };
    actions.append(act(t("staff.cancel_booking"), "cancel", "staff.cancel_question", "staff.cancelled"));
    // A no-show can only be recorded once the session should have started.
    if (new Date(item.start).getTime() <= Date.now()) {
      actions.append(act(t("staff.no_show"), "no-show", "staff.no_show_question", "staff.no_show_done"));
    }
  }
  const when = week ? formatRange(item.start, item.end) : `${formatTime(item.start)}–${formatTime(item.end)}`;
  const quality = item.call && item.call.quality ? item.call.quality.sides : {};
  const facts = [
    [t("detail.name"), item.name],
    [t("detail.language"), nameFor(catalog.languages, item.language)],
    [t("detail.topic"), nameFor(catalog.topics, item.topic)],
    [t("detail.specialty"), nameFor(catalog.specialties, item.specialty)],
    [t("staff.channel"), t(`channel.${item.channel}`)],
    [t("detail.contact"), item.contact],
    [t("detail.note"), item.note],
    [t("staff.quality_caller"), qualityLine(quality.caller)],
    [t("staff.quality_interpreter"), qualityLine(quality.interpreter)],
  ].filter(([, value]) => value);
  return el(
    "li",
    { class: `card res-card status-${item.status}`, dataset: { code: item.code, id: item.id } },
    el(
      "p",
      { class: "res-time" },
      el("span", {}, when),
      " ",
      el("span", { class: "code-inline" }, item.code),
      " ",
      el("span", { class: `badge badge-${item.status}` }, t(`status_name.${item.status}`)),
    ),
    el("dl", { class: "res-facts" }, facts.map(([label, value]) => [el("dt", {}, label), el("dd", {}, value)])),
    actions,
  );
}

async function loadReservations() {
  const range = reservationRange();
  const params = new URLSearchParams({ from: range.from, to: range.to });
  if ($("res-status").value) params.set("status", $("res-status").value);
  $("res-range").textContent = range.week
    ? t("staff.range_week", { from: dayLongLabel(range.from), to: dayLongLabel(range.to), zone: pageData.tz_label })
    : t("staff.range_day", { day: dayLongLabel(range.from), zone: pageData.tz_label });
  let data;
  try {
    data = await api("GET", `/api/staff/reservations?${params}`, { progress: t("status.loading") });
  } catch {
    return;
  }
  const items = (data.reservations || []).filter((r) => {
    const day = dayOf(r.start);
    return day >= range.from && day <= range.to;
  });
  items.sort((a, b) => new Date(a.start) - new Date(b.start));
  const groups = new Map();
  for (const item of items) {
    const key = item.interpreter_name || t("staff.unassigned");
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  const sections = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, list]) =>
      el(
        "section",
        { class: "res-group" },
        el("h3", {}, t("staff.group_heading", { name, n: list.length })),
        el("ul", { class: "card-list" }, list.map((item) => reservationCard(item, range.week))),
      ),
    );
  replaceChildren($("res-list"), sections.length ? sections : el("p", { class: "empty" }, t("staff.no_reservations")));
  $("res-count").textContent = t("staff.loaded_n", { n: items.length });
}

function setupReservations() {
  $("res-date").value = today();
  const shift = (sign) => {
    const step = reservationRange().week ? 7 : 1;
    $("res-date").value = addDays($("res-date").value || today(), sign * step);
    loadReservations();
  };
  $("res-prev").addEventListener("click", () => shift(-1));
  $("res-next").addEventListener("click", () => shift(1));
  $("res-today").addEventListener("click", () => {
    $("res-date").value = today();
    loadReservations();
  });
  $("res-filter").addEventListener("change", () => loadReservations());
  $("res-filter").addEventListener("submit", (event) => {
    event.preventDefault();
    loadReservations();
  });
  loadReservations();
}

// ---------------------------------------------------------------- book on behalf

function setupBooking() {
  const form = $("booking-form");
  const controller = initBookingForm(form, {
    catalog,
    onBooked(reservation) {
      const link = new URL(`${reservation.manage_url || `/booking/${reservation.code}`}#t=${encodeURIComponent(reservation.token)}`, location.origin).href;
      $("staff-booked-code").textContent = reservation.code;
      $("staff-booked-when").textContent = t("confirm.when", { when: formatRange(reservation.start, reservation.end), zone: pageData.tz_label });
      $("staff-booked-link").value = link;
      $("staff-booked").hidden = false;
      form.hidden = true;
      focusOn($("staff-booked"));
      loadReservations();
    },
  });
  $("staff-copy-link").addEventListener("click", async () => {
    const ok = await copyText($("staff-booked-link").value, $("staff-booked-link"));
    setStatus(ok ? t("confirm.copied") : t("confirm.copy_failed"), ok ? "ok" : "error");
  });
  $("staff-book-another").addEventListener("click", () => {
    controller.reset();
    $("staff-booked").hidden = true;
    form.hidden = false;
    focusOn($("bk-name"));
  });
}

// ---------------------------------------------------------------- interpreters

function checkboxes(container, prefix, entries, checked) {
  replaceChildren(
    container,
    entries.map((entry) =>
      el(
        "div",
        { class: "check" },
        el("input", { type: "checkbox", id: `${prefix}-${entry.code}`, value: entry.code, checked: checked.includes(entry.code) }),
        el("label", { for: `${prefix}-${entry.code}` }, nameOf(entry)),
      ),
    ),
  );
}

function checkedValues(container) {
  return [...container.querySelectorAll("input:checked")].map((input) => input.value);
}

function interpreterCard(item) {
  const edit = el("button", { type: "button", class: "btn btn-secondary btn-small" }, t("staff.int_edit"));
  edit.setAttribute("aria-label", t("staff.int_edit_named", { name: item.display_name }));
  edit.addEventListener("click", () => fillInterpreterForm(item));
  const list = (codes, entries) => (codes || []).map((c) => nameFor(entries, c)).join(", ") || t("manage.none");
  return el(
    "li",
    { class: "card", dataset: { id: item.id } },
    el(
      "p",
      { class: "res-time" },
      el("span", {}, item.display_name),
      " ",
      el("span", { class: `badge ${item.active ? "badge-booked" : "badge-cancelled"}` }, item.active ? t("staff.int_active_yes") : t("staff.int_active_no")),
    ),
    el(
      "dl",
      { class: "res-facts" },
      el("dt", {}, t("staff.int_sign_languages")),
      el("dd", {}, list(item.sign_languages, catalog.languages)),
      el("dt", {}, t("staff.int_spoken")),
      el("dd", {}, (item.spoken_languages || []).join(", ") || t("manage.none")),
      el("dt", {}, t("staff.int_specialties")),
      el("dd", {}, list(item.specialties, catalog.specialties)),
    ),
    el("div", { class: "button-row" }, edit),
  );
}

function fillInterpreterForm(item) {
  $("int-id").value = item ? String(item.id) : "";
  $("int-name").value = item ? item.display_name : "";
  $("int-spoken").value = item ? (item.spoken_languages || []).join(", ") : "";
  $("int-active").checked = item ? Boolean(item.active) : true;
  checkboxes($("int-sign-choices"), "int-sign", catalog.languages, item ? item.sign_languages || [] : []);
  checkboxes($("int-spec-choices"), "int-spec", catalog.specialties, item ? item.specialties || [] : []);
  $("int-form-title").textContent = item ? t("staff.int_edit_title", { name: item.display_name }) : t("staff.int_add");
  $("int-save").textContent = item ? t("staff.int_save") : t("staff.int_save_new");
  $("int-reset").hidden = !item;
  clearErrors($("int-form"), $("int-summary"));
  if (item) focusOn($("int-form-title"));
}

async function loadInterpreters() {
  let data;
  try {
    data = await api("GET", "/api/staff/interpreters", { progress: t("status.loading") });
  } catch {
    return;
  }
  interpreters = Array.isArray(data) ? data : data.interpreters || [];
  interpreters.sort((a, b) => a.display_name.localeCompare(b.display_name));
  replaceChildren($("int-list"), el("ul", { class: "card-list" }, interpreters.map(interpreterCard)));
  const select = $("sh-interpreter");
  const current = select.value;
  replaceChildren(select, interpreters.map((item) => el("option", { value: item.id }, item.display_name)));
  if (current && interpreters.some((item) => String(item.id) === current)) select.value = current;
}

function apiFieldErrors(form, summary, error) {
  if (error instanceof ApiError && error.status === 422 && Object.keys(error.fields).length) {
    const messages = {};
    for (const [name, message] of Object.entries(normalizeFields(error.fields))) messages[name] = fieldMessage(name, message);
    showErrors(form, summary, messages);
    return true;
  }
  return false;
}

function setupInterpreters() {
  fillInterpreterForm(null);
  $("int-reset").addEventListener("click", () => {
    fillInterpreterForm(null);
    focusOn($("int-name"));
  });
  $("int-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = $("int-form");
    const summary = $("int-summary");
    const body = {
      display_name: $("int-name").value.trim(),
      sign_languages: checkedValues($("int-sign-choices")),
      spoken_languages: $("int-spoken").value.split(",").map((s) => s.trim()).filter(Boolean),
      specialties: checkedValues($("int-spec-choices")),
      active: $("int-active").checked,
    };
    const errors = {};
    if (!body.display_name) errors.display_name = fieldMessage("display_name");
    if (!body.sign_languages.length) errors.sign_languages = fieldMessage("sign_languages");
    if (Object.keys(errors).length) {
      showErrors(form, summary, errors);
      return;
    }
    clearErrors(form, summary);
    const id = $("int-id").value;
    try {
      await api(id ? "PATCH" : "POST", id ? `/api/staff/interpreters/${id}` : "/api/staff/interpreters", {
        body,
        progress: t("status.saving"),
      });
    } catch (error) {
      apiFieldErrors(form, summary, error);
      return;
    }
    fillInterpreterForm(null);
    await loadInterpreters();
    await loadSchedule();
    setStatus(t("staff.int_saved", { name: body.display_name }), "ok");
  });
}

// ---------------------------------------------------------------- shifts and exceptions

function deleteButton(what, path, doneKey) {
  const button = el("button", { type: "button", class: "btn btn-secondary btn-small" }, t("staff.delete"));
  button.setAttribute("aria-label", t("staff.delete_named", { what }));
  button.addEventListener("click", async () => {
    const yes = await confirmInline(button.parentElement, {
      question: t("staff.delete_question", { what }),
      yes: t("staff.confirm_yes"),
      no: t("staff.confirm_no"),
      returnFocus: button,
    });
    if (!yes) return;
    try {
      await api("DELETE", path, { progress: t("status.saving") });
    } catch {
      return;
    }
    await loadSchedule();
    setStatus(t(doneKey), "ok");
    focusOn($("sh-weekly-heading"));
  });
  return button;
}

async function loadSchedule() {
  const id = $("sh-interpreter").value;
  if (!id) {
    replaceChildren($("sh-shift-list"), el("li", { class: "empty" }, t("staff.sh_no_interpreter")));
    replaceChildren($("sh-exc-list"));
    return;
  }
  let data;
  try {
    data = await api("GET", `/api/staff/interpreters/${id}/schedule`, { progress: t("status.loading") });
  } catch {
    return;
  }
  const shifts = (data.shifts || []).slice().sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start));
  replaceChildren(
    $("sh-shift-list"),
    shifts.length
      ? shifts.map((s) => {
          const text = t("staff.sh_shift_text", { day: t(`weekday.${s.weekday}`), start: s.start.slice(0, 5), end: s.end.slice(0, 5) });
          return el("li", { class: "list-row" }, el("span", {}, text), deleteButton(text, `/api/staff/shifts/${s.id}`, "staff.sh_deleted"));
        })
      : el("li", { class: "empty" }, t("staff.sh_no_shifts")),
  );
  const exceptions = (data.exceptions || []).slice().sort((a, b) => new Date(a.start) - new Date(b.start));
  replaceChildren(
    $("sh-exc-list"),
    exceptions.length
      ? exceptions.map((x) => {
          const text = t("staff.sh_exc_text", {
            kind: t(`exception.${x.kind}`),
            from: formatRange(x.start),
            to: formatRange(x.end),
          });
          return el(
            "li",
            { class: "list-row" },
            el("span", {}, text, x.note ? el("span", { class: "muted" }, ` — ${x.note}`) : null),
            deleteButton(text, `/api/staff/exceptions/${x.id}`, "staff.sh_deleted"),
          );
        })
      : el("li", { class: "empty" }, t("staff.sh_no_exceptions")),
  );
}

function setupShifts() {
  $("sh-interpreter").addEventListener("change", loadSchedule);
  const start = today();
  $("sh-exc-start").value = `${start}T09:00`;
  $("sh-exc-end").value = `${start}T18:00`;
  $("sh-shift-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = $("sh-shift-form");
    const summary = $("sh-shift-summary");
    const id = $("sh-interpreter").value;
    const body = { weekday: Number($("sh-weekday").value), start: $("sh-start").value, end: $("sh-end").value };
    const errors = {};
    if (!body.start) errors.start = fieldMessage("shift_start");
    if (!body.end) errors.end = fieldMessage("shift_end");
    if (!id) errors.weekday = t("staff.sh_no_interpreter");
    if (Object.keys(errors).length) return showErrors(form, summary, errors);
    clearErrors(form, summary);
    try {
      await api("POST", `/api/staff/interpreters/${id}/shifts`, { body, progress: t("status.saving") });
    } catch (error) {
      apiFieldErrors(form, summary, error);
      return;
    }
    await loadSchedule();
    setStatus(t("staff.sh_added"), "ok");
  });
  $("sh-exc-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = $("sh-exc-form");
    const summary = $("sh-exc-summary");
    const id = $("sh-interpreter").value;
    const errors = {};
    if (!$("sh-exc-start").value) errors.start = fieldMessage("exc_start");
    if (!$("sh-exc-end").value) errors.end = fieldMessage("exc_end");
    if (!id) errors.kind = t("staff.sh_no_interpreter");
    if (Object.keys(errors).length) return showErrors(form, summary, errors);
    const body = {
      kind: $("sh-kind").value,
      start: localToIso($("sh-exc-start").value),
      end: localToIso($("sh-exc-end").value),
    };
    if ($("sh-exc-note").value.trim()) body.note = $("sh-exc-note").value.trim();
    clearErrors(form, summary);
    try {
      await api("POST", `/api/staff/interpreters/${id}/exceptions`, { body, progress: t("status.saving") });
    } catch (error) {
      apiFieldErrors(form, summary, error);
      return;
    }
    $("sh-exc-note").value = "";
    await loadSchedule();
    setStatus(t("staff.sh_added"), "ok");
  });
}

// ---------------------------------------------------------------- live calls (/ws, GET /api/staff/calls)

const baseTitle = document.title;
const HANDOVER_ERRORS = ["handover_unavailable", "unknown_session", "illegal_state"];
let selectTab = () => {};
let live = null; // the staff socket
let liveCalls = { calls: [], interpreters: [] };
let liveSeq = 0;
let pendingHandover = null; // {sessionId, reservationId, name}
let liveRefreshing = false; // a refresh for a `wallboard` push is under way
let liveAgain = false; // ... and another push came meanwhile

function interpreterName(id) {
  const online = liveCalls.interpreters.find((i) => i.interpreter_id === id);
  if (online) return online.display_name;
  const known = interpreters.find((i) => i.id === id);
  return known ? known.display_name : t("staff.live_interpreter_n", { id });
}

function absentCalls() {
  return liveCalls.calls.filter((call) => call.alerted); // reset once the caller is matched
}

/** The banner above the tabs and the window title: visible from every tab, no sound. */
function renderAlert() {
  const absent = absentCalls();
  document.title = absent.length ? `${t("staff.live_title_alert", { n: absent.length })} · ${baseTitle}` : baseTitle;
  if (!absent.length) {
    replaceChildren($("live-alert"));
    return;
  }
  const open = el("button", { type: "button", class: "btn btn-primary", id: "live-alert-open" }, t("staff.live_alert_open"));
  open.addEventListener("click", () => {
    selectTab("tab-live", false);
    focusOn($("live-calls-heading"));
  });
  replaceChildren(
    $("live-alert"),
    el(
      "div",
      { class: "notice notice-error live-alert-box", id: "live-alert-box" },
      el("h2", {}, t("staff.live_alert_title")),
      el(
        "ul",
        {},
        absent.map((call) =>
          el(
            "li",
            { dataset: { reservation: call.reservation_id } },
            t("staff.live_alert_one", {
              id: bookingLabel(call),
              time: formatTime(call.slot_start),
              language: nameFor(catalog.languages, call.language),
              name: interpreterName(call.assigned_interpreter_id),
            }),
          ),
        ),
      ),
      open,
    ),
  );
}

function handoverForm(call) {
  if (call.state !== "waiting") return null;
  const candidates = (call.handover_candidates || []).filter((id) => id !== call.interpreter_id);
  if (!candidates.length) return el("p", { class: "muted live-no-candidates" }, t("staff.live_no_candidates"));
  const selectId = `live-to-${call.session_id}`;
  const select = el(
    "select",
    { id: selectId },
    candidates.map((id) => el("option", { value: id }, interpreterName(id))),
  );
  const button = el(
    "button",
    { type: "button", class: "btn btn-primary", id: `live-go-${call.session_id}` },
    t("staff.live_handover"),
  );
  button.addEventListener("click", () => handOver(call, Number(select.value)));
  return el(
    "div",
    { class: "live-handover" },
    el("div", { class: "field" }, el("label", { for: selectId }, t("staff.live_handover_label")), select),
    button,
  );
}

// Staff know bookings by their code (K7F-2QD); the number is a fallback for a call the list
// has not caught up with yet.
function bookingLabel(call) {
  return call.code || `#${call.reservation_id}`;
}

function liveCallCard(call) {
  const facts = [
    [t("detail.language"), nameFor(catalog.languages, call.language)],
    [t("staff.live_assigned"), interpreterName(call.assigned_interpreter_id)],
    call.interpreter_id !== call.assigned_interpreter_id ? [t("staff.live_current"), interpreterName(call.interpreter_id)] : null,
    call.state === "waiting" && call.waiting_status ? [t("staff.live_state_label"), t(`staff.live_waiting.${call.waiting_status}`)] : null,
  ].filter(Boolean);
  return el(
    "li",
    {
      class: "card live-call",
      dataset: { session: call.session_id, reservation: call.reservation_id, state: call.state, alerted: String(call.alerted) },
    },
    el("h4", {}, t("staff.live_call_heading", { id: bookingLabel(call), time: formatTime(call.slot_start) })),
    el(
      "p",
      { class: "res-time" },
      el(
        "span",
        { class: `live-badge live-state-${call.state}` },
        el("span", { class: "visually-hidden" }, `${t("staff.live_state_label")}: `),
        t(`staff.live_state.${call.state}`),
      ),
      " ",
      el("span", { class: "muted" }, t("staff.live_since", { time: formatTime(call.since) })),
      call.alerted ? [" ", el("span", { class: "badge badge-cancelled" }, t("staff.live_absent_badge"))] : null,
    ),
    el("dl", { class: "res-facts" }, facts.map(([label, value]) => [el("dt", {}, label), el("dd", {}, value)])),
    handoverForm(call),
  );
}

function liveInterpreterRow(item) {
  const languages = (item.languages || []).map((code) => nameFor(catalog.languages, code)).join(", ");
  return el(
    "li",
    { class: "list-row", dataset: { interpreter: item.interpreter_id, presence: item.presence } },
    el("span", {}, `${item.display_name} (${languages})`),
    el(
      "span",
      { class: "presence-badge", dataset: { presence: item.presence } },
      t(`console.presence.${item.presence}`),
      item.connected ? "" : ` · ${t("staff.live_connected_no")}`,
    ),
  );
}

function renderLive() {
  // Keep the chosen interpreter and the focus across a refresh.
  const chosen = new Map([...document.querySelectorAll("#live-calls select")].map((s) => [s.id, s.value]));
  const focused = document.activeElement && document.activeElement.closest("#live-calls") ? document.activeElement.id : "";
  replaceChildren(
    $("live-calls"),
    liveCalls.calls.length ? liveCalls.calls.map(liveCallCard) : el("li", { class: "empty" }, t("staff.live_no_calls")),
  );
  for (const [id, value] of chosen) {
    const select = $(id);
    if (select && [...select.options].some((o) => o.value === value)) select.value = value;
  }
  if (focused && $(focused)) $(focused).focus();
  replaceChildren(
    $("live-interpreters"),
    liveCalls.interpreters.length
      ? liveCalls.interpreters.map(liveInterpreterRow)
      : el("li", { class: "empty" }, t("staff.live_no_interpreters")),
  );
  renderAlert();
}

async function refreshLive() {
  const seq = ++liveSeq;
  let data;
  try {
    data = await api("GET", "/api/staff/calls", { quiet: true });
  } catch {
    return;
  }
  if (seq !== liveSeq) return; // a newer refresh is on its way
  liveCalls = { calls: data.calls || [], interpreters: data.interpreters || [] };
  renderLive();
}

function showResult(text, kind) {
  replaceChildren($("live-result"), el("p", { class: `notice notice-${kind}`, id: "live-result-text" }, text));
}

function handOver(call, interpreterId) {
  const name = interpreterName(interpreterId);
  pendingHandover = { sessionId: call.session_id, reservationId: call.reservation_id, name };
  if (!live.send({ type: "staff_handover", session_id: call.session_id, interpreter_id: interpreterId })) {
    pendingHandover = null;
    showResult(t("staff.live_conn.closed"), "error");
    return;
  }
  showResult(t("staff.live_handover_sent", { id: call.reservation_id, name }), "warning");
}

/**
 * A `wallboard` push (we `watch` it): an interpreter's presence or the queue changed, so the
 * presence list and the handover candidates may have too. Read them again while the live tab is
 * shown (one request at a time; pushes that come meanwhile make one more), else on showing it.
 */
function onWallboardPush() {
  if ($("panel-live").hidden) return; // the tab refreshes when it is shown
  if (liveRefreshing) {
    liveAgain = true;
    return;
  }
  liveRefreshing = true;
  refreshLive().finally(() => {
    liveRefreshing = false;
    if (liveAgain) {
      liveAgain = false;
      onWallboardPush();
    }
  });
}

function onLiveMessage(message) {
  switch (message.type) {
    case "welcome":
      live.send({ type: "watch", topic: "wallboard" });
      refreshLive();
      break;
    case "staff_alert":
      refreshLive();
      break;
    case "wallboard":
      onWallboardPush();
      break;
    case "handed_over": {
      const mine = pendingHandover && pendingHandover.sessionId === message.session_id;
      const name = interpreterName(message.to_interpreter_id);
      if (mine || message.by === "system") {
        const key = message.by === "system" ? "staff.live_handed_over_auto" : "staff.live_handed_over";
        const call = liveCalls.calls.find((c) => c.session_id === message.session_id);
        showResult(t(key, { id: call ? bookingLabel(call) : `#${message.reservation_id}`, name }), "success");
      }
      if (mine) {
        pendingHandover = null;
        focusOn($("live-result-text"));
      }
      refreshLive();
      break;
    }
    case "error":
      if (message.about === "staff_handover") {
        const code = HANDOVER_ERRORS.includes(message.code) ? message.code : "other";
        showResult(t("staff.live_handover_failed", { reason: t(`staff.live_err.${code}`), code: message.code }), "error");
        if (pendingHandover) focusOn($("live-result-text"));
        pendingHandover = null;
        refreshLive();
      }
      break;
    default:
      break;
  }
}

function onLiveState(state) {
  const known = ["connecting", "open", "reconnecting", "closed"].includes(state) ? state : "connecting";
  $("live-conn").dataset.state = known;
  $("live-conn").textContent = t(`staff.live_conn.${known}`);
  $("live-reconnect").hidden = known !== "closed";
}

function setupLive() {
  live = new SignalingClient({
    storageKey: "signdesk.resume.staff",
    url: async () => wsUrl("/ws"),
    onMessage: onLiveMessage,
    onState: onLiveState,
  });
  $("live-refresh").addEventListener("click", () => refreshLive());
  $("live-reconnect").addEventListener("click", () => live.start());
  onTabShown.add((id) => {
    if (id === "tab-live") refreshLive();
  });
  live.start();
}

// ---------------------------------------------------------------- start

async function main() {
  selectTab = setupTabs();
  try {
    const me = await api("GET", "/api/me", { quiet: true });
    setCsrfToken(me.csrf_token);
  } catch {
    // the meta tag's token is the same session's token
  }
  try {
    catalog = await api("GET", "/api/catalog", { progress: t("status.loading") });
  } catch {
    return;
  }
  setupReservations();
  setupBooking();
  setupInterpreters();
  setupShifts();
  await loadInterpreters();
  setupLive();
  await loadSchedule();
}

main();
