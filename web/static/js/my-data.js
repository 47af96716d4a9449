// The citizen's "what is kept about me" page (/booking/{code}/my-data#t=<token>): the booking,
// each call's kept data with the date it will be deleted, and a deletion request for staff.
import { api, errorMessage, setStatus } from "./api.js";
import { replaceChildren } from "./dom.js";
import { t } from "./i18n.js";
import { formatRange } from "./time.js";

const $ = (id) => document.getElementById(id);
const pageData = JSON.parse($("page-data").textContent);
const code = pageData.code || "";

function tokenFromHash() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  return params.get("t") || "";
}

function when(value) {
  return value ? formatRange(value) : t("mydata.none");
}

function entry(list, label, value) {
  const dt = document.createElement("dt");
  dt.textContent = label;
  const dd = document.createElement("dd");
  dd.textContent = value === null || value === undefined || value === "" ? t("mydata.none") : String(value);
  list.append(dt, dd);
}

function consentText(version, at, withdrawn) {
  if (!version) return t("mydata.consent_no");
  const given = t("mydata.consent_given", { version, at: when(at) });
  return withdrawn ? `${given} ${t("mydata.consent_withdrawn", { at: when(withdrawn) })}` : given;
}

function renderBooking(data) {
  const list = $("mydata-booking");
  replaceChildren(list);
  entry(list, t("mydata.code"), data.code);
  entry(list, t("mydata.name"), data.name);
  entry(list, t("mydata.contact"), data.contact);
  entry(list, t("mydata.note"), data.note);
  entry(list, t("mydata.slot"), `${when(data.starts_at)} – ${when(data.ends_at)}`);
  entry(list, t("mydata.status"), data.status);
  entry(list, t("mydata.consent"), consentText(data.consent_version, data.consented_at, null));
  entry(list, t("mydata.contact_until"), data.purged_at ? t("mydata.deleted_at", { at: when(data.purged_at) }) : when(data.contact_kept_until));
}

function renderSession(session, index) {
  const box = document.createElement("section");
  box.className = "mydata-session";
  const heading = document.createElement("h3");
  heading.textContent = t("mydata.session_n", { n: index + 1, at: when(session.joined_at) });
  const list = document.createElement("dl");
  list.className = "details";
  entry(list, t("mydata.mode"), session.mode);
  entry(list, t("mydata.ended"), when(session.ended_at));
  entry(list, t("mydata.transcript_consent"), consentText(session.transcript_consent_version, session.transcript_consent_at, session.transcript_withdrawn_at));
  entry(list, t("mydata.recording_consent"), consentText(session.recording_consent_version, session.recording_consent_at, session.recording_withdrawn_at));
  entry(list, t("mydata.chat_lines"), t("mydata.kept_until", { n: session.chat.length, at: when(session.chat_kept_until) }));
  entry(list, t("mydata.recordings"), t("mydata.kept_until", { n: session.recordings.length, at: when(session.recordings_kept_until) }));
  entry(list, t("mydata.record"), session.record_category ? `${session.record_category} / ${session.record_outcome || ""}` : null);
  entry(list, t("mydata.record_summary"), session.record_summary);
  entry(list, t("mydata.record_until"), when(session.record_kept_until));
  entry(list, t("mydata.survey"), session.survey_stars ? `${session.survey_stars} / 5` : null);
  entry(list, t("mydata.survey_comment"), session.survey_comment);
  box.append(heading, list);
  if (session.chat.length) {
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = t("mydata.show_chat");
    const lines = document.createElement("ol");
    lines.className = "chat-lines";
    for (const line of session.chat) {
      const item = document.createElement("li");
      item.textContent = `${when(line.at)} ${t(`mydata.sender.${line.sender}`)}: ${line.text}`;
      lines.append(item);
    }
    details.append(summary, lines);
    box.append(details);
  }
  return box;
}

function renderRequest(data) {
  const state = $("mydata-request-state");
  const button = $("mydata-delete");
  if (data.deletion_status === "open") {
    state.textContent = t("mydata.request_open", { at: when(data.deletion_requested_at) });
    button.hidden = true;
  } else if (data.deletion_status) {
    state.textContent = t(data.deletion_status === "done" ? "mydata.request_done" : "mydata.request_refused");
    button.hidden = data.deletion_status === "done";
  } else {
    state.textContent = "";
    button.hidden = false;
  }
}

async function load() {
  const token = tokenFromHash();
  $("mydata-back").href = `/booking/${encodeURIComponent(code)}#t=${encodeURIComponent(token)}`;
  try {
    const data = await api("GET", `/api/reservations/${encodeURIComponent(code)}/my-data`, { token, quiet: true });
    $("mydata-loading").hidden = true;
    renderBooking(data);
    const sessions = $("mydata-sessions");
    replaceChildren(sessions);
    data.sessions.forEach((session, i) => sessions.append(renderSession(session, i)));
    $("mydata-no-sessions").hidden = data.sessions.length > 0;
    renderRequest(data);
    $("mydata").hidden = false;
  } catch (error) {
    $("mydata-loading").hidden = true;
    if (error.status === 404) {
      $("mydata-invalid").hidden = false;
      $("mydata-invalid").focus();
    } else {
      setStatus(errorMessage(error), "error");
    }
  }
}

async function requestDeletion() {
  const button = $("mydata-delete");
  button.disabled = true;
  try {
    await api("POST", `/api/reservations/${encodeURIComponent(code)}/deletion-request`, {
      token: tokenFromHash(),
      progress: t("mydata.requesting"),
      done: t("mydata.requested"),
    });
    await load();
  } catch {
    // api() showed the error in the status region
  } finally {
    button.disabled = false;
  }
}

$("mydata-delete").addEventListener("click", requestDeletion);
load();
