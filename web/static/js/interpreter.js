// Interpreter home (/interpreter): today's reservations, read-only.
import { api } from "./api.js";
import { el, replaceChildren } from "./dom.js";
import { nameFor, pageData, t } from "./i18n.js";
import { dayLongLabel, formatTime, today } from "./time.js";

const $ = (id) => document.getElementById(id);
let catalog = { languages: [], topics: [], specialties: [] };

function card(item) {
  return el(
    "li",
    { class: `card res-card status-${item.status}`, dataset: { code: item.code } },
    el(
      "p",
      { class: "res-time" },
      `${formatTime(item.start)}–${formatTime(item.end)}`,
      " ",
      el("span", { class: `badge badge-${item.status}` }, t(`status_name.${item.status}`)),
    ),
    el(
      "dl",
      { class: "res-facts" },
      el("dt", {}, t("detail.topic")),
      el("dd", {}, nameFor(catalog.topics, item.topic)),
      el("dt", {}, t("detail.language")),
      el("dd", {}, nameFor(catalog.languages, item.language)),
      item.specialty ? [el("dt", {}, t("detail.specialty")), el("dd", {}, nameFor(catalog.specialties, item.specialty))] : null,
      el("dt", {}, t("manage.code")),
      el("dd", {}, item.code),
    ),
  );
}

async function load({ announce = false } = {}) {
  const day = today();
  $("interp-date").textContent = t("interp.date", { day: dayLongLabel(day), zone: pageData.tz_label });
  let data;
  try {
    data = await api("GET", `/api/interpreter/reservations?date=${day}`, {
      progress: t("status.loading"),
      done: announce ? t("interp.loaded") : "",
    });
  } catch {
    return;
  }
  const items = (data.reservations || []).slice().sort((a, b) => new Date(a.start) - new Date(b.start));
  replaceChildren($("interp-list"), items.length ? items.map(card) : el("li", { class: "empty" }, t("interp.empty")));
}

async function main() {
  $("interp-refresh").addEventListener("click", () => load({ announce: true }));
  try {
    catalog = await api("GET", "/api/catalog", { quiet: true });
  } catch {
    // names fall back to codes
  }
  await load();
}

main();
