// opis collections: the forms of /collections (class "coll-form") sent as JSON to /api/collections.
// A form's data-url may name {collection} and {action}, filled from its fields of those names;
// "ids" is split on white space. Requests carry the page's form token (X-CSRF-Token), or in
// single-user mode the server's token typed once. Errors are shown with textContent.
"use strict";
(() => {
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  function auth() {
    if (csrf()) return { "X-CSRF-Token": csrf() };
    const field = document.getElementById("cur-token");
    const token = (field && field.value.trim()) || sessionStorage.getItem("opis-token") || "";
    return token ? { Authorization: `Bearer ${token}` } : {};
  }
  const error = document.getElementById("coll-error");
  for (const form of document.querySelectorAll("form.coll-form")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = {};
      let url = form.dataset.url;
      for (const el of form.elements) {
        if (!el.name) continue;
        const value = el.value.trim();
        if (url.includes(`{${el.name}}`)) url = url.replace(`{${el.name}}`, encodeURIComponent(value));
        else if (el.name === "ids") data.ids = value.split(/\s+/).filter(Boolean);
        else if (value !== "") data[el.name] = value;
      }
      const res = await fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", ...auth() },
        body: JSON.stringify(data),
      });
      if (res.ok) {
        window.location.reload();
        return;
      }
      let detail = res.statusText;
      try { detail = (await res.json()).detail || detail; } catch (err) { /* not JSON */ }
      error.textContent = typeof detail === "string" ? detail : JSON.stringify(detail);
      error.hidden = false;
    });
  }
})();
