// Staff: citizens' deletion requests, oldest first; "delete now" erases the booking's personal
// data (the server audits it), "refuse" closes the request (the reason is given to the citizen
// outside the system).
import { api } from "./api.js";
import { replaceChildren } from "./dom.js";
import { t } from "./i18n.js";
import { formatRange } from "./time.js";

const $ = (id) => document.getElementById(id);

function button(label, kind, onClick) {
  const node = document.createElement("button");
  node.type = "button";
  node.className = `btn btn-small ${kind}`;
  node.textContent = label;
  node.addEventListener("click", onClick);
  return node;
}

async function handle(id, action) {
  try {
    await api("POST", `/api/deletion-requests/${id}`, {
      body: { action },
      progress: t("privacy.working"),
      done: t(action === "done" ? "privacy.deleted" : "privacy.refused"),
    });
  } catch {
    // shown in the status region
  }
  await load();
}

async function load() {
  let data;
  try {
    data = await api("GET", "/api/deletion-requests", { quiet: false });
  } catch {
    return;
  }
  const rows = $("privacy-rows");
  replaceChildren(rows);
  for (const request of data.requests) {
    const row = document.createElement("tr");
    const codeCell = document.createElement("td");
    codeCell.textContent = request.code || "—";
    const atCell = document.createElement("td");
    atCell.textContent = formatRange(request.requested_at);
    const actions = document.createElement("td");
    actions.className = "button-row";
    actions.append(
      button(t("privacy.delete_now", { code: request.code || "" }), "btn-danger", () => handle(request.id, "done")),
      button(t("privacy.refuse", { code: request.code || "" }), "btn-secondary", () => handle(request.id, "refused")),
    );
    row.append(codeCell, atCell, actions);
    rows.append(row);
  }
  $("privacy-table").hidden = data.requests.length === 0;
  $("privacy-empty").hidden = data.requests.length > 0;
}

load();
