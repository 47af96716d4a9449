// Field errors next to each field (aria-invalid + aria-describedby) and an error summary that
// takes focus, for both client-side checks and the API's 422 `fields`.
import { t } from "./i18n.js";
import { el, focusOn, replaceChildren } from "./dom.js";

const CONTROLS = "input:not([type=hidden]), select, textarea, button";

function fieldBox(form, field) {
  return form.querySelector(`[data-field="${CSS.escape(field)}"]`);
}

function labelOf(box) {
  if (box.dataset.label) return box.dataset.label;
  const label = box.querySelector("label, legend");
  return label ? label.textContent.trim() : "";
}

function addDescribedBy(control, id) {
  const ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
  if (!ids.includes(id)) control.setAttribute("aria-describedby", [id, ...ids].join(" "));
}

function removeDescribedBy(control, id) {
  const ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter((x) => x && x !== id);
  if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
  else control.removeAttribute("aria-describedby");
}

/** The localized message for a field error (e.g. `field.name`), else the server's message. */
export function fieldMessage(field, serverMessage) {
  const key = `field.${field}`;
  const text = t(key);
  return text === key ? serverMessage || t("field.invalid") : text;
}

/** Normalize API field names ("body.name", "name") to the form's `data-field` names. */
export function normalizeFields(fields) {
  const out = {};
  for (const [name, message] of Object.entries(fields || {})) {
    const short = String(name).split(".").filter((p) => !/^\d+$/.test(p) && p !== "body").pop() || "body";
    if (!(short in out)) out[short] = message;
  }
  return out;
}

export function clearErrors(form, summary) {
  for (const error of form.querySelectorAll(".field-error")) {
    error.hidden = true;
    error.textContent = "";
  }
  for (const control of form.querySelectorAll("[aria-invalid]")) {
    control.removeAttribute("aria-invalid");
    for (const id of (control.getAttribute("aria-describedby") || "").split(/\s+/)) {
      if (id.endsWith("-error")) removeDescribedBy(control, id);
    }
  }
  for (const box of form.querySelectorAll(".has-error")) box.classList.remove("has-error");
  if (summary) summary.hidden = true;
}

/**
 * Show `errors` ({field: message}) next to their fields and in `summary`, then focus the summary.
 * Messages are shown as given; pass them through `fieldMessage` first for localization.
 */
export function showErrors(form, summary, errors, { focus = true } = {}) {
  clearErrors(form, summary);
  const items = [];
  for (const [field, message] of Object.entries(errors)) {
    const box = fieldBox(form, field);
    let target = null;
    if (box) {
      box.classList.add("has-error");
      const error = box.querySelector(".field-error");
      if (error) {
        error.textContent = message;
        error.hidden = false;
      }
      const isGroup = box.tagName === "FIELDSET" || box.classList.contains("slot-field");
      target = box.querySelector(CONTROLS);
      if (target && !isGroup) {
        target.setAttribute("aria-invalid", "true");
        if (error) addDescribedBy(target, error.id);
      }
    }
    const label = box ? labelOf(box) : "";
    const text = label ? `${label}: ${message}` : message;
    if (target && target.id) {
      const link = el("a", { href: `#${target.id}` }, text);
      link.addEventListener("click", (event) => {
        event.preventDefault();
        focusOn(target);
      });
      items.push(el("li", {}, link));
    } else {
      items.push(el("li", {}, text));
    }
  }
  if (summary) {
    replaceChildren(summary.querySelector(".error-summary-list"), items);
    summary.hidden = items.length === 0;
    if (focus && items.length) focusOn(summary);
  }
}
