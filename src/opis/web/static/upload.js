// opis: the upload page. Each file is sent in its own request (a progress bar per file), then
// its ingest is followed until it is done or failed. All text from files and the server is set
// with textContent (never parsed as HTML).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const tokenInput = document.getElementById("upload-token");
  const filesInput = document.getElementById("upload-files");
  const folderInput = document.getElementById("upload-folder");
  const zone = document.getElementById("drop-zone");
  const list = document.getElementById("sent-list");
  const section = document.getElementById("sent-section");
  const maxSize = Number(form.dataset.max || 0);
  const POLL_MS = 1500;
  const PARALLEL = 3;

  // Signed in: the session cookie goes with each request and the page's form token in a header.
  // Single-user server: the server's token, typed once and kept for this tab.
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  if (tokenInput) {
    tokenInput.value = sessionStorage.getItem("opis-token") || "";
    tokenInput.addEventListener("change", () => sessionStorage.setItem("opis-token", tokenInput.value));
  }

  function row(name) {
    const li = document.createElement("li");
    const label = document.createElement("span");
    label.className = "sent-name";
    label.textContent = name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Upload of " + name);
    const state = document.createElement("span");
    state.className = "sent-state";
    state.textContent = "waiting";
    li.append(label, " ", bar, " ", state);
    list.append(li);
    section.hidden = false;
    return { li, bar, state };
  }

  function show(view, text, cls, href) {
    view.state.textContent = "";
    view.li.className = cls || "";
    if (href) {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      view.state.append(a);
    } else {
      view.state.textContent = text;
    }
  }

  function follow(id, view) {
    fetch("/api/uploads/" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
      .then((r) => r.json())
      .then((u) => {
        if (u.status === "done") {
          show(view, (u.result || "done") + ": open the document", "sent-done", "/documents/" + encodeURIComponent(u.doc_id));
        } else if (u.status === "failed") {
          show(view, "failed: " + (u.error || "unknown error"), "sent-failed");
        } else {
          show(view, u.status === "running" ? "being read…" : "queued…", "");
          setTimeout(() => follow(id, view), POLL_MS);
        }
      })
      .catch(() => setTimeout(() => follow(id, view), POLL_MS * 2));
  }

  function send(file) {
    const name = file.webkitRelativePath || file.name;
    const view = row(name);
    if (maxSize && file.size > maxSize) {
      show(view, "refused: larger than the server's limit of " + maxSize + " bytes", "sent-failed");
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const body = new FormData();
      body.append("files", file, name);
      const collection = document.getElementById("upload-collection");
      if (collection && collection.value) body.append("collection", collection.value);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/uploads");
      if (tokenInput) xhr.setRequestHeader("Authorization", "Bearer " + tokenInput.value);
      else if (csrfMeta) xhr.setRequestHeader("X-CSRF-Token", csrfMeta.content);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) view.bar.value = Math.round((100 * e.loaded) / e.total);
      });
      xhr.addEventListener("load", () => {
        view.bar.value = 100;
        let answer = {};
        try { answer = JSON.parse(xhr.responseText); } catch (err) { answer = {}; }
        if (xhr.status === 202 && answer.uploads && answer.uploads.length) {
          show(view, "queued…", "");
          follow(answer.uploads[0].id, view);
        } else if (answer.refused && answer.refused.length) {
          show(view, "refused: " + answer.refused[0].error, "sent-failed");
        } else {
          show(view, "refused (" + xhr.status + "): " + (answer.detail || answer.error || xhr.statusText), "sent-failed");
        }
        resolve();
      });
      xhr.addEventListener("error", () => { show(view, "not sent: the connection failed", "sent-failed"); resolve(); });
      xhr.send(body);
    });
  }

  async function sendAll(files) {
    if (tokenInput) sessionStorage.setItem("opis-token", tokenInput.value);
    const queue = Array.from(files);
    const workers = [];
    for (let i = 0; i < PARALLEL; i++) {
      workers.push((async () => { while (queue.length) await send(queue.shift()); })());
    }
    await Promise.all(workers);
  }

  // Files dropped, folders included (walked with the entries API where the browser has it).
  function walk(entry, path, out) {
    return new Promise((resolve) => {
      if (entry.isFile) {
        entry.file((f) => {
          try { Object.defineProperty(f, "webkitRelativePath", { value: path + f.name }); } catch (err) { /* read-only */ }
          out.push(f);
          resolve();
        }, () => resolve());
      } else if (entry.isDirectory) {
        const reader = entry.createReader();
        const batch = () => reader.readEntries(async (entries) => {
          if (!entries.length) return resolve();
          for (const e of entries) await walk(e, path + entry.name + "/", out);
          batch();
        }, () => resolve());
        batch();
      } else {
        resolve();
      }
    });
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!form.reportValidity()) return;
    const files = [...filesInput.files, ...folderInput.files];
    filesInput.value = "";
    folderInput.value = "";
    sendAll(files);
  });
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (e) => { e.preventDefault(); zone.classList.add("dragging"); });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", async (e) => {
    e.preventDefault();
    zone.classList.remove("dragging");
    if (!form.reportValidity()) return;
    const items = Array.from(e.dataTransfer.items || []);
    const entries = items.map((it) => (it.webkitGetAsEntry ? it.webkitGetAsEntry() : null)).filter(Boolean);
    if (entries.length) {
      const out = [];
      for (const entry of entries) await walk(entry, "", out);
      sendAll(out);
    } else {
      sendAll(e.dataTransfer.files);
    }
  });
});
