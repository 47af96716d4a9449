// The counseling record form on the interpreter console (issue 6; _record_form.html).
//
// The interpreter fills it during the session and after it. Every change is kept at once in this
// browser (localStorage, keyed by the session id) and sent to the server after a short pause
// (debounced autosave), with the state in words: "saving…", "saved at 14:05", "not saved —
// retrying". While the session is still running the server has no row for it yet, so the draft
// stays on the device until the session ends. When the page goes away (pagehide, or the tab is
// hidden) the last draft is sent with `fetch(..., {keepalive: true})`, with the CSRF header like
// every other write. A draft the server never got is offered back the next time the record opens.
import { api, ApiError } from "./api.js";
import { el, focusOn, replaceChildren } from "./dom.js";
import { clearErrors, showErrors } from "./forms.js";
import { t } from "./i18n.js";
import { formatDate, formatTime } from "./time.js";

const DEBOUNCE_MS = 1200;
const RETRY_MS = [2_000, 4_000, 8_000, 15_000, 30_000];
const STORAGE_PREFIX = "signdesk.record-draft.";
const DRAFT_MAX_AGE_MS = 14 * 24 * 3600 * 1000; // older drafts on the device are dropped
const DATED = new Set(["referred", "follow_up"]);
const FIELDS = ["category", "summary", "outcome", "agency", "follow_up_date"];
const LABEL_KEYS = {
  category: "record.category",
  summary: "record.summary",
  outcome: "record.outcome",
  agency: "record.agency",
  follow_up_date: "record.follow_up_date",
};

const $ = (id) => document.getElementById(id);

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

function recordUrl(sessionId) {
  return `/api/sessions/${encodeURIComponent(sessionId)}/record`;
}

function readDraft(sessionId) {
  try {
    const raw = localStorage.getItem(STORAGE_PREFIX + sessionId);
    const draft = raw ? JSON.parse(raw) : null;
    return draft && draft.values ? draft : null;
  } catch {
    return null;
  }
}

function writeDraft(sessionId, values) {
  try {
    localStorage.setItem(STORAGE_PREFIX + sessionId, JSON.stringify({ values, at: Date.now() }));
  } catch {
    // Storage full or disabled: the autosave still runs.
  }
}

function dropDraft(sessionId) {
  try {
    localStorage.removeItem(STORAGE_PREFIX + sessionId);
  } catch {
    // nothing to do
  }
}

function dropOldDrafts() {
  try {
    for (let i = localStorage.length - 1; i >= 0; i -= 1) {
      const key = localStorage.key(i);
      if (!key || !key.startsWith(STORAGE_PREFIX)) continue;
      const draft = JSON.parse(localStorage.getItem(key) || "{}");
      if (!draft.at || Date.now() - draft.at > DRAFT_MAX_AGE_MS) localStorage.removeItem(key);
    }
  } catch {
    // nothing to do
  }
}

/** The same values in a fixed order, to compare drafts. */
function canonical(values) {
  return JSON.stringify(FIELDS.map((name) => (values ? values[name] ?? null : null)));
}

function blankValues() {
  return { category: null, summary: "", outcome: null, agency: null, follow_up_date: null };
}

