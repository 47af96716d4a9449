// Slot picker shared by the citizen booking page, "my booking" (reschedule) and the staff console:
// a row of the next N days as buttons, then the free slots of the chosen day as buttons.
import { api } from "./api.js";
import { el, replaceChildren } from "./dom.js";
import { pageData, t } from "./i18n.js";
import { addDays, dayLongLabel, dayParts, dayOf, formatRange, formatTime, today } from "./time.js";

/**
 * @param {HTMLElement} root   empty container
 * @param {object} options
 *   query():  {language, specialty} to ask availability for (language required)
 *   onChange(slot|null): called when the chosen slot changes
 *   days: how many days to offer (default 14)
 */
export function createSlotPicker(root, { query, onChange = () => {}, days = pageData.booking_days || 14 }) {
  const prefix = root.dataset.prefix || "slots";
  let byDay = new Map();
  let selectedDay = null;
  let selected = null;
  let request = 0;

  const dayGrid = el("div", { class: "day-grid" });
  const dayGroup = el("fieldset", { class: "slot-days" }, el("legend", {}, t("slots.day")), dayGrid);
  const message = el("p", { class: "slot-message", id: `${prefix}-slot-message` });
  const timeLegend = el("legend", {});
  const timeGrid = el("div", { class: "time-grid" });
  const timeGroup = el("fieldset", { class: "slot-times", hidden: true }, timeLegend, timeGrid);
  const chosen = el("p", { class: "slot-chosen", id: `${prefix}-slot-chosen` });
  replaceChildren(root, dayGroup, message, timeGroup, chosen);

  function setSelected(slot) {
    selected = slot;
    chosen.textContent = slot ? t("slots.chosen", { when: formatRange(slot.start, slot.end), zone: pageData.tz_label }) : "";
    for (const button of timeGrid.querySelectorAll("button")) {
      button.setAttribute("aria-pressed", String(Boolean(slot) && button.dataset.start === slot.start));
    }
    onChange(slot);
  }

  function renderDays() {
    const first = today();
    const buttons = [];
    for (let i = 0; i < days; i += 1) {
      const day = addDays(first, i);
      const free = (byDay.get(day) || []).length;
      const { date, weekday } = dayParts(day);
      const button = el(
        "button",
        {
          type: "button",
          class: "day-button",
          "aria-pressed": String(day === selectedDay),
          disabled: free === 0,
          dataset: { day },
        },
        el("span", { class: "day-week" }, i === 0 ? t("slots.today", { weekday }) : weekday),
        el("span", { class: "day-name" }, date),
        el("span", { class: "day-free" }, free ? t("slots.day_free", { n: free }) : t("slots.day_none")),
      );
      button.addEventListener("click", () => chooseDay(day, true));
      buttons.push(button);
    }
    replaceChildren(dayGrid, buttons);
  }

  function renderTimes() {
    const slots = selectedDay ? byDay.get(selectedDay) || [] : [];
    timeGroup.hidden = !selectedDay;
    if (!selectedDay) return;
    timeLegend.textContent = t("slots.times_for", { day: dayLongLabel(selectedDay) });
    const buttons = slots.map((slot) => {
      const button = el(
        "button",
        {
          type: "button",
          class: "time-button",
          "aria-pressed": String(Boolean(selected) && selected.start === slot.start),
          dataset: { start: slot.start },
        },
        el("span", { class: "time-value" }, formatTime(slot.start)),
        el("span", { class: "time-free" }, t("slots.free", { n: slot.free })),
      );
      button.addEventListener("click", () => setSelected(slot));
      return button;
    });
    replaceChildren(timeGrid, buttons);
    message.textContent = slots.length ? "" : t("slots.none_day");
  }

  function chooseDay(day, fromUser) {
    selectedDay = day;
    for (const button of dayGrid.querySelectorAll("button")) {
      button.setAttribute("aria-pressed", String(button.dataset.day === day));
    }
    if (selected && dayOf(selected.start) !== day) setSelected(null);
    renderTimes();
    if (fromUser) {
      const first = timeGrid.querySelector("button");
      if (first) first.focus();
    }
  }

  async function refresh() {
    const { language, specialty } = query();
    const mine = (request += 1);
    if (!language) {
      byDay = new Map();
      renderDays();
      message.textContent = t("slots.need_language");
      timeGroup.hidden = true;
      return;
    }
    message.textContent = t("slots.loading");
    const from = today();
    const params = new URLSearchParams({ language, from, to: addDays(from, days - 1) });
    if (specialty) params.set("specialty", specialty);
    let data;
    try {
      // The picker's own message shows progress, so the page's status region keeps what it says.
      data = await api("GET", `/api/availability?${params}`, { quiet: true });
    } catch {
      if (mine === request) message.textContent = t("slots.load_failed");
      return;
    }
    if (mine !== request) return;
    byDay = new Map();
    for (const slot of data.slots || []) {
      if (!(slot.free > 0)) continue;
      const day = dayOf(slot.start);
      if (!byDay.has(day)) byDay.set(day, []);
      byDay.get(day).push(slot);
    }
    if (selected && !(byDay.get(dayOf(selected.start)) || []).some((s) => s.start === selected.start)) {
      setSelected(null);
    }
    if (selectedDay && !byDay.has(selectedDay)) selectedDay = null;
    renderDays();
    message.textContent = byDay.size ? "" : t("slots.none_all");
    renderTimes();
  }

  return {
    refresh,
    selected: () => selected,
    clear: () => setSelected(null),
    focus() {
      const target = dayGrid.querySelector('button[aria-pressed="true"]') || dayGrid.querySelector("button:not([disabled])");
      if (target) target.focus();
    },
  };
}
