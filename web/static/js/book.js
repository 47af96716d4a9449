// Citizen booking page (/): the booking form, then the confirmation with code, manage link,
// copy button and "add to calendar".
import { api, download, setStatus } from "./api.js";
import { copyText, focusOn } from "./dom.js";
import { initBookingForm } from "./booking-form.js";
import { pageData, t } from "./i18n.js";
import { formatRange } from "./time.js";

const $ = (id) => document.getElementById(id);

function manageLink(reservation) {
  const path = reservation.manage_url || `/booking/${encodeURIComponent(reservation.code)}`;
  // The token goes in the fragment: browsers never send it to the server or in a Referer.
  return `${path}#t=${encodeURIComponent(reservation.token)}`;
}

function showConfirmation(reservation, slot) {
  const relative = manageLink(reservation);
  const absolute = new URL(relative, location.origin).href;
  $("confirm-code").textContent = reservation.code;
  $("confirm-when").textContent = t("confirm.when", {
    when: formatRange(reservation.start || slot.start, reservation.end || slot.end),
    zone: pageData.tz_label,
  });
  $("manage-link").value = absolute;
  $("open-manage").href = relative;
  // Switching language from here keeps access to the booking instead of losing the code and key.
  const switcher = $("lang-switch");
  if (switcher) {
    const target = new URL(relative, location.origin);
    target.search = new URL(switcher.href, location.origin).search;
    switcher.href = `${target.pathname}${target.search}${target.hash}`;
  }

  $("copy-link").onclick = async () => {
    const ok = await copyText(absolute, $("manage-link"));
    setStatus(ok ? t("confirm.copied") : t("confirm.copy_failed"), ok ? "ok" : "error");
  };
  $("add-calendar").onclick = () =>
    download(`/api/reservations/${encodeURIComponent(reservation.code)}/calendar.ics`, `signdesk-${reservation.code}.ics`, {
      token: reservation.token,
      progress: t("calendar.downloading"),
      done: t("calendar.downloaded"),
    }).catch(() => {});

  $("booking-view").hidden = true;
  $("confirmation").hidden = false;
  focusOn($("confirm-heading"));
}

async function main() {
  const form = $("booking-form");
  let catalog;
  try {
    catalog = await api("GET", "/api/catalog", { progress: t("status.loading"), done: "" });
  } catch {
    return; // the status region already says what went wrong
  }
  initBookingForm(form, { catalog, onBooked: showConfirmation });
}

main();
