// Dates and times in the service's time zone (Asia/Seoul), whatever the device's zone is.
import { lang, pageData } from "./i18n.js";

export const timeZone = pageData.timezone || "Asia/Seoul";
const locale = lang === "en" ? "en-US" : "ko-KR";

const timeFmt = new Intl.DateTimeFormat(locale, { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const dateFmt = new Intl.DateTimeFormat(locale, { timeZone, year: "numeric", month: "long", day: "numeric", weekday: lang === "en" ? "short" : "long" });
const partsFmt = new Intl.DateTimeFormat("en-CA", {
  timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});
const offsetFmt = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
// Calendar days ("YYYY-MM-DD") are labelled through a UTC date so no zone can shift them.
const dayDateFmt = new Intl.DateTimeFormat(locale, { timeZone: "UTC", month: lang === "en" ? "short" : "long", day: "numeric" });
const dayWeekFmt = new Intl.DateTimeFormat(locale, { timeZone: "UTC", weekday: "long" });
const dayLongFmt = new Intl.DateTimeFormat(locale, { timeZone: "UTC", year: "numeric", month: "long", day: "numeric", weekday: "long" });

function parts(date) {
  const out = {};
  for (const p of partsFmt.formatToParts(date)) out[p.type] = p.value;
  return out;
}

/** "09:00" in the service zone. */
export function formatTime(iso) {
  return timeFmt.format(new Date(iso));
}

/** "2026년 12월 1일 (화)" / "Tue, December 1, 2026" in the service zone. */
export function formatDate(iso) {
  return dateFmt.format(new Date(iso));
}

/** Date and time range, e.g. "2026년 12월 1일 (화) 09:00–09:30". */
export function formatRange(startIso, endIso) {
  const end = endIso ? `–${formatTime(endIso)}` : "";
  return `${formatDate(startIso)} ${formatTime(startIso)}${end}`;
}

/** The calendar day ("YYYY-MM-DD") of an instant in the service zone. */
export function dayOf(iso) {
  const p = parts(new Date(iso));
  return `${p.year}-${p.month}-${p.day}`;
}

/** Today in the service zone. */
export function today() {
  return dayOf(new Date().toISOString());
}

/** `day` plus `n` days (calendar arithmetic, no zone involved). */
export function addDays(day, n) {
  const [y, m, d] = day.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d + n));
  return date.toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday for a calendar day. */
export function weekdayOf(day) {
  const [y, m, d] = day.split("-").map(Number);
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}

function utcNoon(day) {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d, 12));
}

/** The two lines of a day button: {date: "12월 1일", weekday: "화요일"} / {date: "Dec 1", weekday: "Tuesday"}. */
export function dayParts(day) {
  const noon = utcNoon(day);
  return { date: dayDateFmt.format(noon), weekday: dayWeekFmt.format(noon) };
}

/** Long label for a day heading: "2026년 12월 1일 화요일". */
export function dayLongLabel(day) {
  return dayLongFmt.format(utcNoon(day));
}

/** The zone's UTC offset ("+09:00") at about a given wall-clock day and time. */
function offsetAt(day, hhmm) {
  const guess = new Date(`${day}T${hhmm}:00Z`);
  const name = offsetFmt.formatToParts(guess).find((p) => p.type === "timeZoneName")?.value || "GMT";
  const match = /GMT([+-]\d{2}):?(\d{2})?/.exec(name);
  return match ? `${match[1]}:${match[2] || "00"}` : "+00:00";
}

/** A wall-clock time in the service zone as an ISO string with offset. `local`: "YYYY-MM-DDTHH:MM". */
export function localToIso(local) {
  const [day, time] = local.split("T");
  const hhmm = (time || "00:00").slice(0, 5);
  return `${day}T${hhmm}:00${offsetAt(day, hhmm)}`;
}
