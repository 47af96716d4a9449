// The booking form shared by the citizen page and the staff console ("book on behalf"):
// language, specialty and topic; a slot; name, contact and note; the PIPA consent; submit.
// Typed data is never cleared by an error: 422 marks the fields, 409 refreshes the slots.
import { api, ApiError, errorMessage, setStatus } from "./api.js";
import { el, replaceChildren } from "./dom.js";
import { clearErrors, fieldMessage, normalizeFields, showErrors } from "./forms.js";
import { nameOf, pageData, t } from "./i18n.js";
import { createSlotPicker } from "./slots.js";

const SLOT_CONFLICTS = new Set(["slot_taken", "slot_unavailable"]);

function fillOptions(select, entries) {
  const first = select.querySelector("option");
  replaceChildren(select, first, entries.map((entry) => el("option", { value: entry.code }, nameOf(entry))));
}

/**
 * Wire up `form` (rendered by the `booking_form` macro).
 * @param catalog   the /api/catalog response
 * @param onBooked  called with (reservation, slot) after a 201
 */
export function initBookingForm(form, { catalog, onBooked }) {
  const $ = (id) => form.querySelector(`#${id}`);
  const summary = $("bk-summary");
  const submit = $("bk-submit");
  const progress = $("bk-progress");
  const endpoint = form.dataset.endpoint;
  const channelSelect = $("bk-channel");

  const languages = catalog.languages || [];
  replaceChildren(
    $("bk-languages"),
    languages.map((entry, index) =>
      el(
        "div",
        { class: "check" },
        el("input", { type: "radio", name: "language", id: `bk-lang-${entry.code}`, value: entry.code, checked: index === 0 }),
        el("label", { for: `bk-lang-${entry.code}` }, nameOf(entry)),
      ),
    ),
  );
  fillOptions($("bk-specialty"), catalog.specialties || []);
  fillOptions($("bk-topic"), catalog.topics || []);
  if (channelSelect && catalog.channels) {
    for (const option of channelSelect.options) option.hidden = !catalog.channels.includes(option.value);
  }

  const language = () => form.querySelector('input[name="language"]:checked')?.value || "";
  const picker = createSlotPicker($("bk-slots"), {
    query: () => ({ language: language(), specialty: $("bk-specialty").value }),
  });
  form.addEventListener("change", (event) => {
    if (event.target.name === "language" || event.target.name === "specialty") picker.refresh();
  });
  picker.refresh();

  function clientErrors() {
    const errors = {};
    if (!language()) errors.language = fieldMessage("language");
    if (!$("bk-topic").value) errors.topic = fieldMessage("topic");
    if (!picker.selected()) errors.start = fieldMessage("start");
    if (!$("bk-name").value.trim()) errors.name = fieldMessage("name");
    if (!$("bk-consent").checked) errors.consent = fieldMessage("consent");
    return errors;
  }

  function body() {
    const data = {
      name: $("bk-name").value.trim(),
      language: language(),
      topic: $("bk-topic").value,
      start: picker.selected().start,
      consent: true,
      consent_version: catalog.consent_version || pageData.consent_version,
    };
    const optional = { contact: $("bk-contact").value.trim(), note: $("bk-note").value.trim(), specialty: $("bk-specialty").value };
    for (const [key, value] of Object.entries(optional)) if (value) data[key] = value;
    if (channelSelect) data.channel = channelSelect.value;
    return data;
  }

  // aria-disabled rather than `disabled`, so keyboard focus stays on the button while it works.
  let sending = false;
  function busy(on) {
    sending = on;
    submit.setAttribute("aria-disabled", String(on));
    progress.hidden = !on;
    progress.textContent = on ? t("book.submitting") : "";
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (sending) return;
    const errors = clientErrors();
    if (Object.keys(errors).length) {
      showErrors(form, summary, errors);
      setStatus(t("form.fix_errors"), "error");
      return;
    }
    clearErrors(form, summary);
    busy(true);
    const slot = picker.selected();
    try {
      const reservation = await api("POST", endpoint, { body: body(), progress: t("book.submitting"), quiet: true });
      setStatus(t("book.done", { code: reservation.code }), "ok");
      onBooked(reservation, slot);
    } catch (error) {
      if (error instanceof ApiError && error.status === 422 && Object.keys(error.fields).length) {
        const fields = normalizeFields(error.fields);
        const messages = {};
        for (const [name, message] of Object.entries(fields)) messages[name] = fieldMessage(name, message);
        showErrors(form, summary, messages);
        setStatus(t("form.fix_errors"), "error");
      } else if (error instanceof ApiError && (error.status === 409 || SLOT_CONFLICTS.has(error.code))) {
        showErrors(form, summary, { start: errorMessage(error) });
        setStatus(errorMessage(error), "error");
        picker.clear();
        picker.refresh();
      } else {
        showErrors(form, summary, { body: errorMessage(error) });
        setStatus(errorMessage(error), "error");
      }
    } finally {
      busy(false);
    }
  });

  return {
    picker,
    /** Clear the per-booking fields (after a staff booking), keeping the language and topic lists. */
    reset() {
      for (const id of ["bk-name", "bk-contact", "bk-note"]) $(id).value = "";
      $("bk-consent").checked = false;
      clearErrors(form, summary);
      picker.clear();
      picker.refresh();
    },
  };
}
