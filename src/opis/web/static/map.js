// opis map: country borders from the packaged Natural Earth TopoJSON (world-atlas) drawn as SVG
// in an equirectangular projection, places as circles sized by mention count, clustered on a
// pixel grid that is recomputed on every zoom. No tiles, no network beyond this server.
"use strict";
(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const el = (name, attrs = {}) => {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  };
  const project = (lon, lat) => [lon + 180, 90 - lat];

  // A ring that crosses the antimeridian (Chukotka, Fiji) is unwrapped into continuous longitudes
  // and drawn again one world-width over, so no line runs across the whole map.
  function ringPath(ring) {
    let prev = null, shift = 0;
    const pts = ring.map(([lon, lat]) => {
      if (prev !== null && Math.abs(lon + shift - prev) > 180) shift += lon + shift > prev ? -360 : 360;
      prev = lon + shift;
      return project(lon + shift, lat);
    });
    const draw = (dx) => pts.map(([x, y], i) => (i ? "L" : "M") + (x + dx).toFixed(2) + " " + y.toFixed(2)).join("") + "Z";
    const xs = pts.map((p) => p[0]);
    let d = draw(0);
    if (Math.min(...xs) < 0) d += draw(360);
    if (Math.max(...xs) > 360) d += draw(-360);
    return d;
  }

  function geometryPath(geom) {
    if (!geom) return "";
    if (geom.type === "Polygon") return geom.coordinates.map(ringPath).join("");
    if (geom.type === "MultiPolygon") return geom.coordinates.map((p) => p.map(ringPath).join("")).join("");
    return "";
  }

  async function drawWorld(layer, url) {
    if (!url || !window.topojson) return false;
    try {
      const response = await fetch(url);
      if (!response.ok) return false;
      const topo = await response.json();
      const key = topo.objects.countries ? "countries" : Object.keys(topo.objects)[0];
      const features = window.topojson.feature(topo, topo.objects[key]).features;
      for (const f of features) {
        if (f.properties && f.properties.name === "Antarctica") continue; // a polar ring has no edge in this projection
        const path = el("path", { d: geometryPath(f.geometry), class: "land" });
        const title = el("title");
        title.textContent = (f.properties && f.properties.name) || "";
        path.appendChild(title);
        layer.appendChild(path);
      }
      return true;
    } catch (err) {
      return false;
    }
  }

  function drawGraticule(layer) {
    let d = "";
    for (let lon = -180; lon <= 180; lon += 30) d += `M${lon + 180} 0V180`;
    for (let lat = -60; lat <= 60; lat += 30) d += `M0 ${90 - lat}H360`;
    layer.appendChild(el("path", { d, class: "graticule" }));
  }

  // The map's points: as JSON from `data-points` (the API's places, most discussed first), else
  // the rows of the table named by `data-source` (no request, or the request failed).
  async function loadPlaces(container) {
    if (container.dataset.points) {
      try {
        const response = await fetch(container.dataset.points);
        if (response.ok) {
          const rows = await response.json();
          return rows.filter((p) => p.lat !== null && p.lon !== null).map((p) => ({
            id: p.id, label: p.label, lat: +p.lat, lon: +p.lon, count: +p.count || 0,
            href: "/entities/" + encodeURIComponent(p.id).replace(/%3A/g, ":"),
          }));
        }
      } catch (err) { /* the table's rows below */ }
    }
    return readPlaces(container);
  }

  function readPlaces(container) {
    if (container.dataset.lat) {
      return [{ id: null, label: container.dataset.label || "", lat: +container.dataset.lat, lon: +container.dataset.lon, count: 1 }];
    }
    const table = document.getElementById(container.dataset.source || "");
    if (!table) return [];
    return [...table.querySelectorAll("tbody tr")]
      .filter((tr) => tr.dataset.lat !== "" && tr.dataset.lon !== "")
      .map((tr) => ({
        id: tr.dataset.id, label: tr.dataset.label, lat: +tr.dataset.lat, lon: +tr.dataset.lon,
        count: +tr.dataset.count || 0, href: tr.querySelector("a") && tr.querySelector("a").getAttribute("href"),
      }));
  }

  // Group places closer than `cellPx` screen pixels at the current scale.
  function cluster(places, pxPerUnit, cellPx) {
    const cell = cellPx / pxPerUnit;
    const groups = new Map();
    for (const p of places) {
      const [x, y] = project(p.lon, p.lat);
      const key = Math.floor(x / cell) + ":" + Math.floor(y / cell);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push({ ...p, x, y });
    }
    const summarise = (members) => {
      const weight = members.reduce((s, m) => s + Math.max(m.count, 1), 0);
      return {
        members,
        count: members.reduce((s, m) => s + m.count, 0),
        x: members.reduce((s, m) => s + m.x * Math.max(m.count, 1), 0) / weight,
        y: members.reduce((s, m) => s + m.y * Math.max(m.count, 1), 0) / weight,
      };
    };
    // Grid cells next to each other can still give overlapping circles: merge those.
    let out = [...groups.values()].map(summarise);
    for (let merged = true; merged;) {
      merged = false;
      outer: for (let i = 0; i < out.length; i++) {
        for (let j = i + 1; j < out.length; j++) {
          const dist = Math.hypot(out[i].x - out[j].x, out[i].y - out[j].y) * pxPerUnit;
          if (dist < radius(out[i]) + radius(out[j])) {
            out[i] = summarise([...out[i].members, ...out[j].members]);
            out.splice(j, 1);
            merged = true;
            break outer;
          }
        }
      }
    }
    return out;
  }

  function radius(group) {
    return group.members.length > 1 ? Math.min(26, 8 + 3.2 * Math.sqrt(group.members.length)) : Math.min(20, 6 + 3.2 * Math.sqrt(group.count));
  }

  async function setup(container) {
    const places = await loadPlaces(container);
    const mini = Boolean(container.dataset.lat);
    const svg = el("svg", { role: "presentation", focusable: "false" });
    const world = el("g");
    const marks = el("g");
    svg.append(world, marks);
    container.appendChild(svg);
    drawGraticule(world);
    const status = document.createElement("p");
    status.className = "map-status";
    status.setAttribute("aria-live", "polite");
    container.appendChild(status);

    const view = { cx: 180, cy: 90, z: 1 };
    const fit = () => {
      if (!places.length) return;
      const xs = places.map((p) => p.lon + 180), ys = places.map((p) => 90 - p.lat);
      const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
      view.cx = (x0 + x1) / 2; view.cy = (y0 + y1) / 2;
      const span = Math.max((x1 - x0) * 1.3, (y1 - y0) * 2.6, mini ? 24 : 30);
      view.z = Math.min(64, Math.max(1, 360 / span));
    };
    fit();
    const home = { ...view };

    function render() {
      const w = container.clientWidth || 600, h = container.clientHeight || 300;
      const vbW = 360 / view.z, vbH = vbW * (h / w);
      view.cx = Math.min(360, Math.max(0, view.cx));
      view.cy = Math.min(180, Math.max(0, view.cy));
      svg.setAttribute("viewBox", `${view.cx - vbW / 2} ${view.cy - vbH / 2} ${vbW} ${vbH}`);
      const px = w / vbW; // screen pixels per map unit (degree)
      marks.replaceChildren();
      const groups = mini ? places.map((p) => ({ members: [{ ...p }], count: p.count, x: p.lon + 180, y: 90 - p.lat })) : cluster(places, px, 36);
      for (const g of groups) {
        const single = g.members.length === 1;
        const p = g.members[0];
        const r = mini ? 7 : radius(g);
        const node = single && p.href ? el("a", { href: p.href }) : el("g");
        node.setAttribute("class", "place" + (single ? "" : " cluster"));
        node.setAttribute("transform", `translate(${g.x} ${g.y}) scale(${1 / px})`);
        const label = single ? `${p.label}: ${p.count} document${p.count === 1 ? "" : "s"}` : `${g.members.length} places: zoom in`;
        node.setAttribute("aria-label", mini ? p.label : label);
        const title = el("title");
        title.textContent = single ? label : g.members.map((m) => m.label).join(", ");
        node.append(title, el("circle", { r }));
        if (!mini) {
          const t = el("text", { "text-anchor": "middle", dy: "4" });
          t.textContent = single ? String(p.count) : String(g.members.length);
          node.appendChild(t);
        }
        if (single && (mini || view.z >= 6 || places.length <= 12)) {
          const name = el("text", { x: r + 3, dy: "4", class: "place-label" });
          name.textContent = p.label;
          node.appendChild(name);
        }
        if (!single) {
          node.setAttribute("tabindex", "0");
          node.setAttribute("role", "button");
          const zoomTo = () => { view.cx = g.x; view.cy = g.y; view.z = Math.min(64, view.z * 2.5); render(); };
          node.addEventListener("click", zoomTo);
          node.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); zoomTo(); } });
        }
        marks.appendChild(node);
      }
      status.textContent = mini ? "" : `zoom ×${view.z.toFixed(1)} · ${groups.length} marker${groups.length === 1 ? "" : "s"}`;
    }

    const zoomBy = (f) => { view.z = Math.min(64, Math.max(1, view.z * f)); render(); };
    if (!mini) {
      const controls = document.createElement("div");
      controls.className = "map-controls";
      for (const [text, label, act] of [["+", "Zoom in", () => zoomBy(2)], ["−", "Zoom out", () => zoomBy(0.5)], ["⌂", "Show all places", () => { Object.assign(view, home); render(); }]]) {
        const b = document.createElement("button");
        b.type = "button"; b.textContent = text; b.setAttribute("aria-label", label);
        b.addEventListener("click", act);
        controls.appendChild(b);
      }
      container.appendChild(controls);
      container.setAttribute("tabindex", "0");
      container.setAttribute("role", "region");
      container.setAttribute("aria-label", "Map of places (arrow keys pan, + and − zoom)");
      container.addEventListener("keydown", (e) => {
        if (e.target !== container) return;
        const step = 60 / view.z;
        const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
        if (moves[e.key]) { view.cx += moves[e.key][0]; view.cy += moves[e.key][1]; render(); e.preventDefault(); }
        else if (e.key === "+" || e.key === "=") { zoomBy(2); e.preventDefault(); }
        else if (e.key === "-" || e.key === "_") { zoomBy(0.5); e.preventDefault(); }
      });
      container.addEventListener("wheel", (e) => { e.preventDefault(); zoomBy(e.deltaY < 0 ? 1.25 : 0.8); }, { passive: false });
      let drag = null;
      svg.addEventListener("pointerdown", (e) => { if (e.button === 0 && !e.target.closest(".place")) { drag = { x: e.clientX, y: e.clientY }; svg.setPointerCapture(e.pointerId); } });
      svg.addEventListener("pointermove", (e) => {
        if (!drag) return;
        const px = (container.clientWidth || 600) / (360 / view.z);
        view.cx -= (e.clientX - drag.x) / px; view.cy -= (e.clientY - drag.y) / px;
        drag = { x: e.clientX, y: e.clientY };
        render();
      });
      svg.addEventListener("pointerup", () => { drag = null; });
    }
    window.addEventListener("resize", render);
    render();
    drawWorld(world, container.dataset.world).then((ok) => {
      if (!ok) container.classList.add("no-basemap");
      container.dataset.ready = ok ? "world" : "points";
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const c of document.querySelectorAll(".map[data-world]")) setup(c);
  });
})();
