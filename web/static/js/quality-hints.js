// Quality hints (issue 5): what the server's quality analyzer says about a video, shown as short
// text with an icon each (never a sound). The codes and their order are fixed by the protocol
// (docs/protocol.md, `quality`); the words come from i18n (`quality.hint.*`, `quality.short.*`).
import { t } from "./i18n.js";

export const HINT_CODES = [
  "hands_cropped",
  "low_light",
  "too_far",
  "too_close",
  "blurry",
  "low_frame_rate",
  "low_resolution",
];

const SVG = "http://www.w3.org/2000/svg";

// Simple line icons on a 24x24 grid, drawn with the text colour (so they follow forced colours).
const ICONS = {
  // A hand leaving the frame: the frame, and an arrow out of its corner.
  hands_cropped: ["M3 3h13v13H3z", "M11 11l9 9", "M14 20h6v-6"],
  // A sun: more light.
  low_light: ["M12 8a4 4 0 1 0 0 8a4 4 0 1 0 0-8z", "M12 1v3M12 20v3M1 12h3M20 12h3M4.2 4.2l2.1 2.1M17.7 17.7l2.1 2.1M4.2 19.8l2.1-2.1M17.7 6.3l2.1-2.1"],
  // Small inside large, arrows outwards: come closer (be bigger).
  too_far: ["M9 9h6v6H9z", "M2 2l5 5M22 2l-5 5M2 22l5-5M22 22l-5-5", "M2 6V2h4M22 6V2h-4M2 18v4h4M22 18v4h-4"],
  // Arrows inwards: move back (be smaller).
  too_close: ["M3 3l5 5M21 3l-5 5M3 21l5-5M21 21l-5-5", "M8 4v4H4M16 4v4h4M8 20v-4H4M16 20v-4h4"],
  // Wavy lines: blurred.
  blurry: ["M3 7c3-3 6 3 9 0s6 3 9 0", "M3 12c3-3 6 3 9 0s6 3 9 0", "M3 17c3-3 6 3 9 0s6 3 9 0"],
  // A gauge with its needle low: too few frames a second.
  low_frame_rate: ["M3 17a9 9 0 1 1 18 0", "M12 17L6.5 12"],
  // Big pixels: a coarse picture.
  low_resolution: ["M3 3h8v8H3zM13 13h8v8h-8z", "M13 3h8v8h-8zM3 13h8v8H3z"],
};

function icon(code) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "hint-icon");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  for (const d of ICONS[code] || ["M12 3l10 18H2z", "M12 10v5M12 17v1"]) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "2");
    path.setAttribute("stroke-linecap", "round");
    path.setAttribute("stroke-linejoin", "round");
    svg.append(path);
  }
  return svg;
}

/** Only the known codes, in the protocol's order. */
export function knownHints(codes) {
  const wanted = new Set(codes || []);
  return HINT_CODES.filter((code) => wanted.has(code));
}

/**
 * Fill `box` (a live status region) with the hints: a title and one list item per hint, text
 * and icon. `short` gives the small indicator words (the interpreter's view of the caller's
 * video). An empty list empties the box, so nothing is left on the screen or read out.
 */
export function renderHints(box, codes, { title, short = false }) {
  if (!box) return;
  const hints = knownHints(codes);
  const shown = [...box.querySelectorAll("[data-code]")].map((node) => node.dataset.code);
  if (shown.join() === hints.join() && (hints.length === 0) === (box.childElementCount === 0)) return;
  box.replaceChildren();
  if (!hints.length) return;
  const heading = document.createElement("p");
  heading.className = "hints-title";
  heading.textContent = title;
  const list = document.createElement("ul");
  list.className = short ? "quality-hints quality-indicators" : "quality-hints";
  for (const code of hints) {
    const item = document.createElement("li");
    item.className = "quality-hint";
    item.dataset.code = code;
    const text = document.createElement("span");
    text.textContent = short ? t(`quality.short.${code}`) : t(`quality.hint.${code}`);
    item.append(icon(code), text);
    list.append(item);
  }
  box.append(heading, list);
}