export function createRecordForm({ onSaved } = {}) {
  const form = $("record-form");
  const panel = $("record-panel");
  const errors = $("record-errors");
  const status = $("record-save-status");
  let sessionId = null;
  let live = false;
  let lastSent = canonical(blankValues()); // what the server holds for this session
  let saving = false;
  let again = false;
  let timer = null;
  let retryTimer = null;
  let retries = 0;
  let catalogReady = null;
  let pendingRestore = null;

  function setState(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  function values() {
    const outcome = form.querySelector('input[name="outcome"]:checked');
    const chosen = outcome ? outcome.value : null;
    const agency = $("record-agency").value.trim();
    return {
      category: $("record-category").value || null,
      summary: $("record-summary").value,
      outcome: chosen,
      // A field the outcome does not use is not sent (its text stays in the form).
      agency: chosen === "referred" && agency ? agency : null,
      follow_up_date: DATED.has(chosen) && $("record-follow-up").value ? $("record-follow-up").value : null,
    };
  }

  function setValues(v) {
    $("record-category").value = v.category || "";
    $("record-summary").value = v.summary || "";
    for (const radio of form.querySelectorAll('input[name="outcome"]')) radio.checked = radio.value === v.outcome;
    $("record-agency").value = v.agency || "";
    $("record-follow-up").value = v.follow_up_date || "";
    showOutcomeFields();
    countChars();
  }

  function showOutcomeFields() {
    const outcome = values().outcome;
    $("record-agency-field").hidden = outcome !== "referred";
    $("record-follow-up-field").hidden = !DATED.has(outcome);
  }

  function countChars() {
    const box = $("record-summary");
    const left = Number(box.maxLength) - box.value.length;
    $("record-summary-count").textContent = t("record.chars_left", { n: left });
  }

  function showMissing(missing) {
    const names = Object.keys(missing || {});
    const line = $("record-missing");
    line.hidden = names.length === 0;
    line.textContent = names.length ? t("record.missing_list", { list: names.map((n) => t(LABEL_KEYS[n] || n)).join(", ") }) : "";
  }

  function showProblems(fields, { focus }) {
    const messages = {};
    for (const [name, code] of Object.entries(fields || {})) {
      const key = `record.problem.${code}`;
      const text = t(key);
      messages[name] = text === key ? t(`field.${name}`) : text;
    }
    showErrors(form, errors, messages, { focus });
  }

  async function loadCatalog() {
    if (!catalogReady) {
      catalogReady = api("GET", "/api/record-categories", { quiet: true })
        .then((catalog) => {
          const select = $("record-category");
          const lang = document.documentElement.lang === "en" ? "en" : "ko";
          for (const c of catalog.categories) {
            select.append(el("option", { value: c.code }, lang === "en" ? c.label_en : c.label_ko));
          }
          $("record-summary").maxLength = catalog.max_summary_chars;
          $("record-agency").maxLength = catalog.max_agency_chars;
        })
        .catch(() => {
          catalogReady = null;
        });
    }
    return catalogReady;
  }

  function clearTimers() {
    clearTimeout(timer);
    clearTimeout(retryTimer);
    timer = null;
    retryTimer = null;
  }

  function onInput() {
    if (!sessionId) return;
    showOutcomeFields();
    countChars();
    const current = values();
    writeDraft(sessionId, current);
    if (pendingRestore) hideRestore(); // typing instead of answering: go on from what is shown
    if (live) {
      setState("local", t("record.status.local"));
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(() => save(), DEBOUNCE_MS);
  }

  /** Send the form (autosave, or `final` when the interpreter finishes the record). */
  async function save({ final = false } = {}) {
    clearTimers();
    if (!sessionId || live) return false;
    if (saving) {
      again = true;
      return false;
    }
    const id = sessionId;
    const current = values();
    const text = canonical(current);
    if (!final && text === lastSent) {
      dropDraft(id);
      return true;
    }
    saving = true;
    setState("saving", t("record.status.saving"));
    try {
      const saved = await api("PUT", recordUrl(id), { body: { ...current, final }, quiet: true });
      if (id !== sessionId) return true; // another session's form is open now
      lastSent = text;
      retries = 0;
      if (canonical(values()) === text) dropDraft(id);
      clearErrors(form, errors);
      setState("saved", t("record.status.saved", { time: formatTime(saved.record.updated_at) }));
      showMissing(saved.record.missing);
      if (final) setState("saved", `${t("record.finished")} ${t("record.status.saved", { time: formatTime(saved.record.updated_at) })}`);
      recent.load();
      if (onSaved) onSaved(saved);
      return true;
    } catch (error) {
      if (id !== sessionId) return false;
      if (error instanceof ApiError && error.status === 422) {
        setState("invalid", t("record.status.invalid"));
        showProblems(error.fields, { focus: final });
        return false;
      }
      // Network, server or a session the server has not stored yet: the draft is on the device;
      // try again with a growing pause.
      setState("retrying", t("record.status.retrying"));
      retryTimer = setTimeout(() => save(), RETRY_MS[Math.min(retries, RETRY_MS.length - 1)]);
      retries += 1;
      return false;
    } finally {
      saving = false;
      if (again) {
        again = false;
        if (id === sessionId) timer = setTimeout(() => save(), 0);
      }
    }
  }

  /** The page is going away: send the last draft with keepalive (the CSRF header as always). */
  function sendOnLeave() {
    if (!sessionId || live) return;
    const current = values();
    if (canonical(current) === lastSent) return;
    writeDraft(sessionId, current);
    try {
      fetch(recordUrl(sessionId), {
        method: "PUT",
        keepalive: true,
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrfToken() },
        body: JSON.stringify({ ...current, final: false }),
      }).catch(() => {});
    } catch {
      // The draft stays in localStorage and is offered back next time.
    }
  }

  function hideRestore() {
    pendingRestore = null;
    $("record-restore").hidden = true;
  }

  function offerRestore(draft, serverValues) {
    if (canonical(draft.values) === canonical(serverValues)) {
      dropDraft(sessionId);
      return;
    }
    pendingRestore = draft;
    $("record-restore-text").textContent = t("record.restore_text", {
      time: `${formatDate(new Date(draft.at).toISOString())} ${formatTime(new Date(draft.at).toISOString())}`,
    });
    $("record-restore").hidden = false;
  }

  function restore() {
    const draft = pendingRestore;
    hideRestore();
    if (!draft) return;
    setValues({ ...blankValues(), ...draft.values });
    onInput();
    focusOn($("record-category"));
  }

  function discard() {
    hideRestore();
    if (sessionId) dropDraft(sessionId);
    focusOn($("record-category"));
  }

  /**
   * Show the record of `id`. `live`: the session is running (nothing on the server yet);
   * `startedAt` and `mode` label the form.
   */
  async function open(id, { live: running = false, startedAt = null, mode = "video", focus = false } = {}) {
    if (sessionId && sessionId !== id) {
      sendOnLeave(); // the previous session's last draft
    }
    clearTimers();
    hideRestore();
    clearErrors(form, errors);
    showMissing({});
    sessionId = id;
    live = running;
    retries = 0;
    await loadCatalog();
    if (sessionId !== id) return;
    const when = startedAt ? formatTime(startedAt) : formatTime(new Date().toISOString());
    $("record-for").textContent = t("record.for_session", { time: when, mode: t(`record.mode.${mode === "chat" ? "chat" : "video"}`) });
    let serverValues = blankValues();
    if (!running) {
      try {
        const view = await api("GET", recordUrl(id), { quiet: true });
        if (sessionId !== id) return;
        if (view.record) {
          serverValues = {
            category: view.record.category,
            summary: view.record.summary,
            outcome: view.record.outcome,
            agency: view.record.agency,
            follow_up_date: view.record.follow_up_date,
          };
          showMissing(view.record.missing);
          setState("saved", t("record.status.saved", { time: formatTime(view.record.updated_at) }));
        } else {
          setState("idle", t("record.status.idle"));
        }
      } catch {
        if (sessionId !== id) return;
        setState("retrying", t("record.status.retrying"));
      }
    } else {
      setState("local", t("record.status.local"));
    }
    lastSent = canonical(serverValues);
    setValues(serverValues);
    panel.hidden = false;
    const draft = readDraft(id);
    if (draft) offerRestore(draft, serverValues);
    if (focus) focusOn($("record-heading"));
  }

  /** The running session ended: its row is (about to be) stored, so the draft can go up now. */
  function ended() {
    if (!sessionId || !live) return;
    live = false;
    const text = canonical(values());
    if (text !== lastSent) save();
    else setState("idle", t("record.status.idle"));
  }

  const recent = createRecentSessions(open);

  form.addEventListener("input", onInput);
  form.addEventListener("change", onInput);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (live) {
      setState("local", t("record.status.local"));
      return;
    }
    await save({ final: true });
  });
  $("record-restore-yes").addEventListener("click", restore);
  $("record-restore-no").addEventListener("click", discard);
  window.addEventListener("pagehide", sendOnLeave);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") sendOnLeave();
  });
  dropOldDrafts();
  countChars();

  recent.load();
  return {
    open,
    ended() {
      ended();
      setTimeout(recent.load, 1000); // the session's row is written just after it ends
    },
    save,
  };
}

