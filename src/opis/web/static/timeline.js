// opis timeline: the dated items listed on the page drawn on a zoomable, pannable SVG time axis.
// Reads the server-rendered list (data-earliest / data-latest / data-kind / data-href).
"use strict";
(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const DAY = 86400000;
  const el = (name, attrs = {}) => {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  };
  const parse = (s) => (s ? Date.parse(s.length === 4 ? s + "-01-01" : s.length === 7 ? s + "-01" : s) : NaN);

  function ticks(t0, t1, width) {
    const years = (t1 - t0) / (365.25 * DAY);
    const want = Math.max(2, Math.floor(width / 80));
    const steps = [1 / 12, 3 / 12, 6 / 12, 1, 2, 5, 10, 20, 50, 100, 200, 500];
    const step = steps.find((s) => years / s <= want) || 1000;
    const out = [];
    if (step < 1) {
      const months = Math.round(step * 12);
      const d = new Date(t0);
      let cur = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (d.getUTCMonth() % months), 1);
      while (cur <= t1) {
        const c = new Date(cur);
        if (cur >= t0) out.push([cur, c.getUTCMonth() === 0 ? String(c.getUTCFullYear()) : c.toISOString().slice(0, 7)]);
        cur = Date.UTC(c.getUTCFullYear(), c.getUTCMonth() + months, 1);
      }
    } else {
      let y = Math.ceil(new Date(t0).getUTCFullYear() / step) * step;
      for (; Date.UTC(y, 0, 1) <= t1; y += step) {
        const t = Date.UTC(y, 0, 1);
        if (t >= t0) out.push([t, String(y)]);
      }
    }
    return out;
  }

  function setup(figure) {
    const items = [...document.querySelectorAll(".tl-item")].map((li) => ({
      t0: parse(li.dataset.earliest), t1: parse(li.dataset.latest || li.dataset.earliest) + DAY,
      kind: li.dataset.kind, label: li.dataset.label || li.textContent.trim(), href: li.dataset.href,
      when: li.querySelector("time") ? li.querySelector("time").textContent : "",
    })).filter((i) => !Number.isNaN(i.t0));
    if (!items.length) return;
    figure.hidden = false;
    const area = figure.querySelector(".chart-area");
    area.setAttribute("tabindex", "0");
    area.setAttribute("role", "region");
    area.setAttribute("aria-label", "Time axis (arrow keys move, + and − zoom)");
    const svg = el("svg", { role: "presentation" });
    area.appendChild(svg);
    const lo = Math.min(...items.map((i) => i.t0)), hi = Math.max(...items.map((i) => i.t1));
    const pad = Math.max((hi - lo) * 0.05, 180 * DAY);
    const home = { t0: lo - pad, t1: hi + pad };
    const view = { ...home };

    function render() {
      const width = area.clientWidth || 800, height = 176, axisY = height - 24;
      svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
      svg.replaceChildren();
      const x = (t) => ((t - view.t0) / (view.t1 - view.t0)) * width;
      const axis = el("g", { class: "axis" });
      axis.appendChild(el("line", { x1: 0, x2: width, y1: axisY, y2: axisY }));
      for (const [t, label] of ticks(view.t0, view.t1, width)) {
        axis.appendChild(el("line", { x1: x(t), x2: x(t), y1: axisY, y2: axisY + 5 }));
        const text = el("text", { x: x(t), y: axisY + 17, "text-anchor": "middle" });
        text.textContent = label;
        axis.appendChild(text);
      }
      svg.appendChild(axis);
      const lanes = [];
      const laneH = 14, maxLanes = Math.floor((axisY - 8) / (laneH + 3));
      for (const item of [...items].sort((a, b) => a.t0 - b.t0)) {
        const x0 = x(item.t0), w = Math.max(6, x(item.t1) - x0);
        if (x0 + w < 0 || x0 > width) continue;
        let lane = lanes.findIndex((end) => end < x0 - 2);
        if (lane === -1) { lane = lanes.length; lanes.push(0); }
        lanes[lane] = x0 + w;
        const y = axisY - 6 - (Math.min(lane, maxLanes - 1) + 1) * (laneH + 3);
        const mark = item.href ? el("a", { href: item.href }) : el("g", { tabindex: "0" });
        mark.setAttribute("class", `mark mark-${item.kind}`);
        mark.setAttribute("aria-label", `${item.when} ${item.kind}: ${item.label}`);
        const title = el("title");
        title.textContent = `${item.when} · ${item.kind} · ${item.label}`;
        mark.append(title, el("rect", { x: x0, y, width: w, height: laneH, rx: 3 }));
        svg.appendChild(mark);
      }
    }

    const zoom = (f, at = 0.5) => {
      const span = view.t1 - view.t0, mid = view.t0 + span * at;
      const next = Math.min(Math.max(span / f, 20 * DAY), 2000 * 365 * DAY);
      view.t0 = mid - next * at; view.t1 = view.t0 + next;
      render();
    };
    const pan = (frac) => { const d = (view.t1 - view.t0) * frac; view.t0 += d; view.t1 += d; render(); };
    for (const b of figure.querySelectorAll("[data-zoom]")) {
      b.addEventListener("click", () => {
        if (b.dataset.zoom === "in") zoom(2);
        else if (b.dataset.zoom === "out") zoom(0.5);
        else { Object.assign(view, home); render(); }
      });
    }
    area.addEventListener("keydown", (e) => {
      if (e.target !== area) return;
      if (e.key === "ArrowLeft") pan(-0.15);
      else if (e.key === "ArrowRight") pan(0.15);
      else if (e.key === "+" || e.key === "=") zoom(2);
      else if (e.key === "-" || e.key === "_") zoom(0.5);
      else return;
      e.preventDefault();
    });
    area.addEventListener("wheel", (e) => {
      e.preventDefault();
      const r = area.getBoundingClientRect();
      zoom(e.deltaY < 0 ? 1.3 : 1 / 1.3, (e.clientX - r.left) / r.width);
    }, { passive: false });
    let drag = null;
    area.addEventListener("pointerdown", (e) => { if (!e.target.closest(".mark")) { drag = e.clientX; area.setPointerCapture(e.pointerId); } });
    area.addEventListener("pointermove", (e) => { if (drag !== null) { pan(-(e.clientX - drag) / (area.clientWidth || 800)); drag = e.clientX; } });
    area.addEventListener("pointerup", () => { drag = null; });
    window.addEventListener("resize", render);
    render();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const figure = document.getElementById("timeline-chart");
    if (figure) setup(figure);
  });
})();
