// opis curate: the curation forms of document and entity pages and the history (forms with
// class "curate"). A form's data-url is its /api/curation endpoint, data-body the fixed part of
// its JSON (a span), its named fields the rest (checked "mentions" boxes: a list of spans). The
// "preview" button asks what the action would change (?preview=true) and lists it; "apply"
// applies it and reloads the page. Requests carry the page's form token (X-CSRF-Token). All
// text from the server is set with textContent (never parsed as HTML).
"use strict";
(() => {
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  // Signed in: the page's form token in a header. Single-user server: the server's token, typed
  // once and kept for this tab (the same key as the upload page).
  function auth() {
    if (csrf()) return { "X-CSRF-Token": csrf() };
    const field = document.getElementById("cur-token");
    const token = (field && field.value.trim()) || sessionStorage.getItem("opis-token") || "";
    return token ? { Authorization: `Bearer ${token}` } : {};
  }

  function body(form) {
    const out = form.dataset.body ? JSON.parse(form.dataset.body) : {};
    const mentions = [];
    for (const el of form.elements) {
      if (!el.name || el.name === "mode") continue;
      if (el.name === "mentions") {
        if (el.checked) mentions.push(JSON.parse(el.value));
      } else if (el.value.trim() !== "" || el.name === "value") {
        out[el.name] = el.value.trim();
      }
    }
    if (form.querySelector('[name="mentions"]')) out.mentions = mentions;
    if (form.dataset.url.endsWith("/claims/correct") && out.value && !Number.isNaN(Number(out.value))) {
      out.value = Number(out.value);
    }
    return out;
  }

  function show(out, lines, cls) {
    out.className = "curate-out " + (cls || "");
    const list = document.createElement("ul");
    for (const line of lines) {
      const li = document.createElement("li");
      li.textContent = line;
      list.append(li);
    }
    out.replaceChildren(list);
  }

  function describe(data, preview) {
    const changes = data.changes || [];
    const docs = (data.documents || []).length;
    const head = preview
      ? `Preview: ${changes.length} change${changes.length === 1 ? "" : "s"} in ${docs} document${docs === 1 ? "" : "s"}`
      : `Done: ${changes.length} change${changes.length === 1 ? "" : "s"} in ${docs} document${docs === 1 ? "" : "s"}`;
    const lines = [head];
    for (const c of changes.slice(0, 25)) {
      lines.push(`${c.doc_id.slice(0, 8)} ${c.what} ${c.label}: ${c.before ?? "—"} → ${c.after ?? "—"}`);
    }
    if (changes.length > 25) lines.push(`… ${changes.length - 25} more`);
    return lines;
  }

  async function send(form, preview) {
    const out = form.querySelector(".curate-out");
    const url = form.dataset.url + (preview ? "?preview=true" : "");
    show(out, [preview ? "Asking what it would change…" : "Applying…"]);
    let res;
    try {
      res = await fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", ...auth() },
        body: JSON.stringify(body(form)),
      });
    } catch (err) {
      show(out, ["The server could not be reached."], "error");
      return;
    }
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      const detail = Array.isArray(data.detail) ? data.detail.map((d) => d.msg).join("; ") : data.detail;
      show(out, [`Refused: ${detail || data.error || res.status}`], "error");
      return;
    }
    show(out, describe(data, preview), preview ? "preview" : "done");
    if (!preview && form.dataset.reload) setTimeout(() => window.location.reload(), 600);
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const form of document.querySelectorAll("form.curate")) {
      form.addEventListener("submit", (ev) => {
        ev.preventDefault();
        send(form, !ev.submitter || ev.submitter.value === "preview");
      });
    }
    const tokenField = document.getElementById("cur-token");
    if (tokenField) {
      tokenField.value = sessionStorage.getItem("opis-token") || "";
      tokenField.addEventListener("change", () => sessionStorage.setItem("opis-token", tokenField.value.trim()));
    }
    const field = document.getElementById("cur-field");
    const value = document.getElementById("cur-value");
    if (field && value) {
      const values = JSON.parse(field.dataset.values || "{}");
      field.addEventListener("change", () => { value.value = values[field.value] || ""; });
    }
  });
})();
