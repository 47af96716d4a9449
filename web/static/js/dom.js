// Small DOM helpers. Text is always set with textContent, never parsed as HTML.

/**
 * Create an element: el("button", {type: "button", class: "btn", dataset: {id: 3}}, "Label", child).
 * Attribute values go through setAttribute (or properties for `hidden`/`disabled`/`checked`).
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name === "text") node.textContent = value;
    else if (name === "hidden" || name === "disabled" || name === "checked") node[name] = Boolean(value);
    else if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replace all children of `node`. */
export function replaceChildren(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false));
}

/** Move focus to `node` (making it programmatically focusable) and bring it into view. */
export function focusOn(node) {
  if (!node) return;
  if (!node.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(node.tagName)) {
    node.setAttribute("tabindex", "-1");
  }
  node.focus({ preventScroll: true });
  node.scrollIntoView({ block: "center", behavior: prefersReducedMotion() ? "auto" : "smooth" });
}

export function prefersReducedMotion() {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

/**
 * Ask an inline yes/no question next to a button instead of a modal dialog.
 * Resolves true for yes, false for no. Focus goes to the question, and back to `returnFocus` after "no".
 */
export function confirmInline(container, { question, yes, no, danger = true, returnFocus }) {
  return new Promise((resolve) => {
    const text = el("p", { class: "confirm-question", tabindex: "-1" }, question);
    const finish = (answer) => {
      box.remove();
      if (!answer && returnFocus) returnFocus.focus();
      resolve(answer);
    };
    const yesButton = el("button", { type: "button", class: danger ? "btn btn-danger" : "btn btn-primary", onclick: () => finish(true) }, yes);
    const noButton = el("button", { type: "button", class: "btn btn-secondary", onclick: () => finish(false) }, no);
    const box = el("div", { class: "inline-confirm notice notice-warning" }, text, el("div", { class: "button-row" }, yesButton, noButton));
    container.append(box);
    text.focus();
  });
}

/** Copy text to the clipboard; falls back to selecting the text of `input`. Returns true on success. */
export async function copyText(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!input) return false;
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }
}
