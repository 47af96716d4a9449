// Supervisors' counseling records (issue 6): the search page (/staff/records: filters, one page
// of results with a link to each record, export links that carry the same filters) and the
// read-only record page (/staff/records/{session_id}). Text is set with textContent only.
import { api, setStatus } from "./api.js";
import { el, focusOn, replaceChildren } from "./dom.js";
import { lang, t } from "./i18n.js";
import { formatDate, formatTime } from "./time.js";

const $ = (id) => document.getElementById(id);
const PAGE_SIZE = 25;
const FILTERS = ["from", "to", "interpreter_id", "category", "outcome", "language", "channel", "mode"];

let categories = [];
let languages = [];

function labelOf(list, code, ko = "label_ko", en = "label_en") {
  const found = list.find((item) => item.code === code);
  if (!found) return code || "";
  return (lang === "en" ? found[en] : found[ko]) || code;
}

function when(iso) {
  return iso ? `${formatDate(iso)} ${formatTime(iso)}` : "";
}

/** "45 s", "2 min 05 s", "1 h 10 min". */
function duration(seconds) {
  if (seconds === null || seconds === undefined) return "";
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return t("dur.s", { s });
  if (s < 3600) return t("dur.ms", { m: Math.floor(s / 60), s: String(s % 60).padStart(2, "0") });
  return t("dur.hm", { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

function stateLabel(row) {
  return t(row.complete ? "record.complete" : "record.draft");
}

// ---------------------------------------------------------------- the search page

function currentFilters() {
  const form = $("records-filter");
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = form.elements[name].value;
    if (value) params.set(name, value);
  }
  return params;
}

function setExportLinks(params) {
  const withLang = new URLSearchParams(params);
  withLang.set("lang", lang);
  const query = withLang.toString();
  $("export-csv").href = `/api/records/export.csv?${query}`;
  $("export-json").href = `/api/records/export.json?${query}`;
  $("export-open311").href = `/api/records/export.open311.json?${query}`;
}

function resultRow(row) {
  return el(
    "tr",
    { dataset: { sessionId: row.session_id } },
    el("th", { scope: "row" }, el("a", { href: `/staff/records/${encodeURIComponent(row.session_id)}`, "aria-label": t("records.open", { time: when(row.caller_joined_at) }) }, when(row.caller_joined_at))),
    el("td", {}, row.interpreter_name || ""),
    el("td", {}, row.category ? labelOf(categories, row.category) : "—"),
    el("td", {}, row.outcome ? t(`record.outcome.${row.outcome}`) : "—"),
    el("td", {}, row.language ? labelOf(languages, row.language, "name_ko", "name_en") : ""),
    el("td", {}, t(`record.channel.${row.channel}`)),
    el("td", {}, t(`record.mode.${row.mode}`)),
    el("td", {}, stateLabel(row)),
  );
}

let page = 1;
let pages = 1;

async function search({ announce = false } = {}) {
  const params = currentFilters();
  setExportLinks(params);
  params.set("page", String(page));
  params.set("page_size", String(PAGE_SIZE));
  history.replaceState(null, "", `/staff/records?${currentFilters().toString()}`);
  let data;
  try {
    data = await api("GET", `/api/records?${params.toString()}`, { progress: t("status.loading") });
  } catch {
    return;
  }
  pages = data.pages;
  $("records-count").textContent = t("records.results", { total: data.total, page: data.page, pages: data.pages });
  replaceChildren(
    $("records-rows"),
    data.records.length ? data.records.map(resultRow) : el("tr", { class: "empty-row" }, el("td", { colspan: "8" }, t("records.none"))),
  );
  $("records-prev").disabled = page <= 1;
  $("records-next").disabled = page >= pages;
  if (announce) setStatus(t("records.loaded", { total: data.total }), "ok");
}

async function searchPage() {
  const form = $("records-filter");
  // Filters from the address (a reload or a shared link keeps the search).
  const initial = new URLSearchParams(location.search);
  const [catalog, cats, people] = await Promise.all([
    api("GET", "/api/catalog", { quiet: true }).catch(() => null),
    api("GET", "/api/record-categories", { quiet: true }).catch(() => null),
    api("GET", "/api/staff/interpreters", { quiet: true }).catch(() => null),
  ]);
  if (catalog) {
    languages = catalog.languages;
    for (const l of languages) $("f-language").append(el("option", { value: l.code }, lang === "en" ? l.name_en : l.name_ko));
  }
  if (cats) {
    categories = cats.categories;
    for (const c of categories) $("f-category").append(el("option", { value: c.code }, labelOf(categories, c.code)));
  }
  if (people) {
    for (const p of people.interpreters) $("f-interpreter").append(el("option", { value: String(p.id) }, p.display_name));
  }
  for (const name of FILTERS) {
    if (initial.has(name)) form.elements[name].value = initial.get(name);
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    page = 1;
    search({ announce: true });
  });
  $("records-prev").addEventListener("click", () => {
    if (page > 1) {
      page -= 1;
      search({ announce: true }).then(() => focusOn($("records-results-heading")));
    }
  });
  $("records-next").addEventListener("click", () => {
    if (page < pages) {
      page += 1;
      search({ announce: true }).then(() => focusOn($("records-results-heading")));
    }
  });
  await search();
}

// ---------------------------------------------------------------- one record

function facts(pairs) {
  return pairs.filter(([, value]) => value !== null && value !== undefined && value !== "").flatMap(([label, value]) => [el("dt", {}, label), el("dd", {}, value)]);
}

function percent(share) {
  return share === null || share === undefined ? t("staff.quality_unknown") : `${Math.round(share * 100)}%`;
}

async function recordPage() {
  const sessionId = $("record-view-heading").dataset.sessionId;
  const [cats, catalog] = await Promise.all([
    api("GET", "/api/record-categories", { quiet: true }).catch(() => null),
    api("GET", "/api/catalog", { quiet: true }).catch(() => null),
  ]);
  if (cats) categories = cats.categories;
  if (catalog) languages = catalog.languages;
  let view;
  try {
    view = await api("GET", `/api/sessions/${encodeURIComponent(sessionId)}/record`, { progress: t("status.loading") });
  } catch {
    return;
  }
  const s = view.session;
  replaceChildren(
    $("rv-session"),
    facts([
      [t("record.f.session"), s.session_id],
      [t("record.f.kind"), t(`record.kind.${s.kind}`)],
      [t("records.channel"), t(`record.channel.${s.channel}`)],
      [t("records.mode"), t(`record.mode.${s.mode}`)],
      [t("records.language"), s.language ? labelOf(languages, s.language, "name_ko", "name_en") : ""],
      [t("record.f.booking"), s.booking_code],
      [t("record.f.interpreter"), s.interpreter_name],
      [t("record.f.started"), when(s.caller_joined_at)],
      [t("record.f.ended"), when(s.ended_at)],
      [t("record.f.wait"), duration(s.wait_seconds)],
      [t("record.f.duration"), duration(s.duration_seconds)],
      [t("record.f.end_reason"), s.end_reason],
    ]),
  );
  const r = view.record;
  if (r) {
    replaceChildren(
      $("rv-record"),
      facts([
        [t("record.category"), r.category ? labelOf(categories, r.category) : "—"],
        [t("record.outcome"), r.outcome ? t(`record.outcome.${r.outcome}`) : "—"],
        [t("record.agency"), r.agency],
        [t("record.follow_up_date"), r.follow_up_date],
        [t("records.col.state"), t(r.complete ? "record.complete" : "record.draft")],
        [t("record.f.updated"), when(r.updated_at)],
      ]),
    );
    replaceChildren($("rv-summary"), el("h3", {}, t("record.summary")), ...r.summary.split("\n").map((line) => el("p", {}, line)));
  } else {
    replaceChildren($("rv-record"));
    replaceChildren($("rv-summary"), el("p", {}, t("record.none")));
  }
  const sv = view.survey;
  replaceChildren(
    $("rv-survey"),
    sv
      ? el(
          "dl",
          { class: "res-facts" },
          facts([
            [t("record.survey_heading"), t("record.survey_stars", { n: sv.stars })],
            [t("record.survey_resolved"), sv.resolved === null ? "" : t(sv.resolved ? "record.survey_resolved" : "record.survey_unresolved")],
            [t("record.survey_comment"), sv.comment],
          ]),
        )
      : el("p", {}, t("record.survey_none")),
  );
  const q = view.quality;
  replaceChildren(
    $("rv-quality"),
    q
      ? el(
          "ul",
          {},
          Object.entries(q.sides).map(([side, v]) =>
            el(
              "li",
              {},
              `${t(side === "caller" ? "staff.quality_caller" : "staff.quality_interpreter")}: `,
              t("staff.quality_line", {
                hands: percent(v.hands_visible_share),
                cropped: percent(v.cropped_share),
                brightness: v.mean_brightness === null ? t("staff.quality_unknown") : Math.round(v.mean_brightness),
                fps: v.mean_received_fps === null ? t("staff.quality_unknown") : t("staff.quality_fps", { fps: v.mean_received_fps.toFixed(1) }),
                signing: t("staff.quality_seconds", { s: Math.round(v.signing_seconds) }),
              }),
            ),
          ),
        )
      : el("p", {}, t("record.quality_none")),
  );
  replaceChildren(
    $("rv-transcript"),
    view.transcript_kept
      ? [
          view.transcript_truncated ? el("p", { class: "hint" }, t("record.transcript_truncated")) : null,
          el(
            "ol",
            { class: "plain-list transcript" },
            view.transcript.map((line) => el("li", {}, el("span", { class: "transcript-who" }, `${formatTime(line.at)} ${t(`record.sender.${line.sender}`)}: `), line.text)),
          ),
        ]
      : el("p", {}, t("record.transcript_none")),
  );
  replaceChildren(
    $("rv-recordings"),
    view.recordings.length
      ? el("ul", {}, view.recordings.map((f) => el("li", {}, `${t(`record.sender.${f.side}`)}: ${f.format}, ${when(f.started_at)}–${formatTime(f.ended_at)}, ${Math.ceil(f.bytes / 1024)} KiB`)))
      : el("p", {}, t("record.recordings_none")),
  );
}

if ($("records-filter")) searchPage();
else if ($("record-view-heading")) recordPage();
