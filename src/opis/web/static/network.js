// opis co-occurrence network: the entity in the middle, the entities mentioned in the same
// documents around it (line width: shared documents), and lines between neighbours that are
// mentioned together too (from /api/entities/{id}/cooccurring). Reads the server-rendered list
// (data-id / data-type / data-label / data-n); the list stays the accessible text version.
"use strict";
(() => {
  const SVG = "http://www.w3.org/2000/svg";
  let W = 640, H = 440, CX = W / 2, CY = H / 2, LABEL = 22; // set to the figure's width in draw()
  const NEIGHBOURS_ASKED = 8; // neighbours whose own neighbours are fetched, for the lines between them
  const el = (name, attrs = {}) => {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  };
  const short = (s, n) => (s.length <= n ? s : s.slice(0, n - 1).replace(/\s+\S*$/, "") + "…");
  const href = (id) => "/entities/" + encodeURIComponent(id).replace(/%3A/gi, ":");

  function node(g, n, x, y, r, centre) {
    const a = el("a", { href: href(n.id), class: `net-node net-${(n.type || "").toLowerCase()}${centre ? " net-centre" : ""}` });
    a.setAttribute("aria-label", centre ? `${n.label} (this ${n.type.toLowerCase()})` :
      `${n.label}, ${n.type.toLowerCase()}, ${n.n} shared document${n.n === 1 ? "" : "s"}`);
    const title = el("title");
    title.textContent = centre ? n.label : `${n.label} · ${n.n} shared document${n.n === 1 ? "" : "s"}`;
    a.append(title, el("circle", { cx: x, cy: y, r }));
    const right = x >= CX - 1;
    const text = el("text", { x: centre ? x : x + (right ? r + 4 : -r - 4), y: centre ? y + r + 14 : y + 4,
      "text-anchor": centre ? "middle" : right ? "start" : "end" });
    text.textContent = short(n.label, centre ? 40 : LABEL);
    a.append(text);
    g.append(a);
  }

  async function draw(figure) {
    const items = [...document.querySelectorAll(".cooccurring li[data-id]")].map((li) => ({
      id: li.dataset.id, type: li.dataset.type || "", label: li.dataset.label || li.dataset.id, n: Number(li.dataset.n) || 1,
    }));
    if (!items.length) return;
    const centre = { id: figure.dataset.entity, type: figure.dataset.type || "", label: figure.dataset.label || "" };
    const top = Math.max(...items.map((i) => i.n));
    figure.hidden = false; // measured once shown
    const width = figure.querySelector(".network-area").clientWidth || 640;
    W = Math.max(340, Math.min(680, width)); // one SVG unit per CSS pixel: labels stay readable on a phone
    H = W < 520 ? Math.round(W * 1.1) : 440;
    CX = W / 2; CY = H / 2; LABEL = W < 520 ? 13 : 22;
    const RX = W / 2 - (LABEL * 6.6 + 16), RY = H / 2 - 30;
    const pos = new Map();
    items.forEach((item, k) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * (k + 0.5)) / items.length;
      pos.set(item.id, [CX + RX * Math.cos(angle), CY + RY * Math.sin(angle)]);
    });
    const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "group", "aria-label": `Network of ${centre.label}` });
    const lines = el("g", { class: "net-lines" }), between = el("g", { class: "net-between" }), nodes = el("g");
    svg.append(between, lines, nodes);
    for (const item of items) {
      const [x, y] = pos.get(item.id);
      lines.append(el("line", { x1: CX, y1: CY, x2: x, y2: y, "stroke-width": 1 + (5 * item.n) / top }));
    }
    node(nodes, centre, CX, CY, 12, true);
    for (const item of items) {
      const [x, y] = pos.get(item.id);
      node(nodes, item, x, y, 4 + (8 * item.n) / top, false);
    }
    figure.querySelector(".network-area").replaceChildren(svg);
    figure.hidden = false;
    // lines between neighbours mentioned together (a bounded number of requests)
    const seen = new Set();
    await Promise.all(items.slice(0, NEIGHBOURS_ASKED).map(async (item) => {
      try {
        const r = await fetch(`/api/entities/${encodeURIComponent(item.id)}/cooccurring?limit=50`, { headers: { Accept: "application/json" } });
        if (!r.ok) return;
        for (const other of await r.json()) {
          const key = [item.id, other.id].sort().join("|");
          if (other.id === item.id || !pos.has(other.id) || seen.has(key)) continue;
          seen.add(key);
          const [x1, y1] = pos.get(item.id), [x2, y2] = pos.get(other.id);
          between.append(el("line", { x1, y1, x2, y2 }));
        }
      } catch (_) { /* the lines from the centre are drawn already */ }
    }));
    const status = figure.querySelector(".network-status");
    if (status) status.textContent = seen.size ? `${seen.size} pairs of neighbours are also mentioned together (grey lines).` : "";
  }

  document.addEventListener("DOMContentLoaded", () => {
    const figure = document.getElementById("network");
    if (figure) draw(figure);
  });
})();