/** The interpreter's recent sessions, each with a button that opens its record. */
function createRecentSessions(openRecord) {
  const list = $("recent-list");

  function item(s) {
    const when = formatTime(s.caller_joined_at);
    const state = s.complete ? "complete" : s.has_record ? "draft" : "missing";
    const label = t(s.has_record ? "record.recent_edit" : "record.recent_write", { time: when });
    return el(
      "li",
      { class: "card recent-card", dataset: { sessionId: s.session_id, recordState: state } },
      el(
        "p",
        { class: "res-time" },
        `${formatDate(s.caller_joined_at)} ${when}`,
        " · ",
        t(`record.mode.${s.mode === "chat" ? "chat" : "video"}`),
        " ",
        el("span", { class: `badge record-state record-${state}` }, t(state === "complete" ? "record.complete" : state === "draft" ? "record.draft" : "record.missing")),
      ),
      el(
        "button",
        {
          type: "button",
          class: "btn btn-secondary btn-small",
          onclick: () => openRecord(s.session_id, { startedAt: s.caller_joined_at, mode: s.mode, focus: true }),
        },
        label,
      ),
    );
  }

  async function load() {
    try {
      const data = await api("GET", "/api/interpreter/records?limit=10", { quiet: true });
      replaceChildren(list, data.sessions.length ? data.sessions.map(item) : el("li", { class: "empty" }, t("record.recent_empty")));
    } catch {
      // The list is a convenience; the status bar is for the call.
    }
  }

  return { load };
}
