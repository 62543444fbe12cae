// opis suggest: search-as-you-type for inputs marked data-suggest="PLACE|PERSON|ORG|UNIT".
// Asks /api/suggest for entities whose name begins with what is typed and offers them in a
// listbox; choosing one puts its id in the field. Without this script the field still works:
// the server resolves a typed name. All text is set with textContent (never parsed as HTML).
"use strict";
(() => {
  const DELAY = 150;
  let uid = 0;

  function setup(input) {
    const type = input.dataset.suggest;
    const list = document.createElement("ul");
    list.id = `suggest-${++uid}`;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.after(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    let timer = 0, active = -1, asked = "";

    const close = () => {
      list.hidden = true;
      list.replaceChildren();
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    };
    const choose = (li) => { input.value = li.dataset.id; close(); };
    const highlight = (i) => {
      const items = [...list.children];
      if (!items.length) return;
      active = (i + items.length) % items.length;
      items.forEach((li, n) => li.setAttribute("aria-selected", n === active ? "true" : "false"));
      input.setAttribute("aria-activedescendant", items[active].id);
    };

    async function ask() {
      const q = input.value.trim();
      if (!q || q.includes(":") || q.includes("~")) { close(); return; }
      asked = q;
      let found = [];
      try {
        const url = `/api/suggest?${new URLSearchParams(type ? { q, type, limit: "8" } : { q, limit: "8" })}`;
        const r = await fetch(url, { headers: { Accept: "application/json" } });
        if (r.ok) found = await r.json();
      } catch (_) { found = []; }
      if (asked !== input.value.trim()) return; // typed on meanwhile
      list.replaceChildren();
      found.forEach((e, n) => {
        const li = document.createElement("li");
        li.id = `${list.id}-${n}`;
        li.setAttribute("role", "option");
        li.dataset.id = e.id;
        const label = document.createElement("span");
        label.textContent = e.label;
        li.append(label);
        if (e.name && e.name !== e.label) {
          const alt = document.createElement("span");
          alt.className = "suggest-alt";
          alt.textContent = ` (${e.name})`;
          li.append(alt);
        }
        const id = document.createElement("span");
        id.className = "suggest-id";
        id.textContent = ` ${e.id}`;
        li.append(id);
        li.addEventListener("mousedown", (ev) => { ev.preventDefault(); choose(li); });
        list.append(li);
      });
      list.hidden = !found.length;
      active = -1;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
    }

    input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(ask, DELAY); });
    input.addEventListener("keydown", (ev) => {
      if (list.hidden) return;
      if (ev.key === "ArrowDown") { ev.preventDefault(); highlight(active + 1); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); highlight(active - 1); }
      else if (ev.key === "Enter" && active >= 0) { ev.preventDefault(); choose(list.children[active]); }
      else if (ev.key === "Escape") { close(); }
    });
    input.addEventListener("blur", () => setTimeout(close, 100));
  }

  document.querySelectorAll("input[data-suggest]").forEach(setup);
})();
